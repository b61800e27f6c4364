// Runs posted tasks one at a time, in order, on one thread of its own.
// For work that must leave the thread reporting it (the event store's
// writer thread calls back after each group commit; its time belongs to
// every other append).
//
// Thread-safe. The destructor runs every task already posted, then joins.
#ifndef ATGARD_SERVICES_COMMON_SERIAL_EXECUTOR_H_
#define ATGARD_SERVICES_COMMON_SERIAL_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace atgard {

class SerialExecutor {
 public:
  SerialExecutor();
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues `task`. Tasks posted after destruction began are still run.
  void Post(std::function<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace atgard

#endif  // ATGARD_SERVICES_COMMON_SERIAL_EXECUTOR_H_
