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
// Missing parts are put right promptly: by default within two weeks.
constexpr int kActionDueDays = 14;

const std::vector<v1::Role> kRegisterRoles = {v1::ROLE_PROVIDER,
                                              v1::ROLE_FOLLOW_UP_OFFICER};

// The checks every register command shares: who, which unit, which client.
absl::Status CheckRegisterCommand(const CommandContext& ctx,
                                  const ProviderState* provider,
                                  absl::string_view what,
                                  const std::string& provider_id,
                                  const std::string& unit_id,
                                  const std::string& client_reference) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, kRegisterRoles, what));
  RETURN_IF_ERROR(RequireOwnProvider(ctx.principal, provider_id));
  RETURN_IF_ERROR(CheckUnitOfProvider("unit_id", provider, "provider_id",
                                      provider_id, unit_id));
  // Clients are known by a pseudonymous reference only.
  return CheckReference("client_reference", client_reference);
}

absl::StatusOr<std::vector<v1::Event>> RegisterCarePlan(
    const v1::RegisterCarePlan& c, const CarePlanState& state,
    const CommandContext& ctx, const ProviderState* provider) {
  RETURN_IF_ERROR(CheckRegisterCommand(ctx, provider, "register a care plan",
                                       c.provider_id(), c.unit_id(),
                                       c.client_reference()));
  ASSIGN_OR_RETURN(
      absl::CivilDay established,
      CheckPastDate("established_on", c.established_on(), ctx.today));
  v1::Event event;
  v1::CarePlanRegistered* e = event.mutable_care_plan_registered();
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_client_reference(c.client_reference());
  *e->mutable_established_on() = c.established_on();
  *e->mutable_first_review_due() =
      ToDate(AddCalendarMonths(established, kReviewIntervalMonths));
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("client_reference",
                 state.registration ? &*state.registration : nullptr, *e,
                 "a care plan established on another day is registered for "
                 "this client at the unit"));
  if (creation == Creation::kRepeat) return std::vector<v1::Event>{};
  return std::vector<v1::Event>{event};
}

absl::StatusOr<std::vector<v1::Event>> EndCarePlan(
    const v1::EndCarePlan& c, const CarePlanState& state,
    const CommandContext& ctx, const ProviderState* provider) {
  RETURN_IF_ERROR(CheckRegisterCommand(ctx, provider, "end a care plan",
                                       c.provider_id(), c.unit_id(),
                                       c.client_reference()));
  ASSIGN_OR_RETURN(absl::CivilDay ended,
                   CheckPastDate("ended_on", c.ended_on(), ctx.today));
  if (!state.registered()) {
    return NotFound("client_reference",
                    "no care plan is registered for this client at the unit");
  }
  if (state.ending.has_value()) {
    if (DayOf(state.ending->ended_on()) == ended) {
      return std::vector<v1::Event>{};
    }
    return FailedPrecondition(
        "ended_on", absl::StrCat("the care plan already ended on ",
                                 FormatDay(DayOf(state.ending->ended_on()))));
  }
  const absl::CivilDay established =
      DayOf(state.registration->established_on());
  if (ended < established) {
    return InvalidArgument(
        "ended_on",
        absl::StrCat("must not be before the plan was established (",
                     FormatDay(established), ")"));
  }
  v1::Event event;
  v1::CarePlanEnded* e = event.mutable_care_plan_ended();
  e->set_unit_id(c.unit_id());
  e->set_client_reference(c.client_reference());
  *e->mutable_ended_on() = c.ended_on();
  return std::vector<v1::Event>{event};
}

