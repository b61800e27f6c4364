#include "services/domain/follow_up_plan_decider.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/follow_up_plan_internal.h"
#include "services/domain/provider_decider.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;
using Kind = v1::PlannedFollowUpKind;
using internal::CheckPlanExists;
using internal::CheckSettings;
using internal::CheckYear;

absl::Status CheckInPlanYear(absl::string_view field, absl::CivilDay day,
                             int year) {
  if (day.year() != year) {
    return InvalidArgument(field, absl::StrCat("is not in ", year));
  }
  return absl::OkStatus();
}

v1::Event Added(int year, Kind kind, std::string obligation_id,
                const std::string& provider_id, const std::string& unit_id,
                absl::CivilDay due_on, int required = 1,
                const std::string& triggered_by = "") {
  v1::Event event;
  v1::PlannedFollowUpAdded* e = event.mutable_planned_follow_up_added();
  e->set_year(year);
  v1::PlannedFollowUp* item = e->mutable_item();
  item->set_obligation_id(std::move(obligation_id));
  item->set_kind(kind);
  item->set_provider_id(provider_id);
  item->set_unit_id(unit_id);
  *item->mutable_due_on() = ToDate(due_on);
  item->set_required(required);
  item->set_triggered_by(triggered_by);
  return event;
}

// Whether the last activity of `kind` at `unit_id` of `provider` (empty:
// at the provider as a whole) is `interval` or more years before `year`,
// or missing.
bool DueByInterval(const ProviderState& provider, v1::ActivityKind kind,
                   const std::string& unit_id, int year, int interval) {
  std::optional<absl::CivilDay> last;
  for (const auto& [id, activity] : provider.activities) {
    if (activity.kind() != kind) continue;
    const bool here =
        unit_id.empty() || activity.unit_ids().empty() ||
        std::find(activity.unit_ids().begin(), activity.unit_ids().end(),
                  unit_id) != activity.unit_ids().end();
    if (!here) continue;
    const absl::CivilDay day = DayOf(activity.performed_on());
    if (!last || *last < day) last = day;
  }
  return !last.has_value() || year - last->year() >= interval;
}

// The items of a unit: a reconciliation meeting every year, a medication
// review when the last is too long ago.
void AddUnitItems(const FollowUpPlanState& state, const ProviderState* provider,
                  const std::string& provider_id, const std::string& unit_id,
                  Events& out) {
  const v1::FollowUpPlanSettings& s = state.settings;
  const absl::CivilDay yearly = DayOf(s.yearly_due_on());
  out.push_back(
      Added(state.year, v1::PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING,
            absl::StrCat("reconciliation/", provider_id, "/", unit_id),
            provider_id, unit_id, yearly));
  if (provider == nullptr ||
      DueByInterval(*provider, v1::ACTIVITY_KIND_MEDICATION_REVIEW, unit_id,
                    state.year, s.medication_review_interval_years())) {
    out.push_back(
        Added(state.year, v1::PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW,
              absl::StrCat("medication-review/", provider_id, "/", unit_id),
              provider_id, unit_id, yearly));
  }
}

// The items of a private provider: the in-depth follow-up when the last is
// too long ago, and the financial status and permit check at start (when
// registered in the year) or yearly for a small provider.
void AddProviderItems(const FollowUpPlanState& state,
                      const ProviderState* provider,
                      const std::string& provider_id, v1::Regiform regiform,
                      bool small, const v1::Date& registered_on, Events& out) {
  if (regiform != v1::REGIFORM_PRIVATE) return;
  const v1::FollowUpPlanSettings& s = state.settings;
  const absl::CivilDay yearly = DayOf(s.yearly_due_on());
  if (provider == nullptr ||
      DueByInterval(*provider, v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP, "",
                    state.year, s.in_depth_interval_years())) {
    out.push_back(
        Added(state.year, v1::PLANNED_FOLLOW_UP_KIND_IN_DEPTH_FOLLOW_UP,
              absl::StrCat("in-depth/", provider_id), provider_id, "", yearly));
  }
  const bool new_this_year =
      !IsUnset(registered_on) && registered_on.year() == state.year;
  if (new_this_year) {
    out.push_back(
        Added(state.year, v1::PLANNED_FOLLOW_UP_KIND_FINANCIAL_STATUS_CHECK,
              absl::StrCat("financial-status/", provider_id), provider_id, "",
              AddCalendarMonths(DayOf(registered_on),
                                s.financial_check_within_months())));
  } else if (small) {
    out.push_back(Added(state.year,
                        v1::PLANNED_FOLLOW_UP_KIND_FINANCIAL_STATUS_CHECK,
                        absl::StrCat("financial-status/", provider_id),
                        provider_id, "", yearly));
  }
}

