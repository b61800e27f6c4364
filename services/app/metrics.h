// What the application layer and the background jobs count. The layer
// only counts; whoever exports metrics (the server, in Prometheus text)
// implements Metrics and names each counter from kCounters, so that a new
// counter is one row here and no method on an exporter.
//
// Implementations must be thread-safe.
#ifndef ATGARD_SERVICES_APP_METRICS_H_
#define ATGARD_SERVICES_APP_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace atgard::app {

enum class Counter {
  kDeadlineRuns,    // runs of the deadline scheduler
  kOverdueEvents,   // overdue events it appended
  kPolicyCommands,  // commands issued by automatic policies
};

struct CounterSpec {
  Counter counter;
  // The exported name (Prometheus conventions: snake case, _total).
  const char* name;
  const char* help;
};

inline constexpr CounterSpec kCounters[] = {
    {Counter::kDeadlineRuns, "atgard_scheduler_runs_total",
     "Runs of the deadline scheduler."},
    {Counter::kOverdueEvents, "atgard_overdue_events_total",
     "Overdue events appended by the scheduler."},
    {Counter::kPolicyCommands, "atgard_policy_commands_total",
     "Commands issued by automatic policies."},
};

// Exporters index their series by the counter's value.
static_assert(
    [] {
      for (size_t i = 0; i < std::size(kCounters); ++i) {
        if (static_cast<size_t>(kCounters[i].counter) != i) return false;
      }
      return true;
    }(),
    "kCounters lists every Counter once, in the enum's order");

class Metrics {
 public:
  virtual ~Metrics() = default;
  // Adds `n` to `counter`.
  virtual void Count(Counter counter, uint64_t n) = 0;
};

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_METRICS_H_
