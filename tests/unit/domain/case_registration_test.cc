// Registration, the system-level deficiency kept out of the staircase,
// and closing a case registered in error.
// services/domain/RULES_CASE.md#registration,
// #system-level-deficiencies and #closing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;

constexpr absl::CivilDay kToday = absl::CivilDay(2026, 2, 10);

v1::Event Registered(const v1::Command& command, v1::Regiform regiform,
                     absl::CivilDay on) {
  v1::Event event;
  v1::CaseRegistered* e = event.mutable_case_registered();
  const v1::RegisterCase& c = command.register_case();
  e->set_case_id(c.case_id());
  *e->mutable_deficiency() = c.deficiency();
  e->set_regiform(regiform);
  e->set_system_level(c.system_level());
  e->set_system_level_reason(c.system_level_reason());
  *e->mutable_registered_on() = D(on);
  e->set_triggered_by(c.triggered_by());
  e->set_health_care_scoped(true);
  return event;
}

v1::Command MarkSystemLevel(absl::string_view id) {
  v1::Command c;
  c.mutable_mark_case_system_level()->set_case_id(std::string(id));
  c.mutable_mark_case_system_level()->set_reason(
      "Indikatorn mäts fel i kommunens uppföljningssystem.");
  return c;
}

class RegisterCaseTest : public CaseTest {};

// "A case is opened for one deficiency at one unit": it starts open at step
// 1 of the staircase of the provider's regiform, dated today.
TEST_F(RegisterCaseTest, OpensThePrivateProvidersCaseAtStep1) {
  const v1::Command command =
      RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday - 3);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({Registered(command, v1::REGIFORM_PRIVATE, kToday)});
}

TEST_F(RegisterCaseTest, OpensTheMunicipalUnitsCaseOnTheMunicipalStaircase) {
  const v1::Command command =
      RegisterCase(kCase, kMunicipalProvider, kMunicipalUnit, kToday);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({Registered(command, v1::REGIFORM_MUNICIPAL, kToday)});
  world_.MustRun(FollowUpOfficer(), kToday, command);
  EXPECT_EQ(CaseState().step, v1::ESCALATION_STEP_1);
  EXPECT_EQ(CaseState().status, domain::CaseStatus::kOpen);
}

// Every source, quality area, indicator kind and severity the API names
// is accepted at registration (services/domain/RULES_CASE.md#registration).
TEST_F(RegisterCaseTest, AcceptsEverySourceAreaKindAndSeverity) {
  int n = 0;
  for (int source = 1; source <= 11; ++source) {
    for (int area = 1; area <= 6; ++area) {
      v1::Command c = RegisterCase(absl::StrCat("brist-", ++n),
                                   kPrivateProvider, kPrivateUnit, kToday);
      v1::Deficiency* d = c.mutable_register_case()->mutable_deficiency();
      d->set_source(static_cast<v1::DeficiencySource>(source));
      d->set_quality_area(static_cast<v1::QualityArea>(area));
      d->set_indicator_kind(static_cast<v1::IndicatorKind>(1 + n % 3));
      d->set_severity(static_cast<v1::Severity>(1 + n % 3));
      SCOPED_TRACE(c.ShortDebugString());
      EXPECT_TRUE(world_.Run(FollowUpOfficer(), kToday, c).ok());
    }
  }
  EXPECT_EQ(n, 66);
}

// Enumerations are closed: a value the schema does not know is refused.
TEST_F(RegisterCaseTest, UnknownEnumValuesAreRefused) {
  struct Bad {
    const char* field;
    std::function<void(v1::Deficiency&)> set;
  };
  const Bad cases[] = {
      {"deficiency.source",
       [](v1::Deficiency& d) {
         d.set_source(static_cast<v1::DeficiencySource>(12));
       }},
      {"deficiency.quality_area",
       [](v1::Deficiency& d) {
         d.set_quality_area(static_cast<v1::QualityArea>(7));
       }},
      {"deficiency.indicator_kind",
       [](v1::Deficiency& d) {
         d.set_indicator_kind(static_cast<v1::IndicatorKind>(4));
       }},
      {"deficiency.severity",
       [](v1::Deficiency& d) { d.set_severity(static_cast<v1::Severity>(4)); }},
  };
  for (const Bad& bad : cases) {
    SCOPED_TRACE(bad.field);
    v1::Command c = RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday);
    bad.set(*c.mutable_register_case()->mutable_deficiency());
    Given(world_)
        .As(FollowUpOfficer())
        .On(kToday)
        .When(c)
        .ThenFails(StatusCode::kInvalidArgument, bad.field);
  }
}

