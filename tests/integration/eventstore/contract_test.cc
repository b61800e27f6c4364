// The event store's contract as its header states it: appends, expected
// versions, reads, filters, stream info, argument checks and idempotency.
// Every test runs once per append path (Append() with arguments, Append()
// with an AppendRequest, AppendAsync()), so that each contract holds on
// each of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::Event;
using ::atgard::eventstore::testing::Meta;
using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

enum class AppendPath { kArguments, kRequest, kAsync };

std::string PathName(const ::testing::TestParamInfo<AppendPath>& info) {
  switch (info.param) {
    case AppendPath::kArguments:
      return "Arguments";
    case AppendPath::kRequest:
      return "Request";
    case AppendPath::kAsync:
      return "Async";
  }
  return "Unknown";
}

class ContractTest : public ::testing::TestWithParam<AppendPath> {
 protected:
  void SetUp() override {
    options_.path = tmp_.Join("store");
    options_.clock = [this] { return now_; };
    store_ = OpenOrDie(options_);
    ASSERT_NE(store_, nullptr);
  }

  void Reopen() {
    store_.reset();
    store_ = OpenOrDie(options_);
    ASSERT_NE(store_, nullptr);
  }

  // Appends through the path under test.
  absl::StatusOr<AppendResult> Append(
      const std::string& stream, ExpectedVersion expected,
      std::vector<NewEvent> events, const std::string& command_id = "",
      const v1::EventMetadata& metadata = Meta()) {
    if (GetParam() == AppendPath::kArguments) {
      return store_->Append(stream, expected, events, command_id, metadata);
    }
    AppendRequest request{.stream_id = stream,
                          .expected = expected,
                          .events = std::move(events),
                          .command_id = command_id,
                          .metadata = metadata};
    if (GetParam() == AppendPath::kRequest) {
      return store_->Append(std::move(request));
    }
    std::promise<absl::StatusOr<AppendResult>> answered;
    std::future<absl::StatusOr<AppendResult>> answer = answered.get_future();
    store_->AppendAsync(std::move(request),
                        [&answered](absl::StatusOr<AppendResult> result) {
                          answered.set_value(std::move(result));
                        });
    return answer.get();
  }

  // One event with a unique payload; fails the test on error.
  AppendResult AppendOne(const std::string& stream,
                         const std::string& command_id = "",
                         ExpectedVersion expected = ExpectedVersion::Any()) {
    absl::StatusOr<AppendResult> r =
        Append(stream, expected,
               {Event("Happened",
                      absl::StrCat("payload of ", stream, " ", command_id))},
               command_id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : AppendResult{};
  }

  TempDir tmp_;
  absl::Time now_ = absl::FromUnixSeconds(1795000000) + absl::Nanoseconds(123);
  Options options_;
  std::unique_ptr<EventStore> store_;
};

TEST_P(ContractTest, AnEmptyStoreHasNoHeadAndNoStreams) {
  EXPECT_EQ(store_->HeadPosition(), 0u);
  EXPECT_TRUE(store_->Health().ok());
  EXPECT_EQ(store_->GetStreamInfo("case-1").status().code(),
            absl::StatusCode::kNotFound);
  auto read = store_->ReadStream("case-1", 1, 10, Direction::kForward);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->empty());
  auto all = store_->ReadAll(0, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_TRUE(all->events.empty());
  EXPECT_EQ(all->head_position, 0u);
  EXPECT_EQ(all->next_position, 1u);
}

TEST_P(ContractTest, AppendAssignsVersionsAndGapFreePositions) {
  auto first = Append(
      "case-1", ExpectedVersion::NoStream(),
      {Event("CaseRegistered", "a"), Event("CaseAssigned", "b")}, "cmd-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->first_version, 1u);
  EXPECT_EQ(first->last_version, 2u);
  EXPECT_EQ(first->first_position, 1u);
  EXPECT_EQ(first->last_position, 2u);
  EXPECT_FALSE(first->deduplicated);

  auto other =
      Append("access-1", ExpectedVersion::Any(), {Event("Granted", "c")});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->first_version, 1u);
  EXPECT_EQ(other->first_position, 3u);

  auto second = Append("case-1", ExpectedVersion::Exact(2),
                       {Event("PlanRequested", "d")}, "cmd-2");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->first_version, 3u);
  EXPECT_EQ(second->last_version, 3u);
  EXPECT_EQ(second->first_position, 4u);
  EXPECT_EQ(store_->HeadPosition(), 4u);

