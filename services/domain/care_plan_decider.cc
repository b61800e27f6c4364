#include "services/domain/care_plan_decider.h"

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/provider_decider.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;

// The contact person reviews each care plan at least once a month.
constexpr int kReviewIntervalMonths = 1;

}  // namespace

std::string CarePlanId(absl::string_view provider_id, absl::string_view unit_id,
                       absl::string_view client_reference) {
  return absl::StrCat(provider_id, "/", unit_id, "/", client_reference);
}

bool IsComplete(const v1::CarePlanReview& r) {
  const v1::CarePlanContents& c = r.contents();
  return c.what() && c.who() && c.how() && c.when() && c.goals() &&
         c.participation() && c.cooperation() && c.other_participants() &&
         c.established_on() && c.follow_up() &&
         r.actionable_by_unfamiliar_staff() && r.matches_assignment();
}

void EvolveCarePlan(CarePlanState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kCarePlanReviewRecorded: {
      const v1::CarePlanReviewRecorded& e = event.care_plan_review_recorded();
      state.reviews[e.review_id()] = e;
      const absl::CivilDay reviewed = DayOf(e.review().reviewed_on());
      if (!state.last_reviewed_on || *state.last_reviewed_on < reviewed) {
        state.last_reviewed_on = reviewed;
        state.next_due = DayOf(e.next_review_due());
      }
      break;
    }
    case v1::Event::kCarePlanReviewOverdue:
      state.overdue_emitted = DayOf(event.care_plan_review_overdue().due_on());
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideCarePlan(
    const v1::Command& command, const CarePlanState& state,
    const CommandContext& ctx, const ProviderState* provider) {
  if (command.command_case() != v1::Command::kRecordCarePlanReview) {
    return absl::InvalidArgumentError("command is not a care-plan command");
  }
  const v1::RecordCarePlanReview& c = command.record_care_plan_review();
  const v1::CarePlanReview& r = c.review();
  RETURN_IF_ERROR(RequireRole(ctx.principal, {v1::ROLE_PROVIDER},
                              "record a care-plan review"));
  RETURN_IF_ERROR(RequireOwnProvider(ctx.principal, r.provider_id()));
  RETURN_IF_ERROR(CheckId("review_id", c.review_id()));
  RETURN_IF_ERROR(CheckUnitOfProvider("review.unit_id", provider,
                                      "review.provider_id", r.provider_id(),
                                      r.unit_id()));
  // Clients are known by a pseudonymous reference only; the reference check
  // rejects anything that looks like a personnummer or samordningsnummer.
  RETURN_IF_ERROR(
      CheckReference("review.client_reference", r.client_reference()));
  ASSIGN_OR_RETURN(
      absl::CivilDay reviewed,
      CheckPastDate("review.reviewed_on", r.reviewed_on(), ctx.today));
  const bool complete = IsComplete(r);
  if (complete) {
    RETURN_IF_ERROR(CheckOptionalText("review.action_taken", r.action_taken()));
  } else {
    RETURN_IF_ERROR(CheckText("review.action_taken", r.action_taken()));
  }
  const v1::CarePlanReviewRecorded* existing =
      FindOrNull(state.reviews, c.review_id());
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("review_id",
                 existing != nullptr ? &existing->review() : nullptr, r,
                 "a different review with this id is recorded"));
  if (creation == Creation::kRepeat) return Events{};
  v1::Event event;
  v1::CarePlanReviewRecorded* e = event.mutable_care_plan_review_recorded();
  e->set_review_id(c.review_id());
  *e->mutable_review() = r;
  e->set_complete(complete);
  *e->mutable_next_review_due() =
      ToDate(AddCalendarMonths(reviewed, kReviewIntervalMonths));
  return Events{event};
}

std::vector<v1::Event> DueCarePlanDeadlines(const CarePlanState& state,
                                            absl::CivilDay today) {
  if (!state.next_due.has_value() || today <= *state.next_due ||
      state.overdue_emitted == state.next_due) {
    return {};
  }
  const v1::CarePlanReviewRecorded* latest = nullptr;
  for (const auto& [id, review] : state.reviews) {
    if (DayOf(review.review().reviewed_on()) == *state.last_reviewed_on) {
      latest = &review;
    }
  }
  v1::Event event;
  v1::CarePlanReviewOverdue* e = event.mutable_care_plan_review_overdue();
  e->set_unit_id(latest->review().unit_id());
  e->set_client_reference(latest->review().client_reference());
  *e->mutable_due_on() = ToDate(*state.next_due);
  return {event};
}

}  // namespace atgard::domain
