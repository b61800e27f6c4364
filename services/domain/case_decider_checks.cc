// The facts and checks the phases of the case decider share: where the
// case stands on its staircase and whether the workflow table lets this
// principal issue this command now.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

using S = CaseStatus;

// "step 1b", for messages.
std::string StepLabel(v1::EscalationStep step) {
  return absl::StrCat("step ", StepName(step));
}

const StepRule& CurrentStep(const CaseState& s) {
  // Every registered case is on a step of its regiform's staircase (the
  // decider only moves it along the table), so the lookup cannot fail.
  return *FindStep(s.regiform, s.step);
}

absl::CivilDay CompleteBy(const CaseState& s) {
  return DayOf(s.request.request().complete_by());
}

// Looks the command up in the transition table for the case's status and
// checks the role the table names for the case's step.
absl::Status Gate(const CaseState& s, v1::Command::CommandCase command,
                  const CommandContext& ctx) {
  const CaseTransition* t = FindTransition(command, s.status);
  if (t == nullptr) {
    std::string allowed = absl::StrJoin(
        StatusesAllowing(command), ", ", [](std::string* out, S status) {
          absl::StrAppend(out, StatusName(status));
        });
    return FailedPrecondition(
        "case_id",
        absl::StrCat(CommandName(command), " is not allowed while the case is ",
                     StatusName(s.status), " (allowed when: ", allowed, ")"));
  }
  return RequireRole(
      ctx.principal, AllowedRoles(t->actor, s.regiform, s.step),
      absl::StrCat(CommandName(command), " at ", StepLabel(s.step)));
}

absl::Status CheckNotSystemLevel(const CaseState& s) {
  if (s.system_level) {
    return FailedPrecondition(
        "case_id",
        "a system-level deficiency is handled outside the staircase");
  }
  return absl::OkStatus();
}

S StatusAfter(v1::AssessmentDecision decision) {
  switch (decision) {
    case v1::ASSESSMENT_DECISION_APPROVED:
      return S::kImplementing;
    case v1::ASSESSMENT_DECISION_REVISION_REQUIRED:
      return S::kRevisionRequested;
    default:
      return S::kOpen;
  }
}

}  // namespace atgard::domain::internal