  auto info = store_->GetStreamInfo("case-1");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->stream_id, "case-1");
  EXPECT_EQ(info->version, 3u);
  EXPECT_EQ(info->first_position, 1u);
  EXPECT_EQ(info->last_position, 4u);
}

TEST_P(ContractTest, StoredEnvelopeCarriesEverything) {
  v1::EventMetadata meta = Meta("anna");
  ASSERT_TRUE(Append("case-7", ExpectedVersion::Any(),
                     {Event("CaseRegistered", std::string("\0bin\xff", 5), 3)},
                     "0780:cmd-9", meta)
                  .ok());
  auto events = store_->ReadStream("case-7", 1, 10, Direction::kForward);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  const v1::EventEnvelope& e = (*events)[0];
  EXPECT_EQ(e.global_position(), 1u);
  EXPECT_EQ(e.stream_id(), "case-7");
  EXPECT_EQ(e.stream_version(), 1u);
  EXPECT_EQ(e.event_type(), "CaseRegistered");
  EXPECT_EQ(e.schema_version(), 3u);
  EXPECT_EQ(e.payload(), std::string("\0bin\xff", 5));
  EXPECT_EQ(e.metadata().actor_subject(), "anna");
  EXPECT_EQ(e.metadata().actor_role(), "case_officer");
  EXPECT_EQ(e.metadata().tenant(), "0780");
  EXPECT_EQ(e.metadata().correlation_id(), "corr-1");
  EXPECT_EQ(e.metadata().causation_id(), "cause-1");
  EXPECT_EQ(e.metadata().command_id(), "0780:cmd-9");
  EXPECT_EQ(e.recorded_at().seconds(), 1795000000);
  EXPECT_EQ(e.recorded_at().nanos(), 123);
  EXPECT_EQ(e.hash().size(), 32u);
  EXPECT_EQ(e.previous_hash(), std::string(32, '\0'));

  ASSERT_TRUE(Append("case-7", ExpectedVersion::Any(), {Event("X", "y")}).ok());
  auto both = store_->ReadStream("case-7", 1, 10, Direction::kForward);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[1].previous_hash(), (*both)[0].hash());
}

TEST_P(ContractTest, ExpectedVersionRules) {
  // NoStream on a new stream, then every rule against version 1.
  ASSERT_TRUE(
      AppendOne("case-1", "", ExpectedVersion::NoStream()).first_version == 1);
  EXPECT_TRUE(
      Append("case-1", ExpectedVersion::StreamExists(), {Event("E", "1")})
          .ok());
  EXPECT_TRUE(
      Append("case-1", ExpectedVersion::Exact(2), {Event("E", "2")}).ok());
  EXPECT_TRUE(Append("case-1", ExpectedVersion::Any(), {Event("E", "3")}).ok());

  auto no_stream =
      Append("case-1", ExpectedVersion::NoStream(), {Event("E", "")});
  EXPECT_EQ(no_stream.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(no_stream.status().message(), HasSubstr("case-1"));
  EXPECT_THAT(no_stream.status().message(), HasSubstr("expected no stream"));
  EXPECT_THAT(no_stream.status().message(), HasSubstr("actual 4"));

  auto stale = Append("case-1", ExpectedVersion::Exact(3), {Event("E", "")});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(stale.status().message(), HasSubstr("expected 3, actual 4"));

  auto missing =
      Append("case-2", ExpectedVersion::StreamExists(), {Event("E", "")});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("expected stream exists, actual no stream"));

  auto ahead = Append("case-2", ExpectedVersion::Exact(1), {Event("E", "")});
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kAborted);

  // Exact(0) is NoStream.
  EXPECT_EQ(ExpectedVersion::Exact(0), ExpectedVersion::NoStream());
  EXPECT_TRUE(
      Append("case-2", ExpectedVersion::Exact(0), {Event("E", "")}).ok());

  // Conflicts wrote nothing.
  EXPECT_EQ(store_->HeadPosition(), 5u);
  EXPECT_EQ(store_->GetStreamInfo("case-1")->version, 4u);
  EXPECT_EQ(store_->GetStreamInfo("case-2")->version, 1u);
}

