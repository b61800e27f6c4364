// The deadline scheduler: periodically appends the overdue events the
// domain says are due (plan submission, start, implementation, follow-up,
// milestone, planned and required extra measurement, care-plan review
// overdue; contracts expired), as SYSTEM.
//
// Each event is appended with an idempotency key derived from its stream,
// type and due date ("deadline:<stream>:<type>:<due date>"), and the
// domain emits each deadline once per due date, so an event is written
// exactly once even across restarts and when two schedulers run against
// the same store.
//
// It keeps an in-memory index of the dates events have put on each
// aggregate's calendar (domain::DeadlineDatesOf), built from the log at
// start and kept current through a subscription, and folds only the
// aggregates with a date before today (and those whose indexed events set
// no date but may make a passed one due, such as a late approval).
//
// Thread-safe; Start() once, the destructor stops the thread.
#ifndef ATGARD_SERVICES_JOBS_DEADLINE_SCHEDULER_H_
#define ATGARD_SERVICES_JOBS_DEADLINE_SCHEDULER_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace atgard::app {
class AggregateRepository;
class EventLog;
class LogSubscription;
class Metrics;
}  // namespace atgard::app

namespace atgard::jobs {

// Appends the deadline events due by `today` in `stream_id` (an
// aggregate's stream), as the scheduler does on each run: as SYSTEM
// ("deadline-scheduler") of the stream's tenant, each with a command id
// naming the deadline so that a repeated run appends nothing twice. Adds
// to *appended each event that landed, also when a later one fails.
// Errors: NOT_FOUND for a stream that holds no aggregate; the repository's
// and the log's (ABORTED if the aggregate moved meanwhile: try again).
[[nodiscard]] absl::Status AppendDueDeadlines(
    app::EventLog& log, app::AggregateRepository& repository,
    const std::string& stream_id, absl::CivilDay today, size_t* appended);

class DeadlineScheduler {
 public:
  struct Options {
    // Time between runs.
    absl::Duration interval = absl::Minutes(5);
    // The scheduler's clock; tests move it.
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  // `log`, `repository` and `metrics` (may be null) must outlive it.
  DeadlineScheduler(app::EventLog* log, app::AggregateRepository* repository,
                    app::Metrics* metrics, Options options);
  ~DeadlineScheduler();
  DeadlineScheduler(const DeadlineScheduler&) = delete;
  DeadlineScheduler& operator=(const DeadlineScheduler&) = delete;

  // Starts running every `interval` on a thread of its own; the first run
  // (at once) indexes the log from its start. Run errors are logged and
  // retried at the next run.
  [[nodiscard]] absl::Status Start();

  // One run now, on the calling thread: indexes new events, then appends
  // what is due today. Returns the number of overdue events appended.
  // Usable without Start() (then it subscribes on first use).
  [[nodiscard]] absl::StatusOr<size_t> RunOnce();

  // Has the thread started by Start() run at once instead of at the end of
  // its interval (after a run in progress, if any), for a clock that moved
  // (OperatorService.SetDevelopmentClock). Returns without waiting for the
  // run; before Start() the first run is at once anyway.
  void RunSoon();

 private:
  bool Woken() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(stop_mu_) {
    return stopping_ || run_soon_;
  }
  absl::Status IndexNewEvents() ABSL_EXCLUSIVE_LOCKS_REQUIRED(run_mu_);
  void Loop();

  app::EventLog* const log_;
  app::AggregateRepository* const repository_;
  app::Metrics* const metrics_;
  const Options options_;

  // Serialises runs (the loop and RunOnce from tests).
  absl::Mutex run_mu_;
  std::unique_ptr<app::LogSubscription> subscription_ ABSL_GUARDED_BY(run_mu_);
  // Stream id → dates on its calendar not yet passed by a run.
  std::map<std::string, std::set<absl::CivilDay>> index_
      ABSL_GUARDED_BY(run_mu_);

  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  bool run_soon_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread thread_;
};

}  // namespace atgard::jobs

#endif  // ATGARD_SERVICES_JOBS_DEADLINE_SCHEDULER_H_
