// Care-plan reviews (genomgång av genomförandeplan): one TEST per rule of
// services/domain/RULES_AGGREGATES.md#care-plan-reviews, which names them.
#include "services/domain/care_plan_decider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/decider.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using Code = absl::StatusCode;

const absl::CivilDay kToday = Day(2026, 3, 2);
constexpr char kClient[] = "brukare-0042";

v1::Command Review(absl::string_view review_id, absl::CivilDay reviewed_on,
                   bool complete = true) {
  return RecordCarePlanReview(review_id, kPrivateProvider, kPrivateUnit,
                              kClient, reviewed_on, complete);
}

v1::Event ReviewRecordedEvent(const v1::Command& command, bool complete,
                              absl::CivilDay next_due) {
  v1::Event event;
  v1::CarePlanReviewRecorded* e = event.mutable_care_plan_review_recorded();
  e->set_review_id(command.record_care_plan_review().review_id());
  *e->mutable_review() = command.record_care_plan_review().review();
  e->set_complete(complete);
  *e->mutable_next_review_due() = D(next_due);
  return event;
}

v1::Event ReviewOverdueEvent(absl::CivilDay due_on) {
  v1::Event event;
  v1::CarePlanReviewOverdue* e = event.mutable_care_plan_review_overdue();
  e->set_unit_id(kPrivateUnit);
  e->set_client_reference(kClient);
  *e->mutable_due_on() = D(due_on);
  return event;
}

// Each thing a review checks, as a switch on the review.
struct Element {
  std::string name;
  std::function<void(v1::CarePlanReview&)> remove;
};

std::vector<Element> RequiredElements() {
  using R = v1::CarePlanReview;
  return {
      {"what", [](R& r) { r.mutable_contents()->set_what(false); }},
      {"who", [](R& r) { r.mutable_contents()->set_who(false); }},
      {"how", [](R& r) { r.mutable_contents()->set_how(false); }},
      {"when", [](R& r) { r.mutable_contents()->set_when(false); }},
      {"goals", [](R& r) { r.mutable_contents()->set_goals(false); }},
      {"participation",
       [](R& r) { r.mutable_contents()->set_participation(false); }},
      {"cooperation",
       [](R& r) { r.mutable_contents()->set_cooperation(false); }},
      {"other_participants",
       [](R& r) { r.mutable_contents()->set_other_participants(false); }},
      {"established_on",
       [](R& r) { r.mutable_contents()->set_established_on(false); }},
      {"follow_up", [](R& r) { r.mutable_contents()->set_follow_up(false); }},
      {"actionable_by_unfamiliar_staff",
       [](R& r) { r.set_actionable_by_unfamiliar_staff(false); }},
      {"matches_assignment", [](R& r) { r.set_matches_assignment(false); }},
  };
}

class CarePlanTest : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }

  Scenario Staff(absl::CivilDay day = kToday) {
    return Given(world_).As(ProviderStaff(kPrivateProvider)).On(day);
  }
  void Run(const v1::Command& command, absl::CivilDay day) {
    world_.MustRun(ProviderStaff(kPrivateProvider), day, command);
  }

  World world_;
};
class CarePlanReviews : public CarePlanTest {};
class CarePlanDeadlines : public CarePlanTest {};

// "The contact person reviews each client's care plan at least monthly":
// a complete review is recorded with the next review due one calendar
// month later.
TEST_F(CarePlanReviews, ReviewIsRecordedWithTheNextDueAMonthLater) {
  const v1::Command review = Review("genomgang-1", kToday);
  Staff().When(review).Then(
      {ReviewRecordedEvent(review, true, Day(2026, 4, 2))});
}

// "Within N months ...: when that day does not exist in the target month,
// the month's last day counts."
TEST_F(CarePlanReviews, NextDueIsClampedToTheEndOfAShorterMonth) {
  const v1::Command review = Review("genomgang-1", Day(2026, 1, 31));
  Staff().When(review).Then(
      {ReviewRecordedEvent(review, true, Day(2026, 2, 28))});
  const v1::Command leap = Review("genomgang-1", Day(2028, 1, 31));
  Staff(Day(2028, 2, 1))
      .When(leap)
      .Then({ReviewRecordedEvent(leap, true, Day(2028, 2, 29))});
}