// Drops the items the plan already has (a subject added twice).
Events Unplanned(const FollowUpPlanState& state, Events events) {
  std::erase_if(events, [&](const v1::Event& e) {
    return state.items.contains(
        e.planned_follow_up_added().item().obligation_id());
  });
  return events;
}

absl::StatusOr<Events> Adopt(const v1::AdoptFollowUpPlan& c,
                             const FollowUpPlanState& state,
                             const CommandContext& ctx,
                             const std::map<std::string, ProviderState>& all) {
  RETURN_IF_ERROR(RequireRole(
      ctx.principal,
      {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_ADMINISTRATION_DIRECTOR},
      "adopt a follow-up plan"));
  RETURN_IF_ERROR(CheckYear("year", c.year()));
  RETURN_IF_ERROR(CheckSettings(c.settings(), c.year()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  const v1::FollowUpPlanSettings settings =
      EffectiveSettings(c.settings(), c.year());
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("year", state.exists(),
                 state.exists() &&
                     SameContent(state.adoption.settings(), settings) &&
                     SameContent(state.adoption.decision(), c.decision()),
                 "the year's follow-up plan is adopted; amend it instead"));
  if (creation == Creation::kRepeat) return Events{};

  Events out(1);
  v1::FollowUpPlanAdopted* e = out[0].mutable_follow_up_plan_adopted();
  e->set_year(c.year());
  *e->mutable_settings() = settings;
  *e->mutable_decision() = c.decision();
  *e->mutable_adopted_on() = ToDate(ctx.today);

  // The items, computed against the state the adoption creates.
  FollowUpPlanState adopted;
  EvolveFollowUpPlan(adopted, out[0]);
  const absl::CivilDay yearly = DayOf(settings.yearly_due_on());
  if (settings.observation_visits_per_year() > 0) {
    out.push_back(Added(c.year(), v1::PLANNED_FOLLOW_UP_KIND_OBSERVATION_VISITS,
                        "observation-visits", "", "", yearly,
                        settings.observation_visits_per_year()));
  }
  out.push_back(Added(c.year(), v1::PLANNED_FOLLOW_UP_KIND_RECORD_REVIEW,
                      "record-review", "", "", yearly));
  out.push_back(Added(
      c.year(), v1::PLANNED_FOLLOW_UP_KIND_BASE_REQUIREMENT_FOLLOW_UP,
      "base-requirements/interim", "", "", DayOf(settings.interim_due_on())));
  out.push_back(Added(c.year(),
                      v1::PLANNED_FOLLOW_UP_KIND_BASE_REQUIREMENT_FOLLOW_UP,
                      "base-requirements/year-end", "", "", yearly));
  // Collected apart: `out` grows below.
  std::vector<std::string> subjects;
  std::vector<std::string> activity_ids;
  for (const auto& [provider_id, provider] : all) {
    if (!provider.exists) continue;
    const v1::ProviderRegistered& r = provider.registration;
    // A provider registered after the plan's year is not in it.
    if (!IsUnset(r.registered_on()) && r.registered_on().year() > c.year()) {
      continue;
    }
    subjects.push_back(provider_id);
    for (const auto& [activity_id, activity] : provider.activities) {
      const int year = activity.performed_on().year();
      if (year == c.year() || year == c.year() - 1) {
        activity_ids.push_back(activity_id);
      }
    }
    AddProviderItems(adopted, &provider, provider_id, r.regiform(), r.small(),
                     r.registered_on(), out);
    for (const auto& [unit_id, unit] : provider.units) {
      if (!IsUnset(unit.registered_on()) &&
          unit.registered_on().year() > c.year()) {
        continue;
      }
      subjects.push_back(absl::StrCat(provider_id, "/", unit_id));
      AddUnitItems(adopted, &provider, provider_id, unit_id, out);
    }
  }
  v1::FollowUpPlanAdopted* adoption = out[0].mutable_follow_up_plan_adopted();
  for (std::string& id : subjects) adoption->add_subjects(std::move(id));
  for (std::string& id : activity_ids) {
    adoption->add_activity_ids(std::move(id));
  }
  return out;
}

absl::StatusOr<Events> Amend(const v1::AmendFollowUpPlan& c,
                             const FollowUpPlanState& state,
                             const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(
      ctx.principal,
      {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_ADMINISTRATION_DIRECTOR},
      "amend a follow-up plan"));
  RETURN_IF_ERROR(CheckYear("year", c.year()));
  RETURN_IF_ERROR(CheckPlanExists(state));
  RETURN_IF_ERROR(CheckSettings(c.settings(), c.year()));
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  v1::Event event;
  v1::FollowUpPlanAmended* e = event.mutable_follow_up_plan_amended();
  e->set_year(c.year());
  *e->mutable_settings() = EffectiveSettings(c.settings(), c.year());
  e->set_reason(c.reason());
  *e->mutable_decision() = c.decision();
  // A retried amendment (same decision, settings and reason) is a repeat.
  for (const v1::FollowUpPlanAmended& earlier : state.amendments) {
    v1::FollowUpPlanAmended same = *e;
    *same.mutable_amended_on() = earlier.amended_on();
    if (SameContent(earlier, same)) return Events{};
  }
  *e->mutable_amended_on() = ToDate(ctx.today);
  return Events{event};
}

