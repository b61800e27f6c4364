#include "tests/support/given_when_then.h"

#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "services/domain/decider.h"
#include "services/domain/errors.h"

namespace atgard::testing {
namespace {

std::string Describe(const std::vector<v1::Event>& events) {
  std::string out;
  for (const v1::Event& e : events) {
    out += "  " + domain::EventType(e) + " " + e.ShortDebugString() + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

}  // namespace

void Outcome::Then(const std::vector<v1::Event>& expected) const {
  ASSERT_TRUE(result_.ok())
      << "expected events, got " << result_.status() << "\nexpected:\n"
      << Describe(expected);
  std::string diff;
  bool equal = result_->size() == expected.size();
  for (size_t i = 0; equal && i < expected.size(); ++i) {
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&diff);
    equal = differencer.Compare(expected[i], (*result_)[i]);
  }
  EXPECT_TRUE(equal) << "expected:\n"
                     << Describe(expected) << "got:\n"
                     << Describe(*result_) << diff;
}

void Outcome::ThenFails(absl::StatusCode code, absl::string_view field) const {
  ASSERT_FALSE(result_.ok())
      << "expected " << absl::StatusCodeToString(code) << ", got events:\n"
      << Describe(*result_);
  EXPECT_EQ(result_.status().code(), code) << result_.status();
  if (!field.empty()) {
    EXPECT_EQ(domain::FieldOf(result_.status()), field) << result_.status();
  }
}

void Outcome::ThenNothing() const {
  ASSERT_TRUE(result_.ok()) << "expected a repeat, got " << result_.status();
  EXPECT_TRUE(result_->empty()) << "expected no events, got:\n"
                                << Describe(*result_);
}

Scenario& Scenario::As(domain::Principal principal) {
  principal_ = std::move(principal);
  return *this;
}

Scenario& Scenario::On(absl::CivilDay day) {
  day_ = day;
  return *this;
}

Outcome Scenario::When(const v1::Command& command) const {
  absl::StatusOr<domain::AggregateRef> ref = domain::Route(command);
  if (!ref.ok()) return Outcome(ref.status());
  std::vector<v1::Event> history;
  if (history_.has_value()) {
    history = *history_;
  } else if (world_ != nullptr) {
    history = world_->Stream(principal_.tenant, *ref);
  }
  domain::AggregateState state = domain::InitialState(ref->kind);
  for (const v1::Event& e : history) domain::Evolve(state, e);
  domain::References refs;
  if (world_ != nullptr)
    refs = world_->LoadReferences(principal_.tenant, command, &state);
  return Outcome(
      domain::Decide(command, state, ContextOn(principal_, day_), refs));
}

Scenario Given(const World& world) {
  Scenario s;
  s.world_ = &world;
  return s;
}

Scenario Given(std::vector<v1::Event> history, const World* world) {
  Scenario s;
  s.world_ = world;
  s.history_ = std::move(history);
  return s;
}

}  // namespace atgard::testing
