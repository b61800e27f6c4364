// The contract of app::EventLog as tests: one body that every
// implementation passes. A test file includes this header once and
// instantiates the suite with its implementation:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, EventLogContract,
//                            ::testing::Values(EventLogFactory{...}));
#ifndef ATGARD_TESTS_SUPPORT_EVENT_LOG_CONTRACT_H_
#define ATGARD_TESTS_SUPPORT_EVENT_LOG_CONTRACT_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "eventstore/canonical.h"
#include "services/app/event_log.h"

namespace atgard::testing {

// An implementation under test, with whatever keeps it alive.
struct LogUnderTest {
  virtual ~LogUnderTest() = default;
  virtual app::EventLog& log() = 0;
};

struct EventLogFactory {
  std::string name;
  std::function<std::unique_ptr<LogUnderTest>()> make;
};

inline std::string PrintToString(const EventLogFactory& f) { return f.name; }

class EventLogContract : public ::testing::TestWithParam<EventLogFactory> {
 protected:
  void SetUp() override { under_test_ = GetParam().make(); }
  app::EventLog& log() { return under_test_->log(); }

  static eventstore::AppendRequest Request(std::string stream,
                                           eventstore::ExpectedVersion expected,
                                           std::vector<std::string> types,
                                           std::string command_id = "") {
    eventstore::AppendRequest r;
    r.stream_id = std::move(stream);
    r.expected = expected;
    for (std::string& t : types) {
      r.events.push_back({.event_type = t, .payload = "payload of " + t});
    }
    r.command_id = std::move(command_id);
    r.metadata.set_actor_subject("tester");
    r.metadata.set_tenant("0780");
    return r;
  }

 private:
  std::unique_ptr<LogUnderTest> under_test_;
};

TEST_P(EventLogContract, NumbersPositionsAndVersionsFromOne) {
  absl::StatusOr<eventstore::AppendResult> a = log().Append(Request(
      "0780/case/a", eventstore::ExpectedVersion::NoStream(), {"A1", "A2"}));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->first_position, 1u);
  EXPECT_EQ(a->last_position, 2u);
  EXPECT_EQ(a->first_version, 1u);
  EXPECT_EQ(a->last_version, 2u);
  absl::StatusOr<eventstore::AppendResult> b = log().Append(
      Request("0780/case/b", eventstore::ExpectedVersion::Any(), {"B1"}));
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->first_position, 3u);
  EXPECT_EQ(b->first_version, 1u);
  EXPECT_EQ(log().HeadPosition(), 3u);

  absl::StatusOr<eventstore::StreamInfo> info =
      log().GetStreamInfo("0780/case/a");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->version, 2u);
  EXPECT_EQ(info->first_position, 1u);
  EXPECT_EQ(info->last_position, 2u);
  EXPECT_TRUE(absl::IsNotFound(log().GetStreamInfo("0780/case/none").status()));
}

TEST_P(EventLogContract, RefusesAWrongExpectedVersionWritingNothing) {
  ASSERT_TRUE(
      log()
          .Append(Request("0780/case/a",
                          eventstore::ExpectedVersion::NoStream(), {"A1"}))
          .ok());
  for (const eventstore::ExpectedVersion& wrong :
       {eventstore::ExpectedVersion::NoStream(),
        eventstore::ExpectedVersion::Exact(2)}) {
    absl::Status s =
        log().Append(Request("0780/case/a", wrong, {"A2"})).status();
    EXPECT_TRUE(absl::IsAborted(s)) << s;
  }
  EXPECT_TRUE(absl::IsAborted(
      log()
          .Append(Request("0780/case/b",
                          eventstore::ExpectedVersion::StreamExists(), {"B1"}))
          .status()));
  EXPECT_EQ(log().HeadPosition(), 1u);
  EXPECT_TRUE(
      log()
          .Append(Request("0780/case/a", eventstore::ExpectedVersion::Exact(1),
                          {"A2"}))
          .ok());
}