absl::StatusOr<Events> AddSubject(const v1::AddFollowUpPlanSubject& c,
                                  const FollowUpPlanState& state,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {v1::ROLE_SYSTEM},
                              "add a subject to a follow-up plan"));
  RETURN_IF_ERROR(CheckYear("year", c.year()));
  RETURN_IF_ERROR(CheckPlanExists(state));
  RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
  if (!c.unit_id().empty()) RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
  ASSIGN_OR_RETURN(absl::CivilDay registered,
                   CheckDate("registered_on", c.registered_on()));
  RETURN_IF_ERROR(CheckInPlanYear("registered_on", registered, c.year()));
  // Registered before the adoption, which planned for it already.
  if (state.subjects.contains(
          c.unit_id().empty()
              ? c.provider_id()
              : absl::StrCat(c.provider_id(), "/", c.unit_id()))) {
    return Events{};
  }
  Events out;
  if (c.unit_id().empty()) {
    RETURN_IF_ERROR(CheckEnum("regiform", c.regiform(), v1::Regiform_IsValid));
    // New: no past activities to consult.
    AddProviderItems(state, nullptr, c.provider_id(), c.regiform(), c.small(),
                     c.registered_on(), out);
  } else {
    AddUnitItems(state, nullptr, c.provider_id(), c.unit_id(), out);
  }
  for (v1::Event& e : out) {
    e.mutable_planned_follow_up_added()->mutable_item()->set_triggered_by(
        c.triggered_by());
  }
  return Unplanned(state, std::move(out));
}

absl::StatusOr<Events> AddTriggered(const v1::AddTriggeredFollowUp& c,
                                    const FollowUpPlanState& state,
                                    const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {v1::ROLE_SYSTEM},
                              "add a triggered follow-up to a plan"));
  RETURN_IF_ERROR(CheckYear("year", c.year()));
  RETURN_IF_ERROR(CheckPlanExists(state));
  int months = 0;
  absl::string_view prefix;
  switch (c.kind()) {
    case v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND:
      months = state.settings.hygiene_round_within_months();
      prefix = "hygiene-round/";
      break;
    case v1::PLANNED_FOLLOW_UP_KIND_LEX_SARAH_FOLLOW_UP:
      months = state.settings.lex_sarah_follow_up_within_months();
      prefix = "lex-sarah/";
      break;
    default:
      return InvalidArgument(
          "kind", "must be a hygiene round or a Lex Sarah follow-up");
  }
  RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
  if (!c.unit_id().empty()) RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
  if (c.kind() == v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND &&
      c.unit_id().empty()) {
    return InvalidArgument("unit_id", "a hygiene round is at a unit");
  }
  ASSIGN_OR_RETURN(absl::CivilDay found, CheckDate("found_on", c.found_on()));
  RETURN_IF_ERROR(CheckInPlanYear("found_on", found, c.year()));
  // A finding from before the adoption day was refused when it was made
  // (no plan yet) and stays without an item.
  if (found < DayOf(state.adoption.adopted_on())) return Events{};
  if (c.triggered_by().empty()) {
    return InvalidArgument("triggered_by", "is required");
  }
  return Unplanned(
      state, {Added(c.year(), c.kind(), absl::StrCat(prefix, c.triggered_by()),
                    c.provider_id(), c.unit_id(),
                    AddCalendarMonths(found, months), 1, c.triggered_by())});
}

}  // namespace

namespace internal {

constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

absl::Status CheckYear(absl::string_view field, int year) {
  if (year < kMinYear || year > kMaxYear) {
    return InvalidArgument(field, absl::StrCat("must be a year from ", kMinYear,
                                               " to ", kMaxYear));
  }
  return absl::OkStatus();
}

absl::Status CheckPlanExists(const FollowUpPlanState& state) {
  if (!state.exists()) {
    return NotFound("year", "no follow-up plan is adopted for this year");
  }
  return absl::OkStatus();
}

}  // namespace internal

bool FollowUpPlanState::Item::done() const {
  return static_cast<int>(fulfilments.size()) >=
         std::max(planned.required(), 1);
}

bool FollowUpPlanState::Item::done_late() const {
  for (const auto& [id, f] : fulfilments) {
    if (f.count() == std::max(planned.required(), 1)) return f.late();
  }
  return false;
}

