#include "services/api/views.h"

#include "services/domain/dates.h"

namespace atgard::api {
namespace {

v1::CaseStatus StatusOf(domain::CaseStatus status) {
  switch (status) {
    case domain::CaseStatus::kOpen:
      return v1::CASE_STATUS_OPEN;
    case domain::CaseStatus::kPlanRequested:
      return v1::CASE_STATUS_PLAN_REQUESTED;
    case domain::CaseStatus::kPlanSubmitted:
      return v1::CASE_STATUS_PLAN_SUBMITTED;
    case domain::CaseStatus::kRevisionRequested:
      return v1::CASE_STATUS_REVISION_REQUESTED;
    case domain::CaseStatus::kImplementing:
      return v1::CASE_STATUS_IMPLEMENTING;
    case domain::CaseStatus::kImplemented:
      return v1::CASE_STATUS_IMPLEMENTED;
    case domain::CaseStatus::kAwaitingConsequence:
      return v1::CASE_STATUS_AWAITING_CONSEQUENCE;
    case domain::CaseStatus::kClosed:
      return v1::CASE_STATUS_CLOSED;
    case domain::CaseStatus::kNone:
      break;
  }
  return v1::CASE_STATUS_UNSPECIFIED;
}

}  // namespace

v1::CaseView CaseViewOf(const domain::CaseState& s, uint64_t version) {
  v1::CaseView view;
  view.set_case_id(s.case_id);
  view.set_version(version);
  view.set_status(StatusOf(s.status));
  view.set_step(s.step);
  view.set_regiform(s.regiform);
  view.set_system_level(s.system_level);
  *view.mutable_registration() = s.registration;
  view.set_failure(s.failure);
  view.set_failures(s.failures);
  view.set_escalation_proposed(s.escalation_proposed);
  view.set_round(s.round);
  if (s.round > 0) {
    *view.mutable_request() = s.request;
    *view.mutable_submit_due() = domain::ToDate(s.submit_due);
  }
  if (s.revision >= 0) *view.mutable_plan() = s.plan;
  if (s.assessment.has_value()) *view.mutable_assessment() = *s.assessment;
  for (const auto& [number, action] : s.actions) {
    v1::ActionView* a = view.add_actions();
    *a->mutable_planned() = action.planned;
    a->set_light(action.light);
    a->set_note(action.note);
    a->set_completed(action.completed);
    a->set_withdrawn(action.withdrawn);
  }
  for (const auto& [number, milestone] : s.milestones) {
    *view.add_milestones() = milestone;
  }
  for (const auto& [number, measurement] : s.planned_measurements) {
    *view.add_planned_measurements() = measurement;
  }
  if (s.implementation.has_value())
    *view.mutable_implementation() = *s.implementation;
  if (s.follow_up_scheduled.has_value()) {
    *view.mutable_follow_up_scheduled() = *s.follow_up_scheduled;
  }
  if (s.follow_up.has_value()) *view.mutable_follow_up() = *s.follow_up;
  if (s.last_escalation.has_value()) {
    *view.mutable_last_escalation() = *s.last_escalation;
  }
  if (s.consequence.has_value()) *view.mutable_consequence() = *s.consequence;
  if (s.closed.has_value()) *view.mutable_closed() = *s.closed;
  if (s.plan_limit.has_value())
    *view.mutable_plan_limit() = domain::ToDate(*s.plan_limit);
  return view;
}

v1::ProviderView ProviderViewOf(const domain::ProviderState& s,
                                uint64_t version) {
  v1::ProviderView view;
  view.set_version(version);
  *view.mutable_provider() = s.registration;
  for (const auto& [id, unit] : s.units) *view.add_units() = unit;
  for (const auto& [id, activity] : s.activities)
    *view.add_activities() = activity;
  for (const auto& [id, example] : s.examples) {
    *view.add_positive_examples() = example;
  }
  if (s.last_in_depth_follow_up.has_value()) {
    *view.mutable_last_in_depth_follow_up() =
        domain::ToDate(*s.last_in_depth_follow_up);
  }
  return view;
}

v1::ContractView ContractViewOf(const domain::ContractState& s,
                                uint64_t version) {
  v1::ContractView view;
  view.set_contract_id(s.contract_id);
  view.set_version(version);
  switch (s.status) {
    case domain::ContractState::Status::kActive:
      view.set_status(v1::CONTRACT_STATUS_ACTIVE);
      break;
    case domain::ContractState::Status::kTerminated:
      view.set_status(v1::CONTRACT_STATUS_TERMINATED);
      break;
    case domain::ContractState::Status::kExpired:
      view.set_status(v1::CONTRACT_STATUS_EXPIRED);
      break;
    case domain::ContractState::Status::kNone:
      break;
  }
  *view.mutable_terms() = s.terms;
  if (s.exists()) *view.mutable_ends_on() = domain::ToDate(s.ends_on);
  for (const v1::ContractExtended& e : s.extensions) *view.add_extensions() = e;
  if (s.not_extended.has_value())
    *view.mutable_not_extended() = *s.not_extended;
  for (const auto& [id, sanction] : s.sanctions)
    *view.add_sanctions() = sanction;
  for (const auto& [id, decisions] : s.case_decisions) {
    if (decisions.no_sanction.has_value())
      *view.add_no_sanctions() = *decisions.no_sanction;
  }
  if (s.termination.has_value()) *view.mutable_termination() = *s.termination;
  if (s.expiry.has_value()) *view.mutable_expiry() = *s.expiry;
  return view;
}

}  // namespace atgard::api
