// The in-memory log keeps the EventLog contract (the same body the store
// passes in tests/integration/app/store_event_log_test.cc).
#include "services/app/memory_event_log.h"

#include <memory>

#include "tests/support/event_log_contract.h"

namespace atgard::testing {
namespace {

struct MemoryLog : LogUnderTest {
  app::MemoryEventLog memory;
  app::EventLog& log() override { return memory; }
};

INSTANTIATE_TEST_SUITE_P(Memory, EventLogContract,
                         ::testing::Values(EventLogFactory{
                             .name = "Memory",
                             .make =
                                 [] { return std::make_unique<MemoryLog>(); }}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace atgard::testing
