#include "services/api/metrics.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace atgard::api {
namespace {

// Seconds, from 100 µs to 10 s: commit latency sits at the low end, slow
// RPCs at the high end.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   10};
  return *buckets;
}

// Where to reach a listener bound to `address` ("host:port", "[v6]:port"
// or "port"; of a list, the first): its numeric host, or loopback for a
// wildcard or a name (no name lookup while stopping).
std::string ReachableHost(const std::string& addresses) {
  const std::string address = addresses.substr(0, addresses.find(','));
  std::string host;
  if (!address.empty() && address.front() == '[') {
    host = address.substr(1, address.find(']') - 1);
  } else if (const size_t colon = address.rfind(':');
             colon != std::string::npos) {
    host = address.substr(0, colon);
  }
  if (host == "::") return "::1";
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST;
  addrinfo* found = nullptr;
  if (host.empty() || host == "0.0.0.0" ||
      getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    return "127.0.0.1";
  }
  freeaddrinfo(found);
  return host;
}

// Opens a connection to host:port and closes it at once.
void Knock(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) !=
      0) {
    return;
  }
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd =
        socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const timeval timeout{.tv_sec = 0, .tv_usec = 100000};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    const bool connected = connect(fd, a->ai_addr, a->ai_addrlen) == 0;
    close(fd);
    if (connected) break;
  }
  freeaddrinfo(found);
}

const prometheus::Histogram::BucketBoundaries& SizeBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
  return *buckets;
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  rpcs_ = &prometheus::BuildCounter()
               .Name("atgard_rpcs_total")
               .Help("Finished RPCs by method and status code.")
               .Register(*registry_);
  rpc_latency_ = &prometheus::BuildHistogram()
                      .Name("atgard_rpc_duration_seconds")
                      .Help("RPC latency by method.")
                      .Register(*registry_);
  append_latency_ = &prometheus::BuildHistogram()
                         .Name("atgard_append_duration_seconds")
                         .Help("Latency of one group commit (write and sync).")
                         .Register(*registry_)
                         .Add({}, LatencyBuckets());
  auto& batch = prometheus::BuildHistogram()
                    .Name("atgard_commit_batch_size")
                    .Help("Appends and events per group commit.")
                    .Register(*registry_);
  batch_appends_ = &batch.Add({{"unit", "appends"}}, SizeBuckets());
  batch_events_ = &batch.Add({{"unit", "events"}}, SizeBuckets());
  events_total_ = &prometheus::BuildCounter()
                       .Name("atgard_events_appended_total")
                       .Help("Events appended to the store.")
                       .Register(*registry_)
                       .Add({});
  subscriptions_ = &prometheus::BuildGauge()
                        .Name("atgard_subscriptions")
                        .Help("Open event subscriptions.")
                        .Register(*registry_)
                        .Add({});
  subscription_lag_ = &prometheus::BuildGauge()
                           .Name("atgard_subscription_lag_events")
                           .Help(
                               "Events between a subscriber and the head, "
                               "as last observed.")
                           .Register(*registry_)
                           .Add({});
  for (const app::CounterSpec& spec : app::kCounters) {
    counters_[static_cast<size_t>(spec.counter)] = &prometheus::BuildCounter()
                                                        .Name(spec.name)
                                                        .Help(spec.help)
                                                        .Register(*registry_)
                                                        .Add({});
  }
  writes_refused_ =
      &prometheus::BuildGauge()
           .Name("atgard_writes_refused_disk_reserve")
           .Help(
               "1 while appends are refused because the free space of the "
               "data directory's file system is at the disk reserve.")
           .Register(*registry_)
           .Add({});
  data_loss_reads_ =
      &prometheus::BuildCounter()
           .Name("atgard_data_loss_reads_total")
           .Help(
               "Reads that met damaged data in the event store (DATA_LOSS). "
               "Any is a reason to stop and verify the store.")
           .Register(*registry_)
           .Add({});
  // Registered with its series, so that it reads 0 from the start and a
  // rate over it works before the first refusal.
  authentication_failures_ =
      &prometheus::BuildCounter()
           .Name("atgard_authentication_failures_total")
           .Help(
               "Calls refused as unauthenticated: no, malformed or invalid "
               "credentials. Counted even when the refusal's log line is "
               "rate-limited.")
           .Register(*registry_)
           .Add({});
}

Metrics::~Metrics() {
  if (exposer_ == nullptr) return;
  // civetweb's listener looks at its stop flag only between waits of up to
  // two seconds for a connection, and stopping waits for it: every server
  // shutdown took that long. Connections wake it.
  std::atomic<bool> stopped{false};
  std::thread knocker([this, &stopped] {
    while (!stopped.load()) {
      Knock(reachable_host_, port_);
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  exposer_.reset();
  stopped.store(true);
  knocker.join();
}

absl::StatusOr<int> Metrics::Serve(const std::string& address) {
  // civetweb reports a failed bind by throwing; this is the boundary where
  // it becomes a status.
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--metrics_listen ", address, ": cannot serve metrics: ", e.what()));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  port_ = ports.empty() ? 0 : ports.front();
  reachable_host_ = ReachableHost(address);
  return port_;
}

void Metrics::ObserveRpc(absl::string_view method, absl::string_view code,
                         absl::Duration latency) {
  prometheus::Counter* counter;
  prometheus::Histogram* histogram;
  {
    absl::MutexLock lock(&series_mu_);
    const std::string key = absl::StrCat(method, "|", code);
    auto c = rpc_counters_.find(key);
    if (c == rpc_counters_.end()) {
      c = rpc_counters_
              .emplace(key, &rpcs_->Add({{"method", std::string(method)},
                                         {"code", std::string(code)}}))
              .first;
    }
    counter = c->second;
    auto h = rpc_histograms_.find(method);
    if (h == rpc_histograms_.end()) {
      h = rpc_histograms_
              .emplace(std::string(method),
                       &rpc_latency_->Add({{"method", std::string(method)}},
                                          LatencyBuckets()))
              .first;
    }
    histogram = h->second;
  }
  counter->Increment();
  histogram->Observe(absl::ToDoubleSeconds(latency));
}

void Metrics::ObserveCommit(size_t appends, size_t events,
                            absl::Duration latency) {
  append_latency_->Observe(absl::ToDoubleSeconds(latency));
  batch_appends_->Observe(static_cast<double>(appends));
  batch_events_->Observe(static_cast<double>(events));
  events_total_->Increment(static_cast<double>(events));
}

void Metrics::AddSubscriptions(int delta) {
  subscriptions_->Increment(static_cast<double>(delta));
}

void Metrics::ObserveSubscriptionLag(uint64_t events_behind) {
  subscription_lag_->Set(static_cast<double>(events_behind));
}

void Metrics::Count(app::Counter counter, uint64_t n) {
  counters_[static_cast<size_t>(counter)]->Increment(static_cast<double>(n));
}

void Metrics::SetWritesRefused(bool refused) {
  writes_refused_->Set(refused ? 1 : 0);
}

void Metrics::ObserveDataLoss() { data_loss_reads_->Increment(); }

void Metrics::ObserveAuthenticationFailure() {
  authentication_failures_->Increment();
}

std::string Metrics::Render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace atgard::api
