// The unit's register of care plans (genomförandeplaner): registering and
// ending a plan, what a review of a registered plan records, the action
// for missing parts and its check, and the register's deadlines. One TEST
// per rule of services/domain/RULES_AGGREGATES.md#care-plan-reviews, which
// names them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "services/domain/care_plan_decider.h"
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
// The plan was established on 2026-02-02; its first review is due by
// 2026-03-02.
const absl::CivilDay kEstablished = Day(2026, 2, 2);
constexpr char kClient[] = "brukare-0042";

v1::Event EventText(absl::string_view text) {
  v1::Event event;
  EXPECT_TRUE(
      google::protobuf::TextFormat::ParseFromString(std::string(text), &event))
      << text;
  return event;
}

v1::Command RegisterPlan(absl::CivilDay established_on,
                         absl::string_view client = kClient,
                         absl::string_view unit = kPrivateUnit) {
  return RegisterCarePlan(kPrivateProvider, unit, client, established_on);
}

v1::Command EndPlan(absl::CivilDay ended_on) {
  return EndCarePlan(kPrivateProvider, kPrivateUnit, kClient, ended_on);
}

// A review of a registered plan: it says what it did with the plan. An
// incomplete one lacks the client's participation and notes an action
// (RecordCarePlanReview).
v1::Command Review(
    absl::string_view review_id, absl::CivilDay reviewed_on,
    bool complete = true,
    v1::CarePlanReviewKind kind = v1::CARE_PLAN_REVIEW_KIND_REVIEWED) {
  v1::Command command =
      RecordCarePlanReview(review_id, kPrivateProvider, kPrivateUnit, kClient,
                           reviewed_on, complete);
  v1::CarePlanReview* r =
      command.mutable_record_care_plan_review()->mutable_review();
  r->set_kind(kind);
  return command;
}

v1::CarePlanReview* ReviewOf(v1::Command& command) {
  return command.mutable_record_care_plan_review()->mutable_review();
}

// The review's event: the review as given, and the dates the decider set.
v1::Event Recorded(const v1::Command& command, absl::string_view dates) {
  v1::Event event =
      EventText(absl::StrCat("care_plan_review_recorded { ", dates, " }"));
  v1::CarePlanReviewRecorded* e = event.mutable_care_plan_review_recorded();
  e->set_review_id(command.record_care_plan_review().review_id());
  *e->mutable_review() = command.record_care_plan_review().review();
  return event;
}

class CarePlanRegisterTest : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }

  Scenario Staff(absl::CivilDay day = kToday) {
    return Given(world_).As(ProviderStaff(kPrivateProvider)).On(day);
  }
  void Run(const v1::Command& command, absl::CivilDay day) {
    world_.MustRun(ProviderStaff(kPrivateProvider), day, command);
  }
  void Registered() { Run(RegisterPlan(kEstablished), kEstablished); }

  World world_;
};
class CarePlanRegister : public CarePlanRegisterTest {};
class RegisteredPlanReviews : public CarePlanRegisterTest {};
class CarePlanActions : public CarePlanRegisterTest {};
class CarePlanRegisterDeadlines : public CarePlanRegisterTest {};

// ---- The register -----------------------------------------------------------

