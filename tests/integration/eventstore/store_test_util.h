// Small helpers shared by the event store's tests.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_STORE_TEST_UTIL_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"

namespace atgard::eventstore::testing {

inline NewEvent Event(std::string type, std::string payload,
                      uint32_t schema_version = 1) {
  return NewEvent{.event_type = std::move(type),
                  .schema_version = schema_version,
                  .payload = std::move(payload)};
}

inline v1::EventMetadata Meta(absl::string_view actor = "handläggare-1") {
  v1::EventMetadata m;
  m.set_actor_subject(std::string(actor));
  m.set_actor_role("case_officer");
  m.set_tenant("0780");
  m.set_correlation_id("corr-1");
  m.set_causation_id("cause-1");
  return m;
}

inline std::unique_ptr<EventStore> OpenOrDie(const Options& options) {
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "Open(" << options.path << "): " << store.status();
    return nullptr;
  }
  return std::move(*store);
}

// Appends one event with a unique payload; fails the test on error.
inline AppendResult AppendOne(EventStore& store, const std::string& stream,
                              const std::string& command_id = "",
                              ExpectedVersion expected = ExpectedVersion::Any(),
                              const std::string& type = "Happened") {
  const std::vector<NewEvent> events = {
      Event(type, absl::StrCat("payload of ", stream, " ", command_id))};
  absl::StatusOr<AppendResult> r =
      store.Append(stream, expected, events, command_id, Meta());
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : AppendResult{};
}

// A one-shot flag built on the standard library, which ThreadSanitizer
// sees (Debian's abseil is not built for it).
class Flag {
 public:
  void Notify() {
    std::lock_guard<std::mutex> l(mu_);
    set_ = true;
    cv_.notify_all();
  }
  bool WaitFor(absl::Duration timeout) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, absl::ToChronoMilliseconds(timeout),
                        [this] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// Verifies the whole log and expects it intact with exactly `events`
// events: a report coming back only says the check ran, not what it found.
inline void ExpectIntact(const EventStore& store, uint64_t events) {
  absl::StatusOr<VerifyReport> report = store.Verify();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok) << report->first_bad_position << ": "
                          << report->problem;
  EXPECT_EQ(report->events_checked, events);
  EXPECT_EQ(report->first_bad_position, 0u);
  EXPECT_EQ(report->problem, "");
}

// Every event of the log, in order.
inline std::vector<v1::EventEnvelope> ReadEverything(const EventStore& store) {
  std::vector<v1::EventEnvelope> all;
  uint64_t from = 1;
  while (true) {
    absl::StatusOr<ReadAllResult> r = store.ReadAll(from, 1000);
    EXPECT_TRUE(r.ok()) << r.status();
    if (!r.ok()) return all;
    for (v1::EventEnvelope& e : r->events) all.push_back(std::move(e));
    if (r->next_position > r->head_position) return all;
    from = r->next_position;
  }
}

}  // namespace atgard::eventstore::testing

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_STORE_TEST_UTIL_H_