TEST_P(ContractTest, RefusesBadArgumentsNamingThem) {
  auto code_and = [](const absl::Status& s, absl::string_view word) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(s.message(), HasSubstr(word));
  };
  code_and(Append("", ExpectedVersion::Any(), {Event("E", "")}).status(),
           "stream_id");
  code_and(
      Append(std::string("a\0b", 3), ExpectedVersion::Any(), {Event("E", "")})
          .status(),
      "stream_id");
  code_and(
      Append(std::string(513, 's'), ExpectedVersion::Any(), {Event("E", "")})
          .status(),
      "stream_id");
  code_and(Append("case-1", ExpectedVersion::Any(), {}).status(), "events");
  code_and(Append("case-1", ExpectedVersion::Any(), {Event("", "x")}).status(),
           "events[0].event_type");
  code_and(Append("case-1", ExpectedVersion::Any(),
                  {Event("E", ""), Event("E", std::string((1 << 20) + 1, 'x'))})
               .status(),
           "events[1].payload");
  std::vector<NewEvent> many(1001, Event("E", ""));
  code_and(Append("case-1", ExpectedVersion::Any(), many).status(), "events");
  std::vector<NewEvent> big(5, Event("E", std::string(1 << 20, 'x')));
  code_and(Append("case-1", ExpectedVersion::Any(), big).status(),
           "per append");
  code_and(Append("case-1", ExpectedVersion::Any(), {Event("E", "")},
                  std::string(513, 'c'))
               .status(),
           "command_id");
  v1::EventMetadata meta = Meta();
  meta.set_command_id("other");
  code_and(
      Append("case-1", ExpectedVersion::Any(), {Event("E", "")}, "cmd", meta)
          .status(),
      "metadata.command_id");
  code_and(store_->ReadStream("case-1", 1, 0, Direction::kForward).status(),
           "max_count");
  code_and(store_->ReadAll(1, 0).status(), "max_count");
  EXPECT_EQ(store_->HeadPosition(), 0u);
}

TEST_P(ContractTest, ReadStreamForwardBackwardAndBounds) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(
        Append("case-1", ExpectedVersion::Any(), {Event("E", absl::StrCat(i))})
            .ok());
    ASSERT_TRUE(
        Append("case-2", ExpectedVersion::Any(), {Event("E", "x")}).ok());
  }
  auto versions = [](const std::vector<v1::EventEnvelope>& events) {
    std::vector<uint64_t> v;
    for (const auto& e : events) v.push_back(e.stream_version());
    return v;
  };
  auto fwd = store_->ReadStream("case-1", 2, 3, Direction::kForward);
  ASSERT_TRUE(fwd.ok()) << fwd.status();
  EXPECT_THAT(versions(*fwd), ElementsAre(2, 3, 4));
  EXPECT_EQ((*fwd)[0].payload(), "2");
  auto from0 = store_->ReadStream("case-1", 0, 100, Direction::kForward);
  EXPECT_THAT(versions(*from0), ElementsAre(1, 2, 3, 4, 5));
  auto back = store_->ReadStream("case-1", UINT64_MAX, 2, Direction::kBackward);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_THAT(versions(*back), ElementsAre(5, 4));
  auto back3 = store_->ReadStream("case-1", 3, 10, Direction::kBackward);
  EXPECT_THAT(versions(*back3), ElementsAre(3, 2, 1));
  auto past = store_->ReadStream("case-1", 6, 10, Direction::kForward);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
  // A stream whose id is a prefix of another sees only its own events.
  ASSERT_TRUE(Append("case-", ExpectedVersion::Any(), {Event("E", "p")}).ok());
  auto prefix = store_->ReadStream("case-", 1, 100, Direction::kForward);
  ASSERT_EQ(prefix->size(), 1u);
  EXPECT_EQ((*prefix)[0].payload(), "p");
}

