// A store written by an earlier release (tests/fixtures/store-v1, made by
// schema_fixture_writer) read by today's code: every event decodes through
// the upcasters, every aggregate folds, the chain verifies — and with one
// event type declared changed, its events reach the domain through the
// registered upcaster, and are refused without one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "eventstore/event_store.h"
#include "services/app/aggregate_repository.h"
#include "services/app/event_codec.h"
#include "services/app/store/store_event_log.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/case_workflow.h"
#include "services/domain/decider.h"
#include "services/domain/streams.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

// Opens a copy of one committed store (tests/fixtures/<name>).
class StoreFixture {
 protected:
  void OpenFixture(const std::string& name) {
    // Opening replays and may write: work on a copy.
    std::filesystem::copy(ATGARD_FIXTURES "/" + name, dir_.Join("store"),
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

// Every store an earlier release wrote.
class EarlierStoreTest : public StoreFixture,
                         public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { OpenFixture(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Releases, EarlierStoreTest,
                         ::testing::Values("store-v1", "store-v2"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

// The first release's store, for the upcaster tests.
class EventSchemaTest : public StoreFixture, public ::testing::Test {
 protected:
  void SetUp() override { OpenFixture("store-v1"); }
};

TEST_P(EarlierStoreTest, VerifiesDecodesAndFolds) {
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

// The fields every aggregate state had when the fixture was written, one
// line each: a later change may add state, never fold these differently.
std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }
template <typename T>
std::string Day(const std::optional<T>& day) {
  return day.has_value() ? absl::FormatCivilTime(*day) : "-";
}
template <typename M>
std::string Text(const std::optional<M>& message) {
  return message.has_value() ? message->ShortDebugString() : "-";
}

std::string Describe(const domain::ProviderState& s) {
  std::ostringstream out;
  out << "exists=" << s.exists << "\nregistration "
      << s.registration.ShortDebugString() << "\n";
  for (const auto& [id, u] : s.units)
    out << "unit " << id << " " << u.ShortDebugString() << "\n";
  for (const auto& [id, a] : s.activities)
    out << "activity " << id << " " << a.ShortDebugString() << "\n";
  for (const auto& [id, e] : s.examples)
    out << "example " << id << " " << e.ShortDebugString() << "\n";
  out << "last_in_depth_follow_up=" << Day(s.last_in_depth_follow_up) << "\n";
  return out.str();
}

std::string Describe(const domain::ContractState& s) {
  std::ostringstream out;
  out << "status=" << static_cast<int>(s.status) << " id=" << s.contract_id
      << "\nterms " << s.terms.ShortDebugString()
      << "\nends_on=" << Day(s.ends_on) << "\n";
  for (const v1::ContractExtended& e : s.extensions)
    out << "extension " << e.ShortDebugString() << "\n";
  for (const auto& [id, x] : s.sanctions)
    out << "sanction " << id << " " << x.ShortDebugString() << "\n";
  out << "not_extended " << Text(s.not_extended) << "\ntermination "
      << Text(s.termination) << "\nexpiry " << Text(s.expiry) << "\n";
  return out.str();
}

std::string Describe(const domain::CaseState& s) {
  std::ostringstream out;
  out << "status=" << domain::StatusName(s.status) << " id=" << s.case_id
      << " regiform=" << s.regiform << " step=" << s.step
      << " system_level=" << s.system_level << " failure=" << s.failure
      << " failures=" << s.failures
      << " escalation_proposed=" << s.escalation_proposed
      << " plan_limit=" << Day(s.plan_limit) << " round=" << s.round
      << " submit_due=" << Day(s.submit_due) << " revision=" << s.revision
      << "\nregistration " << s.registration.ShortDebugString() << "\nrequest "
      << s.request.ShortDebugString() << "\nplan " << s.plan.ShortDebugString()
      << "\nassessment " << Text(s.assessment) << "\n";
  for (const auto& [n, a] : s.actions)
    out << "action " << n << " " << a.planned.ShortDebugString()
        << " light=" << a.light << " note=" << a.note
        << " completed=" << a.completed << " withdrawn=" << a.withdrawn << "\n";
  for (const auto& [n, m] : s.milestones)
    out << "milestone " << n << " " << m.ShortDebugString() << "\n";
  out << "implementation " << Text(s.implementation) << "\nfollow_up_scheduled "
      << Text(s.follow_up_scheduled) << "\nfollow_up " << Text(s.follow_up)
      << "\nsubmission_overdue_emitted="
      << (s.submission_overdue_emitted.has_value()
              ? absl::StrCat(s.submission_overdue_emitted->first, "@",
                             Day(s.submission_overdue_emitted->second))
              : "-")
      << " implementation_overdue_emitted="
      << Day(s.implementation_overdue_emitted)
      << " follow_up_overdue_emitted=" << Day(s.follow_up_overdue_emitted)
      << "\nlast_escalation " << Text(s.last_escalation) << "\nconsequence "
      << Text(s.consequence) << "\nclosed " << Text(s.closed) << "\n";
  return out.str();
}

std::string Describe(const domain::IndicatorSeriesState& s) {
  std::ostringstream out;
  for (const auto& [id, m] : s.measurements)
    out << "measurement " << id << " " << m.ShortDebugString() << "\n";
  if (s.obligation.has_value()) {
    out << "obligation " << s.obligation->red_measurement_id << " "
        << Day(s.obligation->red_measured_on) << " "
        << Day(s.obligation->due_on)
        << " overdue_emitted=" << s.obligation->overdue_emitted << "\n";
  }
  for (const auto& [a, b] : s.red_years_reported)
    out << "red_years " << a << " " << b << "\n";
  return out.str();
}

std::string Describe(const domain::CarePlanState& s) {
  std::ostringstream out;
  for (const auto& [id, r] : s.reviews)
    out << "review " << id << " " << r.ShortDebugString() << "\n";
  out << "last_reviewed_on=" << Day(s.last_reviewed_on)
      << " next_due=" << Day(s.next_due)
      << " overdue_emitted=" << Day(s.overdue_emitted) << "\n";
  return out.str();
}

std::string Describe(const domain::AggregateState& state) {
  return std::visit(
      [](const auto& s) -> std::string {
        if constexpr (requires { Describe(s); }) {
          return Describe(s);
        } else {
          return "a kind the fixture cannot hold\n";
        }
      },
      state);
}

// Every aggregate of the earlier store, folded by today's code, is
// described exactly as the code of its time described it
// (<fixture>-states.txt, written when the fixture was).
// ATGARD_WRITE_STATES=1 rewrites the file — only together with a new
// fixture.
TEST_P(EarlierStoreTest, EveryAggregateFoldsToTheStateItHadWhenWritten) {
  std::set<std::string> streams;
  for (const v1::EventEnvelope& e : All()) {
    if (domain::AggregateOfStream(e.stream_id()).ok())
      streams.insert(e.stream_id());
  }
  ASSERT_GE(streams.size(), 5u);
  app::AggregateRepository repository(log_.get(), 0);
  std::string described;
  for (const std::string& stream : streams) {
    absl::StatusOr<domain::AggregateRef> ref =
        domain::AggregateOfStream(stream);
    ASSERT_TRUE(ref.ok()) << ref.status();
    absl::StatusOr<app::LoadedAggregate> loaded =
        repository.Load(stream, ref->kind);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    absl::StrAppend(&described, "== ", stream, " @", loaded->version, "\n",
                    Describe(*loaded->state));
  }
  const std::string path =
      absl::StrCat(ATGARD_FIXTURES, "/", GetParam(), "-states.txt");
  const char* write = std::getenv("ATGARD_WRITE_STATES");
  if (write != nullptr && std::string(write) == "1") {
    std::ofstream(path, std::ios::binary) << described;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path;
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(described, expected.str());
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
