// A store written by an earlier release (tests/fixtures/store-v1, made by
// schema_fixture_writer) read by today's code: every event decodes through
// the upcasters, every aggregate folds, the chain verifies — and with one
// event type declared changed, its events reach the domain through the
// registered upcaster, and are refused without one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "services/app/aggregate_repository.h"
#include "services/app/event_codec.h"
#include "services/app/store/store_event_log.h"
#include "services/domain/decider.h"
#include "services/domain/streams.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

class EventSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Opening replays and may write: work on a copy.
    std::filesystem::copy(ATGARD_FIXTURES "/store-v1", dir_.Join("store"),
                          std::filesystem::copy_options::recursive);
    eventstore::Options options;
    options.path = dir_.Join("store");
    options.create_if_missing = false;
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    log_ = std::make_unique<app::StoreEventLog>(store_.get());
  }

  std::vector<v1::EventEnvelope> All() {
    absl::StatusOr<eventstore::ReadAllResult> all =
        log_->ReadAll(1, 100000, {});
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? all->events : std::vector<v1::EventEnvelope>{};
  }

  TempDir dir_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<app::StoreEventLog> log_;
};

TEST_F(EventSchemaTest, TheEarlierStoreVerifiesDecodesAndFolds) {
  absl::StatusOr<eventstore::VerifyReport> report = store_->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->problem;
  const std::vector<v1::EventEnvelope> all = All();
  ASSERT_GT(all.size(), 10u);
  EXPECT_EQ(report->events_checked, all.size());
  std::map<std::string, int> types;
  for (const v1::EventEnvelope& e : all) {
    absl::StatusOr<v1::Event> event = app::DecodeEvent(e);
    ASSERT_TRUE(event.ok()) << event.status();
    ++types[e.event_type()];
  }
  EXPECT_THAT(types, ::testing::Contains(::testing::Key("CaseRegistered")));
  EXPECT_THAT(types,
              ::testing::Contains(::testing::Key("PlanSubmissionOverdue")));

  app::AggregateRepository repository(log_.get(), 0);
  absl::StatusOr<app::LoadedAggregate> approved = repository.Load(
      domain::StreamId(kTenant, {domain::AggregateKind::kCase, "arende-1"}),
      domain::AggregateKind::kCase);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(std::get<domain::CaseState>(*approved->state).status,
            domain::CaseStatus::kImplementing);
  absl::StatusOr<app::LoadedAggregate> overdue = repository.Load(
      domain::StreamId(kTenant, {domain::AggregateKind::kCase, "arende-2"}),
      domain::AggregateKind::kCase);
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  EXPECT_GT(overdue->version, 2u);
}

// As if CaseRegistered had changed incompatibly: today's version 2, and
// the stored version 1 brought up by an upcaster.
uint32_t CaseRegisteredIsVersion2(absl::string_view type) {
  return type == "CaseRegistered" ? 2 : app::SchemaVersion(type);
}

TEST_F(EventSchemaTest, AnOlderVersionReachesTheDomainThroughItsUpcaster) {
  app::EventUpcasters upcasters(CaseRegisteredIsVersion2);
  int upcast = 0;
  upcasters.Register(
      "CaseRegistered", 1,
      [&](const v1::EventEnvelope& envelope) -> absl::StatusOr<v1::Event> {
        ++upcast;
        v1::Event event;
        if (!event.ParseFromString(envelope.payload())) {
          return absl::DataLossError("bad payload");
        }
        event.mutable_case_registered()
            ->mutable_deficiency()
            ->mutable_description()
            ->append(" [v1]");
        return event;
      });
  int registered = 0;
  for (const v1::EventEnvelope& e : All()) {
    EXPECT_EQ(e.schema_version(), 1u);
    absl::StatusOr<v1::Event> event = upcasters.Decode(e);
    ASSERT_TRUE(event.ok()) << event.status();
    if (e.event_type() == "CaseRegistered") {
      ++registered;
      EXPECT_THAT(event->case_registered().deficiency().description(),
                  ::testing::EndsWith(" [v1]"));
    } else {
      absl::StatusOr<v1::Event> plain = app::DecodeEvent(e);
      ASSERT_TRUE(plain.ok());
      EXPECT_EQ(event->SerializeAsString(), plain->SerializeAsString());
    }
  }
  EXPECT_EQ(registered, 2);
  EXPECT_EQ(upcast, registered);
}

TEST_F(EventSchemaTest, AnOlderVersionWithoutAnUpcasterIsRefused) {
  const app::EventUpcasters upcasters(CaseRegisteredIsVersion2);
  for (const v1::EventEnvelope& e : All()) {
    if (e.event_type() != "CaseRegistered") continue;
    absl::StatusOr<v1::Event> event = upcasters.Decode(e);
    EXPECT_TRUE(absl::IsFailedPrecondition(event.status())) << event.status();
    EXPECT_THAT(event.status().message(), ::testing::HasSubstr(absl::StrCat(
                                              "position ", e.global_position(),
                                              " is CaseRegistered "
                                              "version 1")));
  }
}

}  // namespace
}  // namespace atgard::testing
