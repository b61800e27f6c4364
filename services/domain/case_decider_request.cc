// The request for an action plan (RequestPlan): what the municipality asks
// for, and by when, within the limit of the case's step.
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

using S = CaseStatus;

absl::StatusOr<Events> RequestPlan(const v1::RequestPlan& c, const CaseState& s,
                                   const CommandContext& ctx) {
  const v1::PlanRequest& r = c.request();
  RETURN_IF_ERROR(CheckText("request.background", r.background()));
  ASSIGN_OR_RETURN(absl::CivilDay start_by,
                   CheckDate("request.start_by", r.start_by()));
  ASSIGN_OR_RETURN(absl::CivilDay complete_by,
                   CheckDate("request.complete_by", r.complete_by()));
  ASSIGN_OR_RETURN(absl::CivilDay submit_by,
                   CheckDate("request.submit_by", r.submit_by()));
  if (r.follow_up_not_needed()) {
    // No follow-up, so no method to name: the case closes on the report.
    if (!r.follow_up().methods().empty() ||
        !r.follow_up().description().empty()) {
      return InvalidArgument("request.follow_up",
                             "is given only when a follow-up is needed");
    }
  } else if (r.follow_up().methods().empty()) {
    return InvalidArgument("request.follow_up.methods",
                           "name at least one follow-up method");
  }
  for (int i = 0; i < r.follow_up().methods_size(); ++i) {
    const std::string field =
        absl::StrCat("request.follow_up.methods[", i, "]");
    RETURN_IF_ERROR(
        CheckEnum(field, r.follow_up().methods(i), v1::FollowUpMethod_IsValid));
    for (int j = 0; j < i; ++j) {
      if (r.follow_up().methods(j) == r.follow_up().methods(i)) {
        return InvalidArgument(field, "names the same method twice");
      }
    }
  }
  if (!r.follow_up_not_needed()) {
    RETURN_IF_ERROR(CheckText("request.follow_up.description",
                              r.follow_up().description()));
  }
  RETURN_IF_ERROR(CheckText("request.consequences", r.consequences()));

  if (s.status == S::kPlanRequested && SameContent(s.request.request(), r)) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kRequestPlan, ctx));
  const StepRule& step = CurrentStep(s);
  if (r.analysis_team_appointed() && !step.analysis_team_allowed) {
    return InvalidArgument(
        "request.analysis_team_appointed",
        absl::StrCat("an analysis team is appointed at step 2, "
                     "not at ",
                     StepLabel(s.step)));
  }
  for (auto [field, day] : {std::pair{"request.start_by", start_by},
                            std::pair{"request.complete_by", complete_by},
                            std::pair{"request.submit_by", submit_by}}) {
    if (day <= ctx.today) {
      return InvalidArgument(field, absl::StrCat("must be after today (",
                                                 FormatDay(ctx.today), ")"));
    }
  }
  if (submit_by >= complete_by) {
    return InvalidArgument("request.submit_by",
                           "must be before complete_by: the plan is approved "
                           "before the work is due");
  }
  if (start_by > complete_by) {
    return InvalidArgument("request.start_by", "must not be after complete_by");
  }
  absl::CivilDay limit;
  if (step.plan_limit_months > 0) {
    limit = AddCalendarMonths(ctx.today, step.plan_limit_months);
  } else {
    // Step 1b: the limit was set in the escalation decision.
    limit = *s.plan_limit;
  }
  ASSIGN_OR_RETURN(
      const bool beyond_normal_time,
      CheckNormalTime(
          r, complete_by, limit,
          step.plan_limit_months > 0
              ? absl::StrCat("the normal time at ", StepLabel(s.step), " is ",
                             step.plan_limit_months,
                             " calendar months of the request, on or before ",
                             FormatDay(limit))
              : absl::StrCat("the normal time is on or before ",
                             FormatDay(limit),
                             ", the limit set in the decision to escalate to ",
                             StepLabel(s.step))));
  return Events{Wrap([&](v1::Event& event) {
    v1::PlanRequested* e = event.mutable_plan_requested();
    e->set_case_id(s.case_id);
    e->set_round(s.round + 1);
    e->set_step(s.step);
    *e->mutable_request() = r;
    *e->mutable_requested_on() = ToDate(ctx.today);
    *e->mutable_complete_by_limit() = ToDate(limit);
    e->set_beyond_normal_time(beyond_normal_time);
  })};
}

}  // namespace atgard::domain::internal
