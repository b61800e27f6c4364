// The server's metrics in Prometheus text format, served on a port of
// their own (--metrics_listen) so that scraping needs no gRPC credentials.
//
// Thread-safe. Series are created on first use and kept.
#ifndef ATGARD_SERVICES_API_METRICS_H_
#define ATGARD_SERVICES_API_METRICS_H_

#include <array>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/app/metrics.h"

namespace prometheus {
class Counter;
class Exposer;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace atgard::api {

class Metrics final : public app::Metrics {
 public:
  Metrics();
  ~Metrics() override;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Serves /metrics on `address` (host:port; port 0 picks one) and
  // returns the bound port. INVALID_ARGUMENT naming --metrics_listen if it
  // cannot bind.
  [[nodiscard]] absl::StatusOr<int> Serve(const std::string& address);

  // One finished RPC: method ("/atgard.v1.CaseService/RequestPlan"), its
  // status code name ("OK", "INVALID_ARGUMENT", …) and how long it took.
  void ObserveRpc(absl::string_view method, absl::string_view code,
                  absl::Duration latency);
  // One group commit of the event store: its appends, events and latency.
  void ObserveCommit(size_t appends, size_t events, absl::Duration latency);
  // A subscription opened (+1) or closed (-1), and a subscriber's lag in
  // events behind the head.
  void AddSubscriptions(int delta);
  void ObserveSubscriptionLag(uint64_t events_behind);
  // The application layer's counters (app::kCounters).
  void Count(app::Counter counter, uint64_t n) override;
  // Whether the store refuses appends for its disk reserve.
  void SetWritesRefused(bool refused);
  // A read met damaged data (atgard_data_loss_reads_total).
  void ObserveDataLoss();
  // A call refused because its credentials were missing, malformed or not
  // accepted (atgard_authentication_failures_total), whether or not its
  // log line was held back.
  void ObserveAuthenticationFailure();

  // The text exposition, for tests.
  std::string Render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  // Where the exposer listens, to wake it when it stops.
  std::string reachable_host_;
  int port_ = 0;
  prometheus::Family<prometheus::Counter>* rpcs_;
  prometheus::Family<prometheus::Histogram>* rpc_latency_;
  prometheus::Histogram* append_latency_;
  prometheus::Histogram* batch_appends_;
  prometheus::Histogram* batch_events_;
  prometheus::Counter* events_total_;
  prometheus::Gauge* subscriptions_;
  prometheus::Gauge* subscription_lag_;
  std::array<prometheus::Counter*, std::size(app::kCounters)> counters_{};
  prometheus::Gauge* writes_refused_;
  prometheus::Counter* data_loss_reads_;
  prometheus::Counter* authentication_failures_;

  // Family::Add() builds a new series object before it looks for an
  // existing one, so per-RPC series are looked up here instead.
  absl::Mutex series_mu_;
  absl::flat_hash_map<std::string, prometheus::Counter*> rpc_counters_
      ABSL_GUARDED_BY(series_mu_);
  absl::flat_hash_map<std::string, prometheus::Histogram*> rpc_histograms_
      ABSL_GUARDED_BY(series_mu_);
};

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_METRICS_H_
