// Who starts and who writes: the unit's own plan before any request
// (SubmitOwnPlan), the authors of a plan at each step, who carries it out,
// and the deficiencies reserved to health care.
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain {

namespace {

bool IsPrivateStep1b(v1::Regiform regiform, v1::EscalationStep step) {
  return regiform == v1::REGIFORM_PRIVATE && step == v1::ESCALATION_STEP_1B;
}

bool IsMunicipalStep3(v1::Regiform regiform, v1::EscalationStep step) {
  return regiform == v1::REGIFORM_MUNICIPAL && step == v1::ESCALATION_STEP_3;
}

}  // namespace

std::vector<v1::Role> PlanAuthors(v1::Regiform regiform,
                                  v1::EscalationStep step) {
  if (IsPrivateStep1b(regiform, step)) {
    return {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_PROVIDER};
  }
  if (IsMunicipalStep3(regiform, step)) {
    return {v1::ROLE_CARE_DIRECTOR, v1::ROLE_PROVIDER};
  }
  return {v1::ROLE_PROVIDER};
}

std::vector<v1::Role> Implementers(v1::Regiform regiform,
                                   v1::EscalationStep step) {
  if (IsMunicipalStep3(regiform, step)) {
    return {v1::ROLE_CARE_DIRECTOR, v1::ROLE_PROVIDER};
  }
  return {v1::ROLE_PROVIDER};
}

namespace internal {

using S = CaseStatus;

v1::Event AsPlanRequested(const v1::OwnPlanStarted& started) {
  return Wrap([&](v1::Event& event) {
    v1::PlanRequested* e = event.mutable_plan_requested();
    e->set_case_id(started.case_id());
    e->set_round(started.round());
    e->set_step(started.step());
    v1::PlanRequest* r = e->mutable_request();
    *r->mutable_start_by() = started.start_by();
    *r->mutable_complete_by() = started.complete_by();
    // Submitted the day it started: never late.
    *r->mutable_submit_by() = started.started_on();
    // Nobody named a follow-up method; the commissioner may use any.
    for (int m = v1::FollowUpMethod_MIN; m <= v1::FollowUpMethod_MAX; ++m) {
      if (m != v1::FOLLOW_UP_METHOD_UNSPECIFIED &&
          v1::FollowUpMethod_IsValid(m)) {
        r->mutable_follow_up()->add_methods(static_cast<v1::FollowUpMethod>(m));
      }
    }
    *e->mutable_requested_on() = started.started_on();
    *e->mutable_complete_by_limit() = started.complete_by_limit();
  });
}

absl::StatusOr<Events> SubmitOwnPlan(const v1::SubmitOwnPlan& c,
                                     const CaseState& s,
                                     const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay start_by,
                   CheckDate("start_by", c.start_by()));
  ASSIGN_OR_RETURN(absl::CivilDay complete_by,
                   CheckDate("complete_by", c.complete_by()));
  if (s.own_plan.has_value() && s.status == S::kPlanSubmitted &&
      s.revision == 0 && SameContent(s.own_plan->start_by(), c.start_by()) &&
      SameContent(s.own_plan->complete_by(), c.complete_by()) &&
      SameContent(s.plan.plan(), c.plan())) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kSubmitOwnPlan, ctx));
  // The unit starts improving on its own only before anyone asked it to;
  // after a request, or higher up the staircase, the plan is requested.
  if (s.step != v1::ESCALATION_STEP_1) {
    return FailedPrecondition(
        "case_id", absl::StrCat("the unit's own plan opens step 1; at ",
                                StepLabel(s.step), " the plan is requested"));
  }
  if (s.round != 0) {
    return FailedPrecondition("case_id",
                              "a plan was already requested in this case; "
                              "the unit's own plan comes before any request");
  }
  if (start_by < ctx.today) {
    return InvalidArgument(
        "start_by",
        absl::StrCat("must not be before today (", FormatDay(ctx.today), ")"));
  }
  if (complete_by <= ctx.today) {
    return InvalidArgument(
        "complete_by",
        absl::StrCat("must be after today (", FormatDay(ctx.today), ")"));
  }
  if (start_by > complete_by) {
    return InvalidArgument("start_by", "must not be after complete_by");
  }
  const StepRule& step = CurrentStep(s);
  const absl::CivilDay limit =
      AddCalendarMonths(ctx.today, step.plan_limit_months);
  if (complete_by > limit) {
    return InvalidArgument(
        "complete_by", absl::StrCat("must be within ", step.plan_limit_months,
                                    " calendar months at ", StepLabel(s.step),
                                    ", on or before ", FormatDay(limit)));
  }
  v1::Event started = Wrap([&](v1::Event& event) {
    v1::OwnPlanStarted* e = event.mutable_own_plan_started();
    e->set_case_id(s.case_id);
    e->set_round(s.round + 1);
    e->set_step(s.step);
    *e->mutable_start_by() = c.start_by();
    *e->mutable_complete_by() = c.complete_by();
    *e->mutable_started_on() = ToDate(ctx.today);
    *e->mutable_complete_by_limit() = ToDate(limit);
  });
  // The plan meets every rule a requested plan meets, on the provider's
  // own dates: it is submitted into the round the first event opens.
  CaseState opened = s;
  EvolveCase(opened, started);
  v1::SubmitPlan submit;
  submit.set_case_id(s.case_id);
  *submit.mutable_plan() = c.plan();
  ASSIGN_OR_RETURN(Events submitted, SubmitPlan(submit, opened, ctx));
  Events events{std::move(started)};
  for (v1::Event& e : submitted) events.push_back(std::move(e));
  return events;
}

void RecordPlanAuthors(Events& events, const CaseState& s,
                       const CommandContext& ctx) {
  const v1::Role role = ctx.principal.role;
  for (v1::Event& event : events) {
    if (!event.has_plan_submitted()) continue;
    v1::PlanSubmitted* e = event.mutable_plan_submitted();
    if (IsPrivateStep1b(s.regiform, s.step)) {
      // Drawn up together: whoever submits, both are the authors.
      e->set_submitted_by(role);
      e->set_drawn_up_with(role == v1::ROLE_PROVIDER
                               ? v1::ROLE_FOLLOW_UP_OFFICER
                               : v1::ROLE_PROVIDER);
    } else if (role != v1::ROLE_PROVIDER) {
      // Unset stands for the provider, as in every earlier plan.
      e->set_submitted_by(role);
    }
  }
}

absl::Status RequireHealthCareForMedicalOfficer(
    const CommandContext& ctx, const v1::Deficiency& deficiency,
    absl::string_view field) {
  if (ctx.principal.role != v1::ROLE_MEDICAL_OFFICER ||
      deficiency.health_care()) {
    return absl::OkStatus();
  }
  return WithReason(
      PermissionDenied(field,
                       "a MEDICAL_OFFICER registers and follows up only "
                       "deficiencies marked health_care (hälso- och "
                       "sjukvård)"),
      "NOT_HEALTH_CARE");
}

}  // namespace internal
}  // namespace atgard::domain