int FollowUpPlanState::analysis_teams() const {
  int count = 0;
  for (const auto& [id, u] : unplanned) {
    if (u.kind() == v1::ACTIVITY_KIND_ANALYSIS_TEAM) ++count;
  }
  return count;
}

std::string FollowUpPlanId(int year) { return absl::StrCat(year); }

void EvolveFollowUpPlan(FollowUpPlanState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kFollowUpPlanAdopted:
      state.adopted = true;
      state.year = event.follow_up_plan_adopted().year();
      state.adoption = event.follow_up_plan_adopted();
      state.settings = state.adoption.settings();
      state.subjects.insert(state.adoption.subjects().begin(),
                            state.adoption.subjects().end());
      state.activities_seen.insert(state.adoption.activity_ids().begin(),
                                   state.adoption.activity_ids().end());
      break;
    case v1::Event::kFollowUpPlanAmended: {
      const v1::FollowUpPlanAmended& e = event.follow_up_plan_amended();
      state.amendments.push_back(e);
      state.settings = e.settings();
      // The observation-visit count is the one item an amendment changes.
      auto it = state.items.find("observation-visits");
      if (it != state.items.end()) {
        it->second.planned.set_required(
            e.settings().observation_visits_per_year());
      }
      break;
    }
    case v1::Event::kPlannedFollowUpAdded: {
      const v1::PlannedFollowUp& item = event.planned_follow_up_added().item();
      state.items[item.obligation_id()].planned = item;
      break;
    }
    case v1::Event::kPlannedFollowUpFulfilled: {
      const v1::PlannedFollowUpFulfilled& e =
          event.planned_follow_up_fulfilled();
      state.items[e.obligation_id()].fulfilments[e.activity_id()] = e;
      state.activities_seen.insert(e.activity_id());
      break;
    }
    case v1::Event::kPlannedFollowUpOverdue:
      state.items[event.planned_follow_up_overdue().obligation_id()]
          .overdue_emitted = true;
      break;
    case v1::Event::kUnplannedFollowUpRecorded: {
      const v1::UnplannedFollowUpRecorded& e =
          event.unplanned_follow_up_recorded();
      state.unplanned[e.activity_id()] = e;
      state.activities_seen.insert(e.activity_id());
      break;
    }
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideFollowUpPlan(
    const v1::Command& command, const FollowUpPlanState& state,
    const CommandContext& ctx,
    const std::map<std::string, ProviderState>& providers) {
  switch (command.command_case()) {
    case v1::Command::kAdoptFollowUpPlan:
      return Adopt(command.adopt_follow_up_plan(), state, ctx, providers);
    case v1::Command::kAmendFollowUpPlan:
      return Amend(command.amend_follow_up_plan(), state, ctx);
    case v1::Command::kAddFollowUpPlanSubject:
      return AddSubject(command.add_follow_up_plan_subject(), state, ctx);
    case v1::Command::kAddTriggeredFollowUp:
      return AddTriggered(command.add_triggered_follow_up(), state, ctx);
    case v1::Command::kRecordPlannedFollowUpFulfilment:
      return internal::Fulfil(command.record_planned_follow_up_fulfilment(),
                              state, ctx);
    default:
      return absl::InvalidArgumentError(
          "command is not a follow-up plan command");
  }
}

std::vector<v1::Event> DueFollowUpPlanDeadlines(const FollowUpPlanState& state,
                                                absl::CivilDay today) {
  std::vector<v1::Event> out;
  for (const auto& [id, item] : state.items) {
    if (item.planned.obligation_id().empty() || item.done() ||
        item.overdue_emitted ||
        !IsOverdue(DayOf(item.planned.due_on()), today)) {
      continue;
    }
    v1::Event event;
    v1::PlannedFollowUpOverdue* e = event.mutable_planned_follow_up_overdue();
    e->set_year(state.year);
    e->set_obligation_id(id);
    e->set_kind(item.planned.kind());
    e->set_provider_id(item.planned.provider_id());
    e->set_unit_id(item.planned.unit_id());
    *e->mutable_due_on() = item.planned.due_on();
    out.push_back(std::move(event));
  }
  return out;
}

absl::Status CheckAnalysisTeamLimit(absl::string_view field,
                                    const FollowUpPlanState* plan) {
  if (plan == nullptr || !plan->exists()) return absl::OkStatus();
  const int max = plan->settings.analysis_teams_max();
  if (plan->analysis_teams() < max) return absl::OkStatus();
  return FailedPrecondition(
      field,
      absl::StrCat("the ", plan->year, " follow-up plan allows at most ", max,
                   " analysis teams a year and ", plan->analysis_teams(),
                   " are recorded; amend the plan to allow more"));
}

}  // namespace atgard::domain