TEST_P(EventLogContract, RefusesAppendsOfTheWrongShape) {
  eventstore::AppendRequest no_events =
      Request("0780/case/a", eventstore::ExpectedVersion::Any(), {});
  EXPECT_TRUE(absl::IsInvalidArgument(log().Append(no_events).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(
      log()
          .Append(Request("", eventstore::ExpectedVersion::Any(), {"A"}))
          .status()));
  eventstore::AppendRequest mismatch =
      Request("0780/case/a", eventstore::ExpectedVersion::Any(), {"A"}, "c1");
  mismatch.metadata.set_command_id("c2");
  EXPECT_TRUE(absl::IsInvalidArgument(log().Append(mismatch).status()));
  EXPECT_EQ(log().HeadPosition(), 0u);
}

TEST_P(EventLogContract, AnswersARepeatedCommandWithTheOriginalResult) {
  const eventstore::AppendRequest first = Request(
      "0780/case/a", eventstore::ExpectedVersion::NoStream(), {"A1"}, "cmd-1");
  absl::StatusOr<eventstore::AppendResult> original = log().Append(first);
  ASSERT_TRUE(original.ok()) << original.status();
  EXPECT_FALSE(original->deduplicated);
  ASSERT_TRUE(log()
                  .Append(Request("0780/case/a",
                                  eventstore::ExpectedVersion::Any(), {"A2"}))
                  .ok());

  absl::StatusOr<eventstore::AppendResult> again = log().Append(first);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->last_position, original->last_position);
  EXPECT_EQ(log().HeadPosition(), 2u);

  eventstore::AppendRequest other = first;
  other.events[0].payload = "another payload";
  EXPECT_TRUE(absl::IsAlreadyExists(log().Append(other).status()));
  EXPECT_EQ(log().HeadPosition(), 2u);

  // The stored metadata carries the command id.
  absl::StatusOr<std::vector<v1::EventEnvelope>> read =
      log().ReadStream("0780/case/a", 1, 1, eventstore::Direction::kForward);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].metadata().command_id(), "cmd-1");
}

TEST_P(EventLogContract, DecidesRepeatsByTheCallersDigestWhenGiven) {
  eventstore::AppendRequest first = Request(
      "0780/case/a", eventstore::ExpectedVersion::NoStream(), {"A1"}, "cmd-1");
  first.request_digest = "digest-1";
  ASSERT_TRUE(log().Append(first).ok());
  // Other events and another expected version, the same request: a repeat.
  eventstore::AppendRequest retry = Request(
      "0780/case/a", eventstore::ExpectedVersion::Exact(1), {"A9"}, "cmd-1");
  retry.request_digest = "digest-1";
  absl::StatusOr<eventstore::AppendResult> again = log().Append(retry);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);

  absl::StatusOr<std::optional<eventstore::AppendResult>> found =
      log().LookupCommand("cmd-1", "digest-1");
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->last_position, 1u);
  EXPECT_TRUE(
      absl::IsAlreadyExists(log().LookupCommand("cmd-1", "digest-2").status()));
  absl::StatusOr<std::optional<eventstore::AppendResult>> unknown =
      log().LookupCommand("cmd-2", "digest-1");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
}

TEST_P(EventLogContract, ReadsStreamsBothWays) {
  ASSERT_TRUE(
      log()
          .Append(Request("0780/case/a", eventstore::ExpectedVersion::Any(),
                          {"A1", "A2", "A3"}))
          .ok());
  absl::StatusOr<std::vector<v1::EventEnvelope>> forward =
      log().ReadStream("0780/case/a", 2, 10, eventstore::Direction::kForward);
  ASSERT_TRUE(forward.ok());
  ASSERT_EQ(forward->size(), 2u);
  EXPECT_EQ((*forward)[0].event_type(), "A2");
  EXPECT_EQ((*forward)[1].stream_version(), 3u);
  absl::StatusOr<std::vector<v1::EventEnvelope>> backward = log().ReadStream(
      "0780/case/a", UINT64_MAX, 2, eventstore::Direction::kBackward);
  ASSERT_TRUE(backward.ok());
  ASSERT_EQ(backward->size(), 2u);
  EXPECT_EQ((*backward)[0].event_type(), "A3");
  EXPECT_EQ((*backward)[1].event_type(), "A2");
  absl::StatusOr<std::vector<v1::EventEnvelope>> none =
      log().ReadStream("0780/case/x", 1, 10, eventstore::Direction::kForward);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(absl::IsInvalidArgument(
      log()
          .ReadStream("0780/case/a", 1, 0, eventstore::Direction::kForward)
          .status()));
}

TEST_P(EventLogContract, ChainsEveryEventToTheOneBefore) {
  ASSERT_TRUE(
      log()
          .Append(Request("0780/case/a", eventstore::ExpectedVersion::Any(),
                          {"A1", "A2"}))
          .ok());
  ASSERT_TRUE(log()
                  .Append(Request("0780/case/b",
                                  eventstore::ExpectedVersion::Any(), {"B1"}))
                  .ok());
  absl::StatusOr<eventstore::ReadAllResult> all = log().ReadAll(1, 10, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->events.size(), 3u);
  std::string previous(32, '\0');
  std::string scratch;
  for (const v1::EventEnvelope& e : all->events) {
    EXPECT_EQ(e.previous_hash(), previous) << e.global_position();
    v1::EventEnvelope unhashed = e;
    unhashed.clear_hash();
    const eventstore::keys::Hash hash =
        eventstore::EventHash(unhashed, &scratch);
    EXPECT_EQ(e.hash(), std::string(hash.begin(), hash.end()));
    EXPECT_EQ(e.metadata().actor_subject(), "tester");
    EXPECT_TRUE(e.has_recorded_at());
    previous = e.hash();
  }
}

