// The event store behind the application layer keeps the EventLog
// contract (the same body the in-memory log passes in
// tests/unit/app/memory_event_log_test.cc).
#include "services/app/store/store_event_log.h"

#include <memory>

#include "eventstore/event_store.h"
#include "tests/support/event_log_contract.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

struct StoreLog : LogUnderTest {
  StoreLog() {
    eventstore::Options options;
    options.path = dir.Join("store");
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> opened =
        eventstore::EventStore::Open(options);
    if (!opened.ok()) {
      ADD_FAILURE() << opened.status();
      std::abort();
    }
    store = *std::move(opened);
    adapter = std::make_unique<app::StoreEventLog>(store.get());
  }
  app::EventLog& log() override { return *adapter; }

  TempDir dir;
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<app::StoreEventLog> adapter;
};

INSTANTIATE_TEST_SUITE_P(
    Store, EventLogContract,
    ::testing::Values(EventLogFactory{
        .name = "Store", .make = [] { return std::make_unique<StoreLog>(); }}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace atgard::testing