// The detected date is a fact: not after the day of registration.
TEST_F(RegisterCaseTest, DetectedInTheFutureIsRefused) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday + 1))
      .ThenFails(StatusCode::kInvalidArgument, "deficiency.detected_on");
}

// "one deficiency at one unit": the unit must be one of the provider's.
TEST_F(RegisterCaseTest, UnknownProviderIsNotFound) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterCase(kCase, "okant-bolag", kPrivateUnit, kToday))
      .ThenFails(StatusCode::kNotFound, "deficiency.provider_id");
}

TEST_F(RegisterCaseTest, UnitOfAnotherProviderIsNotFound) {
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(RegisterCase(kCase, kPrivateProvider, kOtherUnit, kToday))
      .ThenFails(StatusCode::kNotFound, "deficiency.unit_id");
}

// A case id names one case: another deficiency under the same id is
// ALREADY_EXISTS (an identical registration is a repeat; see
// case_idempotency_test.cc).
TEST_F(RegisterCaseTest, SameIdWithOtherContentAlreadyExists) {
  world_.MustRun(FollowUpOfficer(), kToday,
                 RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday));
  v1::Command other =
      RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday);
  other.mutable_register_case()->mutable_deficiency()->set_severity(
      v1::SEVERITY_LOW);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(other)
      .ThenFails(StatusCode::kAlreadyExists, "case_id");
}

// "A system-level deficiency ... is marked as such": at registration with
// the reason.
TEST_F(RegisterCaseTest, SystemLevelDeficiencyIsMarkedWithItsReason) {
  const v1::Command command = RegisterSystemLevelCase(kCase, kToday);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(command)
      .Then({Registered(command, v1::REGIFORM_PRIVATE, kToday)});
}

TEST_F(RegisterCaseTest, SystemLevelNeedsAReason) {
  v1::Command c = RegisterSystemLevelCase(kCase, kToday);
  c.mutable_register_case()->clear_system_level_reason();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(c)
      .ThenFails(StatusCode::kInvalidArgument, "system_level_reason");
}

// Interpretation: a reason is given only for a system-level deficiency.
TEST_F(RegisterCaseTest, SystemLevelReasonWithoutTheMarkIsRefused) {
  v1::Command c = RegisterSystemLevelCase(kCase, kToday);
  c.mutable_register_case()->set_system_level(false);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(c)
      .ThenFails(StatusCode::kInvalidArgument, "system_level_reason");
}

// Policies open cases as SYSTEM naming the triggering event; people never
// set that field, and SYSTEM must.
TEST_F(RegisterCaseTest, TriggeredByIsSetByPoliciesOnly) {
  v1::Command c = RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday);
  c.mutable_register_case()->set_triggered_by("0780/indicator/x@2");
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday)
      .When(c)
      .ThenFails(StatusCode::kInvalidArgument, "triggered_by");
  Given(world_).As(System()).On(kToday).When(c).Then(
      {Registered(c, v1::REGIFORM_PRIVATE, kToday)});
  c.mutable_register_case()->clear_triggered_by();
  Given(world_).As(System()).On(kToday).When(c).ThenFails(
      StatusCode::kInvalidArgument, "triggered_by");
}

// Roles: FOLLOW_UP_OFFICER and MEDICAL_OFFICER register deficiencies;
// SYSTEM for the automatic policies. The care director does not
// (services/domain/RULES.md#roles; commands.proto's comment on
// RegisterCase says otherwise).
TEST_F(RegisterCaseTest, OnlyRegistrarsRegister) {
  for (v1::Role role : AllRoles()) {
    SCOPED_TRACE(RoleLabel(role));
    v1::Command c = RegisterCase(kCase, kPrivateProvider, kPrivateUnit, kToday);
    if (role == v1::ROLE_SYSTEM) {
      c.mutable_register_case()->set_triggered_by("0780/indicator/x@2");
    }
    const bool allowed = role == v1::ROLE_FOLLOW_UP_OFFICER ||
                         role == v1::ROLE_MEDICAL_OFFICER ||
                         role == v1::ROLE_SYSTEM;
    Outcome outcome = Given(world_).As(WithRole(role)).On(kToday).When(c);
    if (allowed) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(StatusCode::kPermissionDenied);
    }
  }
}

