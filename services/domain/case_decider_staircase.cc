// The escalation staircase (trappa): proposing and deciding an escalation
// after a failed step, the consequence at step 4, and closing a case.
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/contract_decider.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

using S = CaseStatus;

absl::Status CheckFailed(const CaseState& s) {
  if (s.failure == v1::STEP_FAILURE_UNSPECIFIED) {
    return FailedPrecondition(
        "case_id",
        absl::StrCat(StepLabel(s.step),
                     " has not failed: escalation needs a rejected plan, a "
                     "follow-up not resolved, or a missed deadline or "
                     "milestone"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Events> ProposeEscalation(const v1::ProposeEscalation& c,
                                         const CaseState& s,
                                         const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  if (s.escalation_proposed && s.status != S::kClosed) return Events{};
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kProposeEscalation, ctx));
  RETURN_IF_ERROR(CheckFailed(s));
  return Events{Wrap([&](v1::Event& event) {
    v1::EscalationProposed* e = event.mutable_escalation_proposed();
    e->set_case_id(s.case_id);
    e->set_from_step(s.step);
    e->set_to_step(CurrentStep(s).next);
    e->set_failure(s.failure);
    e->set_reason(c.reason());
  })};
}

absl::StatusOr<Events> EscalateCase(const v1::EscalateCase& c,
                                    const CaseState& s,
                                    const CommandContext& ctx) {
  RETURN_IF_ERROR(
      CheckEnum("to_step", c.to_step(), v1::EscalationStep_IsValid));
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  if (c.to_step() == v1::ESCALATION_STEP_1B) {
    RETURN_IF_ERROR(CheckDate("plan_limit", c.plan_limit()).status());
  } else if (!IsUnset(c.plan_limit())) {
    return InvalidArgument("plan_limit",
                           "is set only by a decision to escalate to step 1b");
  }
  if (s.last_escalation.has_value() && s.step == c.to_step() &&
      s.last_escalation->reason() == c.reason() &&
      SameContent(s.last_escalation->decision(), c.decision()) &&
      SameContent(s.last_escalation->plan_limit(), c.plan_limit())) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckNotSystemLevel(s));
  RETURN_IF_ERROR(Gate(s, v1::Command::kEscalateCase, ctx));
  RETURN_IF_ERROR(CheckFailed(s));
  const StepRule& step = CurrentStep(s);
  if (c.to_step() != step.next) {
    return InvalidArgument(
        "to_step",
        absl::StrCat("the step after ", StepLabel(s.step), " is ",
                     StepLabel(step.next), " for ",
                     s.regiform == v1::REGIFORM_PRIVATE ? "a private provider"
                                                        : "a municipal unit"));
  }
  if (c.to_step() == v1::ESCALATION_STEP_1B &&
      DayOf(c.plan_limit()) <= ctx.today) {
    return InvalidArgument(
        "plan_limit",
        absl::StrCat("must be after today (", FormatDay(ctx.today), ")"));
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseEscalated* e = event.mutable_case_escalated();
    e->set_case_id(s.case_id);
    e->set_from_step(s.step);
    e->set_to_step(c.to_step());
    e->set_failure(s.failure);
    e->set_reason(c.reason());
    *e->mutable_decision() = c.decision();
    *e->mutable_plan_limit() = c.plan_limit();
  })};
}