// "PROVIDER ...: records care-plan reviews (the contact person is provider
// staff)": no other role records them.
TEST_F(CarePlanReviews, OnlyProviderStaffRecordReviews) {
  for (const domain::Principal& principal : EveryRole()) {
    SCOPED_TRACE(domain::RoleName(principal.role));
    const Outcome outcome =
        Given(world_).As(principal).On(kToday).When(Review("g-1", kToday));
    if (principal.role == v1::ROLE_PROVIDER) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(Code::kPermissionDenied);
    }
  }
}

// "PROVIDER ... acts only for its own provider and units ... Must never
// see another provider's data."
TEST_F(CarePlanReviews, AnotherProvidersStaffIsDenied) {
  Given(world_)
      .As(ProviderStaff(kOtherProvider))
      .On(kToday)
      .When(Review("g-1", kToday))
      .ThenFails(Code::kPermissionDenied);
  // Denied before anything about the other provider is looked up.
  Given(world_)
      .As(ProviderStaff(kOtherProvider))
      .On(kToday)
      .When(RecordCarePlanReview("g-1", "okant-bolag", "okand-enhet", kClient,
                                 kToday))
      .ThenFails(Code::kPermissionDenied);
  domain::Principal unscoped = ProviderStaff(kPrivateProvider);
  unscoped.provider_id.clear();
  Given(world_)
      .As(unscoped)
      .On(kToday)
      .When(Review("g-1", kToday))
      .ThenFails(Code::kPermissionDenied);
}

// ... and its own units only: a unit of another provider is not one of
// its units.
TEST_F(CarePlanReviews, UnitMustBeOneOfTheProvidersOwn) {
  Staff()
      .When(RecordCarePlanReview("g-1", kPrivateProvider, kOtherUnit, kClient,
                                 kToday))
      .ThenFails(Code::kNotFound, "review.unit_id");
}

// "Clients are referred to by a pseudonymous reference only: a value that
// looks like a personnummer or samordningsnummer is rejected" — in any of
// its written forms, alone or inside the reference, and never echoed.
TEST_F(CarePlanReviews, PersonnummerAsClientReferenceIsRefusedUnechoed) {
  for (const std::string& number : PersonalIdentityNumbers()) {
    for (const std::string& reference :
         {number, absl::StrCat("brukare ", number)}) {
      SCOPED_TRACE(reference);
      const Outcome outcome = Staff().When(RecordCarePlanReview(
          "g-1", kPrivateProvider, kPrivateUnit, reference, kToday));
      outcome.ThenFails(Code::kInvalidArgument, "review.client_reference");
      const std::string message(outcome.result().status().message());
      EXPECT_THAT(message, Not(HasSubstr("811218")));
      EXPECT_THAT(message, Not(HasSubstr("811278")));
      EXPECT_THAT(message, Not(HasSubstr("9876")));
    }
  }
  // Something that merely has digits is a fine pseudonym.
  const v1::Command pseudonym = RecordCarePlanReview(
      "g-1", kPrivateProvider, kPrivateUnit, "HN-2026-0042", kToday);
  Staff().When(pseudonym).Then(
      {ReviewRecordedEvent(pseudonym, true, Day(2026, 4, 2))});
}

// "A review records which of these are present, whether staff unfamiliar
// with the client could act on it, whether it matches the assignment":
// complete only if everything holds.
TEST_F(CarePlanReviews, ReviewIsCompleteOnlyIfEverythingHolds) {
  for (const Element& element : RequiredElements()) {
    SCOPED_TRACE(element.name);
    v1::Command review = Review("g-1", kToday);
    v1::CarePlanReview* r =
        review.mutable_record_care_plan_review()->mutable_review();
    element.remove(*r);
    r->set_action_taken("Planen kompletteras vid nästa samtal.");
    EXPECT_FALSE(domain::IsComplete(*r));
    Staff().When(review).Then(
        {ReviewRecordedEvent(review, false, Day(2026, 4, 2))});
  }
}

// "... and the action taken if anything is missing": required then.
TEST_F(CarePlanReviews, ActionTakenIsRequiredWhenAnythingIsMissing) {
  for (const Element& element : RequiredElements()) {
    SCOPED_TRACE(element.name);
    v1::Command review = Review("g-1", kToday);
    v1::CarePlanReview* r =
        review.mutable_record_care_plan_review()->mutable_review();
    element.remove(*r);
    r->clear_action_taken();
    Staff().When(review).ThenFails(Code::kInvalidArgument,
                                   "review.action_taken");
    r->set_action_taken(" \t ");
    Staff().When(review).ThenFails(Code::kInvalidArgument,
                                   "review.action_taken");
  }
}