TEST_P(ContractTest, ReadAllPagesAndFilters) {
  ASSERT_TRUE(
      Append("case-1", ExpectedVersion::Any(),
             {Event("CaseRegistered", "1"), Event("PlanRequested", "2")})
          .ok());
  ASSERT_TRUE(
      Append("access-1", ExpectedVersion::Any(), {Event("Granted", "3")}).ok());
  ASSERT_TRUE(
      Append("case-2", ExpectedVersion::Any(), {Event("CaseRegistered", "4")})
          .ok());
  ASSERT_TRUE(
      Append("casefile-1", ExpectedVersion::Any(), {Event("Other", "5")}).ok());

  auto page = store_->ReadAll(2, 2);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->events.size(), 2u);
  EXPECT_EQ(page->events[0].global_position(), 2u);
  EXPECT_EQ(page->events[1].global_position(), 3u);
  EXPECT_EQ(page->next_position, 4u);
  EXPECT_EQ(page->head_position, 5u);

  auto positions = [](const ReadAllResult& r) {
    std::vector<uint64_t> p;
    for (const auto& e : r.events) p.push_back(e.global_position());
    return p;
  };
  auto cases = store_->ReadAll(1, 100, {.stream_prefixes = {"case-"}});
  ASSERT_TRUE(cases.ok()) << cases.status();
  EXPECT_THAT(positions(*cases), ElementsAre(1, 2, 4));
  EXPECT_EQ(cases->next_position, 6u);

  auto registered =
      store_->ReadAll(1, 100, {.event_types = {"CaseRegistered"}});
  EXPECT_THAT(positions(*registered), ElementsAre(1, 4));

  auto both = store_->ReadAll(1, 100,
                              {.stream_prefixes = {"case-", "access-"},
                               .event_types = {"Granted", "PlanRequested"}});
  EXPECT_THAT(positions(*both), ElementsAre(2, 3));

  // A limited filtered read continues after the last event it examined.
  auto one = store_->ReadAll(1, 1, {.event_types = {"CaseRegistered"}});
  EXPECT_THAT(positions(*one), ElementsAre(1));
  EXPECT_EQ(one->next_position, 2u);
  auto rest = store_->ReadAll(one->next_position, 10,
                              {.event_types = {"CaseRegistered"}});
  EXPECT_THAT(positions(*rest), ElementsAre(4));

  auto beyond = store_->ReadAll(100, 10);
  ASSERT_TRUE(beyond.ok());
  EXPECT_TRUE(beyond->events.empty());
  EXPECT_EQ(beyond->next_position, 100u);
}

