// Matching a recorded follow-up activity against a plan's open items.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/follow_up_plan_internal.h"
#include "services/domain/validation.h"

namespace atgard::domain::internal {
namespace {

using Events = std::vector<v1::Event>;
using Kind = v1::PlannedFollowUpKind;

// The plan kind an activity kind fulfils; UNSPECIFIED for none.
Kind PlannedKindOf(v1::ActivityKind kind) {
  switch (kind) {
    case v1::ACTIVITY_KIND_OBSERVATION_VISIT:
      return v1::PLANNED_FOLLOW_UP_KIND_OBSERVATION_VISITS;
    case v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP:
      return v1::PLANNED_FOLLOW_UP_KIND_IN_DEPTH_FOLLOW_UP;
    case v1::ACTIVITY_KIND_RECORD_REVIEW:
      return v1::PLANNED_FOLLOW_UP_KIND_RECORD_REVIEW;
    case v1::ACTIVITY_KIND_RECONCILIATION_MEETING:
      return v1::PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING;
    case v1::ACTIVITY_KIND_MEDICATION_REVIEW:
      return v1::PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW;
    case v1::ACTIVITY_KIND_HYGIENE_ROUND:
      return v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND;
    case v1::ACTIVITY_KIND_LEX_SARAH_FOLLOW_UP:
      return v1::PLANNED_FOLLOW_UP_KIND_LEX_SARAH_FOLLOW_UP;
    case v1::ACTIVITY_KIND_FINANCIAL_STATUS_CHECK:
      return v1::PLANNED_FOLLOW_UP_KIND_FINANCIAL_STATUS_CHECK;
    case v1::ACTIVITY_KIND_BASE_REQUIREMENT_FOLLOW_UP:
      return v1::PLANNED_FOLLOW_UP_KIND_BASE_REQUIREMENT_FOLLOW_UP;
    default:
      return v1::PLANNED_FOLLOW_UP_KIND_UNSPECIFIED;
  }
}

// Whether `item` is at the activity's provider and units. Items across the
// municipality match any activity; a unit's item an activity at that unit
// or at the provider as a whole.
bool InScope(const v1::PlannedFollowUp& item,
             const v1::RecordPlannedFollowUpFulfilment& c) {
  if (item.provider_id().empty()) return true;
  if (item.provider_id() != c.provider_id()) return false;
  if (item.unit_id().empty() || c.unit_ids().empty()) return true;
  return std::find(c.unit_ids().begin(), c.unit_ids().end(), item.unit_id()) !=
         c.unit_ids().end();
}

}  // namespace

absl::StatusOr<Events> Fulfil(const v1::RecordPlannedFollowUpFulfilment& c,
                              const FollowUpPlanState& state,
                              const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {v1::ROLE_SYSTEM},
                              "record a planned follow-up's fulfilment"));
  RETURN_IF_ERROR(CheckYear("year", c.year()));
  RETURN_IF_ERROR(CheckPlanExists(state));
  RETURN_IF_ERROR(CheckId("activity_id", c.activity_id()));
  RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
  for (int i = 0; i < c.unit_ids_size(); ++i) {
    RETURN_IF_ERROR(CheckId(absl::StrCat("unit_ids[", i, "]"), c.unit_ids(i)));
  }
  RETURN_IF_ERROR(CheckEnum("kind", c.kind(), v1::ActivityKind_IsValid));
  ASSIGN_OR_RETURN(absl::CivilDay performed,
                   CheckDate("performed_on", c.performed_on()));
  if (state.activities_seen.contains(c.activity_id())) return Events{};

  const Kind kind = PlannedKindOf(c.kind());
  Events out;
  // Items across the municipality take one activity at a time, the
  // earliest due first (the August interim before the year end).
  bool municipality_item_taken = false;
  std::vector<const FollowUpPlanState::Item*> open;
  for (const auto& [id, item] : state.items) {
    if (item.planned.kind() == kind && !item.done() &&
        InScope(item.planned, c)) {
      open.push_back(&item);
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const auto* a, const auto* b) {
    return DayOf(a->planned.due_on()) < DayOf(b->planned.due_on());
  });
  for (const FollowUpPlanState::Item* item : open) {
    if (item->planned.provider_id().empty()) {
      if (municipality_item_taken) continue;
      municipality_item_taken = true;
    }
    v1::Event event;
    v1::PlannedFollowUpFulfilled* e =
        event.mutable_planned_follow_up_fulfilled();
    e->set_year(state.year);
    e->set_obligation_id(item->planned.obligation_id());
    e->set_activity_id(c.activity_id());
    *e->mutable_performed_on() = c.performed_on();
    *e->mutable_due_on() = item->planned.due_on();
    e->set_late(IsOverdue(DayOf(item->planned.due_on()), performed));
    e->set_count(static_cast<int>(item->fulfilments.size()) + 1);
    out.push_back(std::move(event));
  }
  // Outside the plan: recorded in the plan of the activity's own year only
  // (the activity is offered to the year before as well, for items due
  // after their year ended).
  if (out.empty() && performed.year() == state.year) {
    v1::Event event;
    v1::UnplannedFollowUpRecorded* e =
        event.mutable_unplanned_follow_up_recorded();
    e->set_year(state.year);
    e->set_activity_id(c.activity_id());
    e->set_provider_id(c.provider_id());
    *e->mutable_unit_ids() = c.unit_ids();
    e->set_kind(c.kind());
    *e->mutable_performed_on() = c.performed_on();
    out.push_back(std::move(event));
  }
  return out;
}

}  // namespace atgard::domain::internal