// A complete review may still note an action.
TEST_F(CarePlanReviews, CompleteReviewMayNoteAnAction) {
  v1::Command review = Review("g-1", kToday);
  review.mutable_record_care_plan_review()->mutable_review()->set_action_taken(
      "Målen formuleras tydligare.");
  Staff().When(review).Then(
      {ReviewRecordedEvent(review, true, Day(2026, 4, 2))});
}

// A review records what was done: not in the future.
TEST_F(CarePlanReviews, ReviewDateIsNotInTheFuture) {
  Staff()
      .When(Review("g-1", kToday + 1))
      .ThenFails(Code::kInvalidArgument, "review.reviewed_on");
  v1::Command unset = Review("g-1", kToday);
  unset.mutable_record_care_plan_review()
      ->mutable_review()
      ->clear_reviewed_on();
  Staff().When(unset).ThenFails(Code::kInvalidArgument, "review.reviewed_on");
}

// Repeats yield nothing; the same id with another review is
// ALREADY_EXISTS.
TEST_F(CarePlanReviews, RepeatYieldsNothingAndOtherContentAlreadyExists) {
  const v1::Command review = Review("g-1", Day(2026, 2, 20));
  Run(review, Day(2026, 2, 20));
  Staff().When(review).ThenNothing();
  Staff()
      .When(Review("g-1", Day(2026, 2, 20), /*complete=*/false))
      .ThenFails(Code::kAlreadyExists, "review_id");
}

// "When a due date passes with nothing done, the system appends an event
// saying so (... care-plan review overdue), once, with the due date" —
// overdue from the next day.
TEST_F(CarePlanDeadlines, ReviewIsOverdueTheDayAfterItWasDueOnce) {
  Run(Review("g-1", Day(2026, 1, 31)), Day(2026, 1, 31));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 2, 28)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 1)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 2, 28)))));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 2)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 6, 1)), IsEmpty());
}

// A later review moves the due date; a review on the due date meets it.
TEST_F(CarePlanDeadlines, LaterReviewMovesTheDueDate) {
  Run(Review("g-1", Day(2026, 1, 31)), Day(2026, 1, 31));
  Run(Review("g-2", Day(2026, 2, 28)), Day(2026, 2, 28));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 1)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 28)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 29)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 3, 28)))));
}

// Once per due date: after an overdue review is done, the next due date
// can become overdue in its turn.
TEST_F(CarePlanDeadlines, EachDueDateBecomesOverdueOnce) {
  Run(Review("g-1", Day(2026, 1, 31)), Day(2026, 1, 31));
  ASSERT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 1)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 2, 28)))));
  Run(Review("g-2", Day(2026, 3, 5)), Day(2026, 3, 5));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 4, 5)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 4, 6)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 4, 5)))));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 4, 7)), IsEmpty());
}

// A review dated before the latest one, recorded afterwards, does not move
// the due date back.
TEST_F(CarePlanDeadlines, EarlierReviewRecordedLateDoesNotMoveTheDueDateBack) {
  Run(Review("g-2", Day(2026, 2, 20)), Day(2026, 2, 20));
  Run(Review("g-1", Day(2026, 1, 20)), Day(2026, 2, 21));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 2, 21)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 21)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 3, 20)))));
}

// Each client's plan has its own due date.
TEST_F(CarePlanDeadlines, EachClientHasItsOwnDueDate) {
  Run(Review("g-1", Day(2026, 1, 31)), Day(2026, 1, 31));
  Run(RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit,
                           "brukare-0043", Day(2026, 2, 15)),
      Day(2026, 2, 15));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 1)),
              ElementsAre(EqualsProto(ReviewOverdueEvent(Day(2026, 2, 28)))));
}

// A pseudonymous reference may contain '/', so a care plan's stream id may
// contain another kind's name ("<tenant>/careplan/<p>/<u>/x/case/1"); its
// deadlines are still a care plan's.
TEST_F(CarePlanDeadlines, ReferenceNamingAnotherKindIsStillACarePlan) {
  const v1::Command review = RecordCarePlanReview(
      "g-1", kPrivateProvider, kPrivateUnit, "team/case/7", Day(2026, 1, 31));
  Run(review, Day(2026, 1, 31));
  v1::Event overdue = ReviewOverdueEvent(Day(2026, 2, 28));
  overdue.mutable_care_plan_review_overdue()->set_client_reference(
      "team/case/7");
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 1)),
              ElementsAre(EqualsProto(overdue)));
}

}  // namespace
}  // namespace atgard::testing