TEST_P(EventLogContract, ReadsAndScansTheWholeLogWithAFilter) {
  ASSERT_TRUE(
      log()
          .Append(Request("0780/case/a", eventstore::ExpectedVersion::Any(),
                          {"A1", "A2"}))
          .ok());
  ASSERT_TRUE(log()
                  .Append(Request("0780/provider/p",
                                  eventstore::ExpectedVersion::Any(), {"P1"}))
                  .ok());
  eventstore::ReadAllFilter cases{.stream_prefixes = {"0780/case/"}};
  absl::StatusOr<eventstore::ReadAllResult> read = log().ReadAll(1, 1, cases);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->events.size(), 1u);
  EXPECT_EQ(read->events[0].global_position(), 1u);
  EXPECT_EQ(read->next_position, 2u);
  EXPECT_EQ(read->head_position, 3u);
  eventstore::ReadAllFilter p1{.event_types = {"P1"}};
  read = log().ReadAll(0, 10, p1);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->events.size(), 1u);
  EXPECT_EQ(read->events[0].stream_id(), "0780/provider/p");
  EXPECT_EQ(read->next_position, 4u);

  std::vector<uint64_t> visited;
  absl::StatusOr<eventstore::ScanResult> scan =
      log().ScanAll(1, 10, {}, [&](const v1::EventEnvelope& e) {
        visited.push_back(e.global_position());
        return visited.size() < 2;
      });
  ASSERT_TRUE(scan.ok());
  EXPECT_THAT(visited, ::testing::ElementsAre(1u, 2u));
  EXPECT_EQ(scan->next_position, 3u);
}

TEST_P(EventLogContract, SubscriptionsDeliverHistoryThenLiveEvents) {
  ASSERT_TRUE(log()
                  .Append(Request("0780/case/a",
                                  eventstore::ExpectedVersion::Any(), {"A1"}))
                  .ok());
  absl::StatusOr<std::unique_ptr<app::LogSubscription>> from_start =
      log().Subscribe(eventstore::SubscriptionStart::AtPosition(1), {});
  ASSERT_TRUE(from_start.ok());
  absl::StatusOr<std::unique_ptr<app::LogSubscription>> from_now =
      log().Subscribe(eventstore::SubscriptionStart::Now(), {});
  ASSERT_TRUE(from_now.ok());

  absl::StatusOr<std::vector<v1::EventEnvelope>> batch =
      (*from_start)->ReadAvailable(10);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_TRUE((*from_start)->caught_up());
  batch = (*from_now)->ReadAvailable(10);
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch->empty());

  std::atomic<int> woken = 0;
  ASSERT_TRUE((*from_start)->NotifyWhenAvailable([&] { ++woken; }));
  ASSERT_TRUE(log()
                  .Append(Request("0780/case/a",
                                  eventstore::ExpectedVersion::Any(), {"A2"}))
                  .ok());
  // The callback runs once the append is acknowledged; a subscriber that
  // is behind is told at once that it should read.
  for (int i = 0; i < 1000 && woken == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(woken, 1);
  EXPECT_FALSE((*from_start)->NotifyWhenAvailable([] {}));
  batch = (*from_start)->ReadAvailable(10);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].event_type(), "A2");
  EXPECT_EQ((*from_start)->next_position(), 3u);
  batch = (*from_now)->ReadAvailable(10);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->size(), 1u);
  EXPECT_EQ((*batch)[0].global_position(), 2u);

  (*from_now)->Cancel();
  EXPECT_TRUE((*from_now)->NotifyWhenAvailable([&] { ++woken; }));
}

TEST_P(EventLogContract, KeepsCheckpointsByName) {
  absl::StatusOr<uint64_t> none = log().GetCheckpoint("reader");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0u);
  ASSERT_TRUE(log().PutCheckpoint("reader", 17).ok());
  ASSERT_TRUE(log().PutCheckpoint("other", 3).ok());
  absl::StatusOr<uint64_t> read = log().GetCheckpoint("reader");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, 17u);
  EXPECT_TRUE(absl::IsInvalidArgument(log().GetCheckpoint("").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(log().PutCheckpoint("", 1)));
}

TEST_P(EventLogContract, AnswersAsynchronousAppendsOnce) {
  std::atomic<int> answers = 0;
  std::atomic<uint64_t> position = 0;
  log().AppendAsync(
      Request("0780/case/a", eventstore::ExpectedVersion::NoStream(), {"A1"}),
      [&](absl::StatusOr<eventstore::AppendResult> r) {
        if (r.ok()) position = r->last_position;
        ++answers;
      });
  log().AppendAsync(
      Request("0780/case/a", eventstore::ExpectedVersion::NoStream(), {"A1"}),
      [&](absl::StatusOr<eventstore::AppendResult> r) {
        EXPECT_TRUE(absl::IsAborted(r.status())) << r.status();
        ++answers;
      });
  for (int i = 0; i < 5000 && answers < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(answers, 2);
  EXPECT_EQ(position, 1u);
}

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_EVENT_LOG_CONTRACT_H_