class SystemLevelTest : public CaseTest {};

// A deficiency found to lie in the follow-up system is marked before any
// plan is requested.
TEST_F(SystemLevelTest, MarkingAnOpenCaseRecordsTheReason) {
  CaseDriver(world_, kCase, true).Register();
  v1::Event expected;
  expected.mutable_case_marked_system_level()->set_case_id(kCase);
  expected.mutable_case_marked_system_level()->set_reason(
      MarkSystemLevel(kCase).mark_case_system_level().reason());
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(MarkSystemLevel(kCase))
      .Then({expected});
}

// "also after a plan was requested, when the plan is what revealed it":
// after a rejected plan no round is under way, so none is closed.
TEST_F(SystemLevelTest, MarkingAfterAPlanRoundIsAccepted) {
  CaseDriver driver(world_, kCase, true);
  driver.Register().RequestPlan().SubmitPlan().Reject();
  ASSERT_EQ(CaseState().status, domain::CaseStatus::kOpen);
  v1::Event expected;
  expected.mutable_case_marked_system_level()->set_case_id(kCase);
  expected.mutable_case_marked_system_level()->set_reason(
      MarkSystemLevel(kCase).mark_case_system_level().reason());
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(MarkSystemLevel(kCase))
      .Then({expected});
}

TEST_F(SystemLevelTest, CommissionersMarkCases) {
  CaseDriver(world_, kCase, true).Register();
  for (v1::Role role : AllRoles()) {
    SCOPED_TRACE(RoleLabel(role));
    Outcome outcome = Given(world_)
                          .As(WithRole(role))
                          .On(kToday + 1)
                          .When(MarkSystemLevel(kCase));
    if (role == v1::ROLE_FOLLOW_UP_OFFICER || role == v1::ROLE_CARE_DIRECTOR ||
        role == v1::ROLE_ADMINISTRATION_DIRECTOR) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(StatusCode::kPermissionDenied);
    }
  }
}

// "handled outside the staircase": no plan can be requested ...
TEST_F(SystemLevelTest, NoPlanIsRequested) {
  world_.MustRun(FollowUpOfficer(), kToday,
                 RegisterSystemLevelCase(kCase, kToday));
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(RequestPlan(kCase, Request(kToday + 1)))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

TEST_F(SystemLevelTest, MarkedCaseRequestsNoPlanEither) {
  CaseDriver(world_, kCase, false).Register();
  world_.MustRun(CareDirector(), kToday + 1, MarkSystemLevel(kCase));
  Given(world_)
      .As(CareDirector())
      .On(kToday + 1)
      .When(RequestPlan(kCase, Request(kToday + 1)))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// ... and it is neither proposed for nor escalated up the staircase.
TEST_F(SystemLevelTest, NoEscalation) {
  world_.MustRun(FollowUpOfficer(), kToday,
                 RegisterSystemLevelCase(kCase, kToday));
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(ProposeEscalation(kCase))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
  Given(world_)
      .As(AdministrationDirector())
      .On(kToday + 1)
      .When(Escalate(kCase, v1::ESCALATION_STEP_1B, kToday + 1,
                     domain::AddCalendarMonths(kToday, 4)))
      .ThenFails(StatusCode::kFailedPrecondition, "case_id");
}

// It closes as SYSTEM_LEVEL_HANDLED.
TEST_F(SystemLevelTest, ClosesAsSystemLevelHandled) {
  world_.MustRun(FollowUpOfficer(), kToday,
                 RegisterSystemLevelCase(kCase, kToday));
  const v1::Command close =
      CloseCase(kCase, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED);
  v1::Event expected;
  v1::CaseClosed* e = expected.mutable_case_closed();
  e->set_case_id(kCase);
  e->set_closure(v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED);
  e->set_note(close.close_case().note());
  *e->mutable_closed_on() = D(kToday + 2);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 2)
      .When(close)
      .Then({expected});
}

TEST_F(SystemLevelTest, OrdinaryCaseDoesNotCloseAsSystemLevelHandled) {
  CaseDriver(world_, kCase, true).Register();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(CloseCase(kCase, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED))
      .ThenFails(StatusCode::kFailedPrecondition, "closure");
}

// Interpretation: the commissioners close; the scheduler (SYSTEM) closes
// only on a contract's termination.
TEST_F(SystemLevelTest, CommissionersCloseSystemLevelCases) {
  world_.MustRun(FollowUpOfficer(), kToday,
                 RegisterSystemLevelCase(kCase, kToday));
  for (v1::Role role : AllRoles()) {
    SCOPED_TRACE(RoleLabel(role));
    Outcome outcome =
        Given(world_)
            .As(WithRole(role))
            .On(kToday + 1)
            .When(CloseCase(kCase, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED));
    if (role == v1::ROLE_FOLLOW_UP_OFFICER || role == v1::ROLE_CARE_DIRECTOR ||
        role == v1::ROLE_ADMINISTRATION_DIRECTOR) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(StatusCode::kPermissionDenied);
    }
  }
}

