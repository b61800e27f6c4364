#include "services/domain/deadline_dates.h"

#include "services/domain/dates.h"

namespace atgard::domain {

std::vector<absl::CivilDay> DeadlineDatesOf(const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kPlanRequested:
      return {DayOf(event.plan_requested().request().submit_by()),
              DayOf(event.plan_requested().request().complete_by()),
              DayOf(event.plan_requested().request().start_by())};
    case v1::Event::kPlanAssessed:
      if (event.plan_assessed().assessment().decision() ==
          v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
        return {DayOf(event.plan_assessed().assessment().new_submit_by())};
      }
      return {};
    case v1::Event::kFollowUpScheduled:
      return {DayOf(event.follow_up_scheduled().planned_on())};
    case v1::Event::kExtraMeasurementRequired:
      return {DayOf(event.extra_measurement_required().due_on())};
    case v1::Event::kCarePlanReviewRecorded: {
      const v1::CarePlanReviewRecorded& e = event.care_plan_review_recorded();
      if (e.has_action_due_on()) {
        return {DayOf(e.next_review_due()), DayOf(e.action_due_on())};
      }
      return {DayOf(e.next_review_due())};
    }
    case v1::Event::kContractRegistered:
      return {DayOf(event.contract_registered().terms().ends_on())};
    case v1::Event::kContractExtended:
      return {DayOf(event.contract_extended().ends_on())};
    case v1::Event::kCarePlanRegistered:
      return {DayOf(event.care_plan_registered().first_review_due())};
    case v1::Event::kOwnPlanStarted:
      // Its start is due like a requested round's (StartOverdue).
      return {DayOf(event.own_plan_started().start_by()),
              DayOf(event.own_plan_started().complete_by())};
    case v1::Event::kPlanSubmitted: {
      // A step-1b or step-3 plan's milestones and extra measurements.
      std::vector<absl::CivilDay> days;
      for (const v1::Milestone& m :
           event.plan_submitted().plan().milestones()) {
        days.push_back(DayOf(m.due_on()));
      }
      for (const v1::PlannedMeasurement& m :
           event.plan_submitted().plan().extra_measurements()) {
        days.push_back(DayOf(m.due_on()));
      }
      return days;
    }
    case v1::Event::kPlannedFollowUpAdded:
      return {DayOf(event.planned_follow_up_added().item().due_on())};
    default:
      return {};
  }
}

const std::vector<std::string>& DeadlineEventTypes() {
  static const auto* types = new std::vector<std::string>{
      "PlanRequested", "PlanAssessed", "FollowUpScheduled",
      "ExtraMeasurementRequired", "CarePlanReviewRecorded",
      "ContractRegistered", "ContractExtended", "PlannedFollowUpAdded",
      "CarePlanRegistered", "OwnPlanStarted", "PlanSubmitted",
      // Sets no date, but a raised count may leave a passed item undone.
      "FollowUpPlanAmended"};
  return *types;
}

}  // namespace atgard::domain