// "Each unit keeps a register of its care plans (pseudonymous reference,
// established on, ended on)": a plan is registered with the date it was
// established, and its first review is due a calendar month later.
TEST_F(CarePlanRegister, PlanIsRegisteredWithItsFirstReviewDue) {
  Staff().When(RegisterPlan(kEstablished)).Then({EventText(R"pb(
    care_plan_registered {
      provider_id: "omsorgsbolaget"
      unit_id: "hemtjanst-norr"
      client_reference: "brukare-0042"
      established_on { year: 2026 month: 2 day: 2 }
      first_review_due { year: 2026 month: 3 day: 2 }
    }
  )pb")});
}

// Provider staff keep their own units' registers; the follow-up officer
// may keep them too. No one else.
TEST_F(CarePlanRegister, ProviderStaffAndFollowUpOfficerKeepTheRegister) {
  for (const domain::Principal& principal : EveryRole()) {
    SCOPED_TRACE(domain::RoleName(principal.role));
    for (const v1::Command& command :
         {RegisterPlan(kEstablished), EndPlan(kToday)}) {
      const Outcome outcome =
          Given(world_).As(principal).On(kToday).When(command);
      if (principal.role == v1::ROLE_PROVIDER ||
          principal.role == v1::ROLE_FOLLOW_UP_OFFICER) {
        // Ending a plan never registered is NOT_FOUND, after the role.
        if (command.has_end_care_plan()) {
          outcome.ThenFails(Code::kNotFound, "client_reference");
        } else {
          EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
        }
      } else {
        outcome.ThenFails(Code::kPermissionDenied);
      }
    }
  }
  Given(world_)
      .As(ProviderStaff(kOtherProvider))
      .On(kToday)
      .When(RegisterPlan(kEstablished))
      .ThenFails(Code::kPermissionDenied);
}

// The unit is one of the provider's, and the client is known only by a
// pseudonymous reference: one that looks like a personnummer or
// samordningsnummer is refused, and never echoed.
TEST_F(CarePlanRegister, UnitAndPseudonymousReferenceAreChecked) {
  Staff()
      .When(RegisterPlan(kEstablished, kClient, kOtherUnit))
      .ThenFails(Code::kNotFound, "unit_id");
  for (const std::string& number : PersonalIdentityNumbers()) {
    SCOPED_TRACE(number);
    const Outcome outcome = Staff().When(RegisterPlan(kEstablished, number));
    outcome.ThenFails(Code::kInvalidArgument, "client_reference");
    EXPECT_THAT(std::string(outcome.result().status().message()),
                Not(HasSubstr("811218")));
  }
}

// The date a plan was established has happened.
TEST_F(CarePlanRegister, EstablishedOnIsRequiredAndNotInTheFuture) {
  Staff()
      .When(RegisterPlan(kToday + 1))
      .ThenFails(Code::kInvalidArgument, "established_on");
  v1::Command unset = RegisterPlan(kEstablished);
  unset.mutable_register_care_plan()->clear_established_on();
  Staff().When(unset).ThenFails(Code::kInvalidArgument, "established_on");
}

// A repeat yields nothing; another establishment date is another plan.
TEST_F(CarePlanRegister, RepeatYieldsNothingAndAnotherDateAlreadyExists) {
  Registered();
  Staff().When(RegisterPlan(kEstablished)).ThenNothing();
  Staff()
      .When(RegisterPlan(kEstablished + 1))
      .ThenFails(Code::kAlreadyExists, "client_reference");
}

// "... ended on": a registered plan ends on a date.
TEST_F(CarePlanRegister, RegisteredPlanEnds) {
  Registered();
  Staff().When(EndPlan(kToday)).Then({EventText(R"pb(
    care_plan_ended {
      unit_id: "hemtjanst-norr"
      client_reference: "brukare-0042"
      ended_on { year: 2026 month: 3 day: 2 }
    }
  )pb")});
}

// Only a registered plan ends, not before it was established, once.
TEST_F(CarePlanRegister, EndIsCheckedAgainstTheRegister) {
  Staff().When(EndPlan(kToday)).ThenFails(Code::kNotFound, "client_reference");
  // A plan that was only reviewed, before the register, is not registered.
  Run(RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit, kClient,
                           Day(2026, 2, 20)),
      Day(2026, 2, 20));
  Staff().When(EndPlan(kToday)).ThenFails(Code::kNotFound, "client_reference");
  Registered();
  Staff()
      .When(EndPlan(kEstablished - 1))
      .ThenFails(Code::kInvalidArgument, "ended_on");
  Staff()
      .When(EndPlan(kToday + 1))
      .ThenFails(Code::kInvalidArgument, "ended_on");
  Run(EndPlan(Day(2026, 2, 27)), Day(2026, 2, 27));
  Staff().When(EndPlan(Day(2026, 2, 27))).ThenNothing();
  Staff()
      .When(EndPlan(kToday))
      .ThenFails(Code::kFailedPrecondition, "ended_on");
}

// ---- Reviews of a registered plan -------------------------------------------

// "A review records ... whether the plan was established, revised or only
// reviewed."
TEST_F(RegisteredPlanReviews, ReviewRecordsWhatItDidWithThePlan) {
  Registered();
  for (v1::CarePlanReviewKind kind : {v1::CARE_PLAN_REVIEW_KIND_ESTABLISHED,
                                      v1::CARE_PLAN_REVIEW_KIND_REVISED,
                                      v1::CARE_PLAN_REVIEW_KIND_REVIEWED}) {
    SCOPED_TRACE(v1::CarePlanReviewKind_Name(kind));
    const v1::Command review = Review("g-1", kToday, true, kind);
    Staff().When(review).Then({Recorded(review, R"pb(
      complete: true
      next_review_due { year: 2026 month: 4 day: 2 }
    )pb")});
  }
  Staff()
      .When(Review("g-1", kToday, true, v1::CARE_PLAN_REVIEW_KIND_UNSPECIFIED))
      .ThenFails(Code::kInvalidArgument, "review.kind");
  v1::Command unknown = Review("g-1", kToday);
  ReviewOf(unknown)->set_kind(static_cast<v1::CarePlanReviewKind>(99));
  Staff().When(unknown).ThenFails(Code::kInvalidArgument, "review.kind");
}

// A registered plan is reviewed between its establishment and its end.
TEST_F(RegisteredPlanReviews, ReviewFallsWithinThePlansLife) {
  Registered();
  Staff()
      .When(Review("g-1", kEstablished - 1))
      .ThenFails(Code::kInvalidArgument, "review.reviewed_on");
  Run(EndPlan(Day(2026, 2, 20)), Day(2026, 2, 20));
  Staff()
      .When(Review("g-1", kToday))
      .ThenFails(Code::kFailedPrecondition, "review.reviewed_on");
}

// ---- Actions for missing parts
// ------------------------------------------------

// "Missing parts must be put right promptly: the action taken has a due
// date (default two weeks)".
TEST_F(CarePlanActions, ActionIsDueTwoWeeksAfterTheReviewByDefault) {
  Registered();
  const v1::Command review = Review("g-1", kToday, /*complete=*/false);
  Staff().When(review).Then({Recorded(review, R"pb(
    next_review_due { year: 2026 month: 4 day: 2 }
    action_due_on { year: 2026 month: 3 day: 16 }
  )pb")});
}

// The review may set another due date, not before itself, and only for
// something missing.
TEST_F(CarePlanActions, ActionDueDateMayBeGivenForSomethingMissing) {
  Registered();
  v1::Command sooner = Review("g-1", kToday, /*complete=*/false);
  *ReviewOf(sooner)->mutable_action_due_on() = D(Day(2026, 3, 9));
  Staff().When(sooner).Then({Recorded(sooner, R"pb(
    next_review_due { year: 2026 month: 4 day: 2 }
    action_due_on { year: 2026 month: 3 day: 9 }
  )pb")});
  v1::Command before = Review("g-1", kToday, /*complete=*/false);
  *ReviewOf(before)->mutable_action_due_on() = D(kToday - 1);
  Staff().When(before).ThenFails(Code::kInvalidArgument,
                                 "review.action_due_on");
  v1::Command complete = Review("g-1", kToday);
  *ReviewOf(complete)->mutable_action_due_on() = D(Day(2026, 3, 9));
  Staff().When(complete).ThenFails(Code::kInvalidArgument,
                                   "review.action_due_on");
}

// "... and the next review checks it": while an action awaits its check
// the next review says whether it was put right; otherwise it says
// nothing about one.
TEST_F(CarePlanActions, NextReviewChecksTheAction) {
  Registered();
  Staff()
      .When([] {
        v1::Command r = Review("g-1", kToday);
        ReviewOf(r)->set_action_check(v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT);
        return r;
      }())
      .ThenFails(Code::kFailedPrecondition, "review.action_check");
  Run(Review("g-1", Day(2026, 2, 20), /*complete=*/false), Day(2026, 2, 20));
  Staff()
      .When(Review("g-2", kToday))
      .ThenFails(Code::kInvalidArgument, "review.action_check");
  v1::Command checked = Review("g-2", kToday);
  ReviewOf(checked)->set_action_check(v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT);
  Staff().When(checked).Then({Recorded(checked, R"pb(
    complete: true
    next_review_due { year: 2026 month: 4 day: 2 }
  )pb")});
  // Once put right, nothing awaits a check.
  Run(checked, kToday);
  v1::Command again = Review("g-3", kToday);
  ReviewOf(again)->set_action_check(v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT);
  Staff().When(again).ThenFails(Code::kFailedPrecondition,
                                "review.action_check");
}

// ---- Deadlines
// ----------------------------------------------------------------

// "a plan that is never reviewed is overdue a month after it was
// established", once, with that due date.
TEST_F(CarePlanRegisterDeadlines, NeverReviewedPlanIsOverdueOnceAMonthLater) {
  Registered();
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 2)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 3)),
              ElementsAre(EqualsProto(EventText(R"pb(
                care_plan_review_overdue {
                  unit_id: "hemtjanst-norr"
                  client_reference: "brukare-0042"
                  due_on { year: 2026 month: 3 day: 2 }
                }
              )pb"))));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 4)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 6, 1)), IsEmpty());
}

// A first review in time moves the due date as every review does.
TEST_F(CarePlanRegisterDeadlines, FirstReviewInTimeMeetsTheFirstDueDate) {
  Registered();
  Run(Review("g-1", Day(2026, 3, 2)), Day(2026, 3, 2));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 3)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 4, 2)), IsEmpty());
}

// "When a due date passes with nothing done, the system appends an event
// saying so": an action not put right by its date is overdue, once.
TEST_F(CarePlanRegisterDeadlines, ActionNotPutRightByItsDateIsOverdueOnce) {
  Registered();
  Run(Review("g-1", Day(2026, 2, 20), /*complete=*/false), Day(2026, 2, 20));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 6)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 7)),
              ElementsAre(EqualsProto(EventText(R"pb(
                care_plan_action_overdue {
                  unit_id: "hemtjanst-norr"
                  client_reference: "brukare-0042"
                  review_id: "g-1"
                  due_on { year: 2026 month: 3 day: 6 }
                }
              )pb"))));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 8)), IsEmpty());
}

// An action put right in time is not overdue.
TEST_F(CarePlanRegisterDeadlines, ActionPutRightInTimeIsNotOverdue) {
  Registered();
  Run(Review("g-1", Day(2026, 2, 20), /*complete=*/false), Day(2026, 2, 20));
  v1::Command checked = Review("g-2", Day(2026, 3, 5));
  ReviewOf(checked)->set_action_check(v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT);
  Run(checked, Day(2026, 3, 5));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 7)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 4, 5)), IsEmpty());
}

// An action found not put right keeps its due date: a later review's own
// action does not postpone it.
TEST_F(CarePlanRegisterDeadlines, ActionNotPutRightKeepsItsDueDate) {
  Registered();
  Run(Review("g-1", Day(2026, 2, 20), /*complete=*/false), Day(2026, 2, 20));
  v1::Command not_yet = Review("g-2", Day(2026, 3, 2), /*complete=*/false);
  ReviewOf(not_yet)->set_action_check(v1::CARE_PLAN_ACTION_CHECK_NOT_PUT_RIGHT);
  Run(not_yet, Day(2026, 3, 2));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 7)),
              ElementsAre(EqualsProto(EventText(R"pb(
                care_plan_action_overdue {
                  unit_id: "hemtjanst-norr"
                  client_reference: "brukare-0042"
                  review_id: "g-1"
                  due_on { year: 2026 month: 3 day: 6 }
                }
              )pb"))));
}

// "an ended plan has no more deadlines": neither its review nor an open
// action become overdue.
TEST_F(CarePlanRegisterDeadlines, EndedPlanIsQuiet) {
  Registered();
  Run(Review("g-1", Day(2026, 2, 20), /*complete=*/false), Day(2026, 2, 20));
  Run(EndPlan(Day(2026, 2, 25)), Day(2026, 2, 25));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 7)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 21)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2027, 1, 1)), IsEmpty());
}