TEST_P(ContractTest, ScanAllVisitsInOrderAndStopsWhenAsked) {
  for (int i = 1; i <= 6; ++i) {
    ASSERT_TRUE(Append(i % 2 == 0 ? "case-1" : "access-1",
                       ExpectedVersion::Any(), {Event("E", absl::StrCat(i))})
                    .ok());
  }
  std::vector<uint64_t> seen;
  auto all = store_->ScanAll(2, 100, {}, [&](const v1::EventEnvelope& e) {
    seen.push_back(e.global_position());
    return true;
  });
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(seen, ElementsAre(2, 3, 4, 5, 6));
  EXPECT_EQ(all->next_position, 7u);
  EXPECT_EQ(all->head_position, 6u);

  seen.clear();
  auto stopped = store_->ScanAll(1, 100, {.stream_prefixes = {"case-"}},
                                 [&](const v1::EventEnvelope& e) {
                                   seen.push_back(e.global_position());
                                   return seen.size() < 2;
                                 });
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_THAT(seen, ElementsAre(2, 4));
  EXPECT_EQ(stopped->next_position, 5u);

  seen.clear();
  auto limited = store_->ScanAll(1, 3, {}, [&](const v1::EventEnvelope& e) {
    seen.push_back(e.global_position());
    return true;
  });
  EXPECT_THAT(seen, ElementsAre(1, 2, 3));
  EXPECT_EQ(limited->next_position, 4u);
  EXPECT_EQ(
      store_->ScanAll(1, 0, {}, [](const v1::EventEnvelope&) { return true; })
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_P(ContractTest, SameCommandSameContentIsDeduplicated) {
  auto first = Append("case-1", ExpectedVersion::NoStream(),
                      {Event("CaseRegistered", "x")}, "cmd-1");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Append("case-1", ExpectedVersion::Any(), {Event("E", "y")}).ok());
  // The stream has moved on; the retry still gets the original answer.
  auto again = Append("case-1", ExpectedVersion::NoStream(),
                      {Event("CaseRegistered", "x")}, "cmd-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->last_position, first->last_position);
  EXPECT_EQ(again->first_version, 1u);
  EXPECT_EQ(store_->HeadPosition(), 2u);

  // A different clock does not make it different content.
  now_ += absl::Hours(1);
  auto later = Append("case-1", ExpectedVersion::NoStream(),
                      {Event("CaseRegistered", "x")}, "cmd-1");
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->deduplicated);

  // And it survives a restart.
  Reopen();
  auto reopened = Append("case-1", ExpectedVersion::NoStream(),
                         {Event("CaseRegistered", "x")}, "cmd-1");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_TRUE(reopened->deduplicated);
  EXPECT_EQ(reopened->first_position, 1u);
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_P(ContractTest, SameCommandDifferentContentIsRefused) {
  ASSERT_TRUE(
      Append("case-1", ExpectedVersion::Any(), {Event("E", "x")}, "cmd-1")
          .ok());
  const auto refused = [](const absl::StatusOr<AppendResult>& r) {
    EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists)
        << r.status();
    EXPECT_THAT(r.status().message(),
                HasSubstr("already used for a different command"));
  };
  refused(Append("case-2", ExpectedVersion::Any(), {Event("E", "x")}, "cmd-1"));
  refused(Append("case-1", ExpectedVersion::Any(), {Event("E", "z")}, "cmd-1"));
  refused(Append("case-1", ExpectedVersion::Any(), {Event("F", "x")}, "cmd-1"));
  refused(
      Append("case-1", ExpectedVersion::Any(), {Event("E", "x", 2)}, "cmd-1"));
  refused(
      Append("case-1", ExpectedVersion::Exact(0), {Event("E", "x")}, "cmd-1"));
  refused(Append("case-1", ExpectedVersion::Any(),
                 {Event("E", "x"), Event("E", "x")}, "cmd-1"));
  refused(Append("case-1", ExpectedVersion::Any(), {Event("E", "x")}, "cmd-1",
                 Meta("someone else")));
  Reopen();
  refused(Append("case-2", ExpectedVersion::Any(), {Event("E", "x")}, "cmd-1"));
  EXPECT_EQ(store_->HeadPosition(), 1u);
}

TEST_P(ContractTest, AConflictLeavesTheCommandIdFree) {
  ASSERT_TRUE(Append("case-1", ExpectedVersion::Any(), {Event("E", "1")}).ok());
  auto conflict =
      Append("case-1", ExpectedVersion::NoStream(), {Event("E", "x")}, "cmd-1");
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAborted);
  auto retry =
      Append("case-1", ExpectedVersion::Exact(1), {Event("E", "x")}, "cmd-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->deduplicated);
}

TEST_P(ContractTest, EmptyCommandIdMeansNoIdempotency) {
  ASSERT_TRUE(Append("case-1", ExpectedVersion::Any(), {Event("E", "x")}).ok());
  ASSERT_TRUE(Append("case-1", ExpectedVersion::Any(), {Event("E", "x")}).ok());
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_P(ContractTest, EverythingSurvivesAReopen) {
  for (int i = 0; i < 20; ++i) {
    AppendOne(absl::StrCat("case-", i % 3), absl::StrCat("c", i));
  }
  const std::vector<v1::EventEnvelope> before = ReadEverything(*store_);
  Reopen();
  EXPECT_EQ(store_->HeadPosition(), 20u);
  const std::vector<v1::EventEnvelope> after = ReadEverything(*store_);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].SerializeAsString(), after[i].SerializeAsString());
  }
  // The chain continues where it was.
  AppendOne("case-9");
  auto last = store_->ReadAll(20, 2);
  ASSERT_EQ(last->events.size(), 2u);
  EXPECT_EQ(last->events[1].previous_hash(), last->events[0].hash());
  auto report = store_->Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events_checked, 21u);
}

INSTANTIATE_TEST_SUITE_P(EveryAppendPath, ContractTest,
                         ::testing::Values(AppendPath::kArguments,
                                           AppendPath::kRequest,
                                           AppendPath::kAsync),
                         PathName);

}  // namespace
}  // namespace atgard::eventstore