// The register's rules for a review of a registered plan, checked after
// the repeat (they depend on what the review itself changed). Sets the
// action's due date on `e` when the review found something missing.
absl::Status CheckRegisteredReview(const v1::CarePlanReview& r,
                                   absl::CivilDay reviewed, bool complete,
                                   const CarePlanState& state,
                                   v1::CarePlanReviewRecorded& e) {
  if (r.action_check() != v1::CARE_PLAN_ACTION_CHECK_UNSPECIFIED) {
    RETURN_IF_ERROR(CheckEnum("review.action_check", r.action_check(),
                              v1::CarePlanActionCheck_IsValid));
  }
  if (!state.registered()) {
    if (r.has_action_due_on()) {
      return FailedPrecondition(
          "review.action_due_on",
          "only a registered care plan's actions have a due date; register "
          "the plan first");
    }
    if (r.action_check() != v1::CARE_PLAN_ACTION_CHECK_UNSPECIFIED) {
      return FailedPrecondition("review.action_check",
                                "no action awaits a check on this plan");
    }
    if (r.kind() != v1::CARE_PLAN_REVIEW_KIND_UNSPECIFIED) {
      RETURN_IF_ERROR(
          CheckEnum("review.kind", r.kind(), v1::CarePlanReviewKind_IsValid));
    }
    return absl::OkStatus();
  }
  if (state.ending.has_value()) {
    return FailedPrecondition(
        "review.reviewed_on",
        absl::StrCat("the care plan ended on ",
                     FormatDay(DayOf(state.ending->ended_on())),
                     " and takes no more reviews"));
  }
  const absl::CivilDay established =
      DayOf(state.registration->established_on());
  if (reviewed < established) {
    return InvalidArgument(
        "review.reviewed_on",
        absl::StrCat("must not be before the plan was established (",
                     FormatDay(established), ")"));
  }
  RETURN_IF_ERROR(
      CheckEnum("review.kind", r.kind(), v1::CarePlanReviewKind_IsValid));
  if (state.open_action.has_value() &&
      r.action_check() == v1::CARE_PLAN_ACTION_CHECK_UNSPECIFIED) {
    return InvalidArgument(
        "review.action_check",
        absl::StrCat("is required: the action set by review ",
                     state.open_action->review_id, " (due ",
                     FormatDay(state.open_action->due_on),
                     ") awaits its check"));
  }
  if (!state.open_action.has_value() &&
      r.action_check() != v1::CARE_PLAN_ACTION_CHECK_UNSPECIFIED) {
    return FailedPrecondition("review.action_check",
                              "no action awaits a check on this plan");
  }
  if (complete) {
    if (r.has_action_due_on()) {
      return InvalidArgument("review.action_due_on",
                             "only a review that finds something missing "
                             "sets an action's due date");
    }
    return absl::OkStatus();
  }
  absl::CivilDay due = reviewed + kActionDueDays;
  if (r.has_action_due_on()) {
    ASSIGN_OR_RETURN(due, CheckDate("review.action_due_on", r.action_due_on()));
    if (due < reviewed) {
      return InvalidArgument("review.action_due_on",
                             "must not be before reviewed_on");
    }
  }
  *e.mutable_action_due_on() = ToDate(due);
  return absl::OkStatus();
}

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
      state.unit_id = e.review().unit_id();
      state.client_reference = e.review().client_reference();
      const absl::CivilDay reviewed = DayOf(e.review().reviewed_on());
      if (!state.last_reviewed_on || *state.last_reviewed_on < reviewed) {
        state.last_reviewed_on = reviewed;
        state.next_due = DayOf(e.next_review_due());
      }
      if (e.review().action_check() == v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT) {
        state.open_action.reset();
      }
      if (e.has_action_due_on() && !state.open_action.has_value()) {
        state.open_action = CarePlanState::OpenAction{
            .review_id = e.review_id(), .due_on = DayOf(e.action_due_on())};
      }
      break;
    }
    case v1::Event::kCarePlanReviewOverdue:
      state.overdue_emitted = DayOf(event.care_plan_review_overdue().due_on());
      break;
    case v1::Event::kCarePlanRegistered: {
      const v1::CarePlanRegistered& e = event.care_plan_registered();
      state.registration = e;
      state.unit_id = e.unit_id();
      state.client_reference = e.client_reference();
      // A plan reviewed before it was registered keeps its reviews' date.
      if (!state.last_reviewed_on.has_value()) {
        state.next_due = DayOf(e.first_review_due());
      }
      break;
    }
    case v1::Event::kCarePlanEnded:
      state.ending = event.care_plan_ended();
      break;
    case v1::Event::kCarePlanActionOverdue:
      state.action_overdue_emitted =
          DayOf(event.care_plan_action_overdue().due_on());
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideCarePlan(
    const v1::Command& command, const CarePlanState& state,
    const CommandContext& ctx, const ProviderState* provider) {
  switch (command.command_case()) {
    case v1::Command::kRecordCarePlanReview:
      break;
    case v1::Command::kRegisterCarePlan:
      return RegisterCarePlan(command.register_care_plan(), state, ctx,
                              provider);
    case v1::Command::kEndCarePlan:
      return EndCarePlan(command.end_care_plan(), state, ctx, provider);
    default:
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
  RETURN_IF_ERROR(CheckRegisteredReview(r, reviewed, complete, state, *e));
  return Events{event};
}

std::vector<v1::Event> DueCarePlanDeadlines(const CarePlanState& state,
                                            absl::CivilDay today) {
  // An ended plan has no more deadlines.
  if (state.ending.has_value()) return {};
  std::vector<v1::Event> events;
  if (state.next_due.has_value() && today > *state.next_due &&
      state.overdue_emitted != state.next_due) {
    v1::Event event;
    v1::CarePlanReviewOverdue* e = event.mutable_care_plan_review_overdue();
    e->set_unit_id(state.unit_id);
    e->set_client_reference(state.client_reference);
    *e->mutable_due_on() = ToDate(*state.next_due);
    events.push_back(std::move(event));
  }
  if (state.open_action.has_value() && today > state.open_action->due_on &&
      state.action_overdue_emitted != state.open_action->due_on) {
    v1::Event event;
    v1::CarePlanActionOverdue* e = event.mutable_care_plan_action_overdue();
    e->set_unit_id(state.unit_id);
    e->set_client_reference(state.client_reference);
    e->set_review_id(state.open_action->review_id);
    *e->mutable_due_on() = ToDate(state.open_action->due_on);
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace atgard::domain