// "Reviews of streams written before the register fold and behave exactly
// as today": an incomplete review of an unregistered plan sets no action
// due date, nothing awaits a check, and only the review can be overdue.
TEST_F(CarePlanRegisterDeadlines, UnregisteredPlanKeepsTheOldRules) {
  const v1::Command incomplete =
      RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit, kClient,
                           Day(2026, 1, 31), /*complete=*/false);
  Staff(Day(2026, 1, 31)).When(incomplete).Then({Recorded(incomplete, R"pb(
    next_review_due { year: 2026 month: 2 day: 28 }
  )pb")});
  Run(incomplete, Day(2026, 1, 31));
  const domain::CarePlanState state =
      std::get<domain::CarePlanState>(world_.State(
          kTenant,
          {.kind = domain::AggregateKind::kCarePlan,
           .id = domain::CarePlanId(kPrivateProvider, kPrivateUnit, kClient)}));
  EXPECT_FALSE(state.registered());
  EXPECT_FALSE(state.open_action.has_value());
  // The next review needs no check, and may not give an action date.
  Run(RecordCarePlanReview("g-2", kPrivateProvider, kPrivateUnit, kClient,
                           Day(2026, 2, 10)),
      Day(2026, 2, 10));
  v1::Command dated = RecordCarePlanReview(
      "g-3", kPrivateProvider, kPrivateUnit, kClient, Day(2026, 2, 11), false);
  *ReviewOf(dated)->mutable_action_due_on() = D(Day(2026, 2, 20));
  Staff(Day(2026, 2, 11))
      .When(dated)
      .ThenFails(Code::kFailedPrecondition, "review.action_due_on");
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 2, 28)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 3, 11)),
              ElementsAre(EqualsProto(EventText(R"pb(
                care_plan_review_overdue {
                  unit_id: "hemtjanst-norr"
                  client_reference: "brukare-0042"
                  due_on { year: 2026 month: 3 day: 10 }
                }
              )pb"))));
}

}  // namespace
}  // namespace atgard::testing