class RegisteredInErrorTest : public CaseTest {};

// A case registered in error is closed before any plan is requested.
TEST_F(RegisteredInErrorTest, ClosesBeforeAnyRequest) {
  CaseDriver(world_, kCase, true).Register();
  const v1::Command close =
      CloseCase(kCase, v1::CASE_CLOSURE_REGISTERED_IN_ERROR);
  v1::Event expected;
  v1::CaseClosed* e = expected.mutable_case_closed();
  e->set_case_id(kCase);
  e->set_closure(v1::CASE_CLOSURE_REGISTERED_IN_ERROR);
  e->set_note(close.close_case().note());
  *e->mutable_closed_on() = D(kToday + 1);
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 1)
      .When(close)
      .Then({expected});
}

TEST_F(RegisteredInErrorTest, CommissionersCloseCasesRegisteredInError) {
  CaseDriver(world_, kCase, false).Register();
  ExpectOnlyRoles(world_,
                  {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_CARE_DIRECTOR,
                   v1::ROLE_ADMINISTRATION_DIRECTOR},
                  kMunicipalProvider, kToday + 1,
                  CloseCase(kCase, v1::CASE_CLOSURE_REGISTERED_IN_ERROR));
}

TEST_F(RegisteredInErrorTest, RefusedOnceAPlanWasRequested) {
  CaseDriver(world_, kCase, true).Register().RequestPlan();
  Given(world_)
      .As(FollowUpOfficer())
      .On(kToday + 2)
      .When(CloseCase(kCase, v1::CASE_CLOSURE_REGISTERED_IN_ERROR))
      .ThenFails(StatusCode::kFailedPrecondition, "closure");
}

// Even when the round has ended and the case is open again.
TEST_F(RegisteredInErrorTest, RefusedAfterARejectedPlan) {
  CaseDriver driver(world_, kCase, true);
  driver.Register().RequestPlan().SubmitPlan().Reject();
  Given(world_)
      .As(FollowUpOfficer())
      .On(driver.today())
      .When(CloseCase(kCase, v1::CASE_CLOSURE_REGISTERED_IN_ERROR))
      .ThenFails(StatusCode::kFailedPrecondition, "closure");
}

// RESOLVED and CONSEQUENCE_DECIDED follow from their own commands.
TEST_F(RegisteredInErrorTest, ResolvedAndConsequenceDecidedAreNotCloseCases) {
  CaseDriver(world_, kCase, true).Register();
  for (v1::CaseClosure closure :
       {v1::CASE_CLOSURE_RESOLVED, v1::CASE_CLOSURE_CONSEQUENCE_DECIDED}) {
    Given(world_)
        .As(FollowUpOfficer())
        .On(kToday + 1)
        .When(CloseCase(kCase, closure))
        .ThenFails(StatusCode::kInvalidArgument, "closure");
  }
}

}  // namespace
}  // namespace atgard::testing
