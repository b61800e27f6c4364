// Runs the automatic policies (services/domain/policies.h) as a process
// manager on the event log: it follows the log from a stored checkpoint,
// turns each triggering event into commands and carries them out as SYSTEM
// through the CommandHandler. Command ids derive from the triggering
// event, so a restart that re-reads events after the checkpoint is
// harmless: the store answers repeats from its idempotency records.
//
// Thread-safe; Start() once, the destructor stops the thread.
#ifndef ATGARD_SERVICES_SCHEDULER_POLICY_RUNNER_H_
#define ATGARD_SERVICES_SCHEDULER_POLICY_RUNNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace atgard::app {
class CommandHandler;
class EventLog;
class LogSubscription;
class Metrics;
}  // namespace atgard::app

namespace atgard::jobs {

class PolicyRunner {
 public:
  struct Options {
    // Name of the stored checkpoint.
    std::string checkpoint = "policies";
    // How often the started runner looks for new events.
    absl::Duration poll = absl::Milliseconds(100);
  };

  // `log`, `commands` and `metrics` (may be null) must outlive it.
  PolicyRunner(app::EventLog* log, app::CommandHandler* commands,
               app::Metrics* metrics, Options options);
  ~PolicyRunner();
  PolicyRunner(const PolicyRunner&) = delete;
  PolicyRunner& operator=(const PolicyRunner&) = delete;

  // Resumes after the stored checkpoint on a thread of its own.
  // Errors: the store's (reading the checkpoint, subscribing).
  [[nodiscard]] absl::Status Start();

  // Processes everything available now on the calling thread, for tests;
  // returns the number of commands issued. Subscribes on first use. A
  // command that fails for a reason other than the domain's refusal
  // (UNAVAILABLE, ABORTED) stops the run with that error; the next run
  // resumes from the stored checkpoint.
  [[nodiscard]] absl::StatusOr<size_t> RunAvailable();

  // The position up to which events have been processed.
  uint64_t checkpoint() const;

 private:
  absl::Status EnsureSubscribed() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Everything available now; the number of commands issued. On an error
  // the caller drops the subscription, so that the next run resumes from
  // the stored checkpoint.
  absl::StatusOr<size_t> ProcessAvailable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<size_t> ProcessBatch() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Loop();

  app::EventLog* const log_;
  app::CommandHandler* const commands_;
  app::Metrics* const metrics_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::unique_ptr<app::LogSubscription> subscription_ ABSL_GUARDED_BY(mu_);
  uint64_t checkpoint_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace atgard::jobs

#endif  // ATGARD_SERVICES_SCHEDULER_POLICY_RUNNER_H_