absl::StatusOr<Events> DecideConsequence(const v1::DecideConsequence& c,
                                         const CaseState& s,
                                         const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("consequences", c.consequences()));
  if (s.consequence.has_value() &&
      SameContent(s.consequence->care_director_decision(),
                  c.care_director_decision()) &&
      SameContent(s.consequence->administration_director_decision(),
                  c.administration_director_decision()) &&
      s.consequence->consequences() == c.consequences()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kDecideConsequence, ctx));
  if (s.regiform == v1::REGIFORM_MUNICIPAL) {
    // The care director and the administration director decide together.
    RETURN_IF_ERROR(CheckDecision("care_director_decision",
                                  c.care_director_decision(), ctx.today));
  } else if (c.has_care_director_decision()) {
    return InvalidArgument("care_director_decision",
                           "a private provider's consequences are decided by "
                           "the administration director");
  }
  RETURN_IF_ERROR(CheckDecision("administration_director_decision",
                                c.administration_director_decision(),
                                ctx.today));
  Events events;
  events.push_back(Wrap([&](v1::Event& event) {
    v1::ConsequenceDecided* e = event.mutable_consequence_decided();
    e->set_case_id(s.case_id);
    *e->mutable_care_director_decision() = c.care_director_decision();
    *e->mutable_administration_director_decision() =
        c.administration_director_decision();
    e->set_consequences(c.consequences());
  }));
  events.push_back(Wrap([&](v1::Event& event) {
    v1::CaseClosed* e = event.mutable_case_closed();
    e->set_case_id(s.case_id);
    e->set_closure(v1::CASE_CLOSURE_CONSEQUENCE_DECIDED);
    e->set_note(c.consequences());
    *e->mutable_closed_on() = ToDate(ctx.today);
  }));
  return events;
}

absl::StatusOr<Events> CloseCase(const v1::CloseCase& c, const CaseState& s,
                                 const CommandContext& ctx,
                                 const CaseReferences& refs) {
  RETURN_IF_ERROR(CheckEnum("closure", c.closure(), v1::CaseClosure_IsValid));
  if (c.closure() == v1::CASE_CLOSURE_RESOLVED ||
      c.closure() == v1::CASE_CLOSURE_CONSEQUENCE_DECIDED) {
    return InvalidArgument(
        "closure",
        "RESOLVED follows from a recorded follow-up and CONSEQUENCE_DECIDED "
        "from a consequence decision; close with those commands");
  }
  RETURN_IF_ERROR(CheckText("note", c.note()));
  if (c.closure() == v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
    RETURN_IF_ERROR(CheckId("contract_id", c.contract_id()));
  } else if (!c.contract_id().empty()) {
    return InvalidArgument("contract_id",
                           "is given only when a contract's termination closes "
                           "the case");
  }
  if (s.closed.has_value() && s.closed->closure() == c.closure() &&
      s.closed->note() == c.note() &&
      s.closed->contract_id() == c.contract_id()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kCloseCase, ctx));
  switch (c.closure()) {
    case v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED:
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, AllowedRoles(Actor::kCommissioner, s.regiform, s.step),
          "close a system-level case"));
      if (!s.system_level) {
        return FailedPrecondition("closure",
                                  "the case is not a system-level deficiency");
      }
      break;
    case v1::CASE_CLOSURE_REGISTERED_IN_ERROR:
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, AllowedRoles(Actor::kCommissioner, s.regiform, s.step),
          "close a case registered in error"));
      if (s.round > 0) {
        return FailedPrecondition(
            "closure",
            "a plan was requested in this case; it can no longer be closed as "
            "registered in error");
      }
      break;
    case v1::CASE_CLOSURE_CONTRACT_TERMINATED: {
      RETURN_IF_ERROR(RequireRole(
          ctx.principal, {v1::ROLE_ADMINISTRATION_DIRECTOR, v1::ROLE_SYSTEM},
          "close a case on a contract's termination"));
      if (s.regiform != v1::REGIFORM_PRIVATE) {
        return FailedPrecondition("closure",
                                  "a municipal unit's case has no contract");
      }
      const ContractState* contract = refs.contract;
      if (contract == nullptr || !contract->exists()) {
        return NotFound("contract_id",
                        "no contract with this id is registered");
      }
      if (contract->provider_id() != s.provider_id()) {
        return FailedPrecondition(
            "contract_id",
            "the contract is with another provider than the case's");
      }
      if (contract->status != ContractState::Status::kTerminated) {
        return FailedPrecondition("contract_id",
                                  "the contract is not terminated");
      }
      break;
    }
    default:
      return InvalidArgument("closure", "is not a known closure");
  }
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseClosed* e = event.mutable_case_closed();
    e->set_case_id(s.case_id);
    e->set_closure(c.closure());
    e->set_note(c.note());
    *e->mutable_closed_on() = ToDate(ctx.today);
    e->set_contract_id(c.contract_id());
  })};
}

}  // namespace atgard::domain::internal
