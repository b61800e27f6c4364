// The yearly follow-up plan (årshjul) of one tenant and year: its settings,
// its planned items (obligations with due dates) and what fulfilled them.
// Stream "<tenant>/followupplan/<year>".
//
// The plan is adopted once a year from the tenant's providers and units
// (References::providers) and their past activities; providers and units
// registered later, red basic-hygiene measurements and Lex Sarah cases add
// items through SYSTEM commands that policies issue (policies.h); every
// recorded follow-up activity is matched against the open items of the
// plans of its year and the year before. Overdue items are deadline events.
//
// Pure: no storage, no clock, no logging. States are plain values, safe
// to copy; not synchronised.
#ifndef ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_DECIDER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "atgard/v1/follow_up_plan.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct ProviderState;

struct FollowUpPlanState {
  // One planned item and what has been recorded against it.
  struct Item {
    v1::PlannedFollowUp planned;
    // Activities counted towards it, by activity id.
    std::map<std::string, v1::PlannedFollowUpFulfilled> fulfilments;
    bool overdue_emitted = false;

    // Whether enough activities were counted (`required`).
    bool done() const;
    // Whether the activity that completed it came after the due date.
    bool done_late() const;
  };

  int year = 0;
  bool adopted = false;
  // With every default filled in; the latest amendment's once amended.
  v1::FollowUpPlanSettings settings;
  v1::FollowUpPlanAdopted adoption;
  std::vector<v1::FollowUpPlanAmended> amendments;
  // By obligation id.
  std::map<std::string, Item> items;
  // Activities no item matched, by activity id.
  std::map<std::string, v1::UnplannedFollowUpRecorded> unplanned;
  // Activities already matched against this plan, or recorded before it
  // was adopted, so that a repeat of the fulfilment command is recognised.
  std::set<std::string> activities_seen;
  // Providers and "<provider>/<unit>" the adoption planned for.
  std::set<std::string> subjects;

  bool exists() const { return adopted; }
  // Analysis teams (analysteam) recorded in the year so far.
  int analysis_teams() const;
};

// The plan's stream id part: the year ("2026").
std::string FollowUpPlanId(int year);

// `settings` with every absent field given its default for `year`.
v1::FollowUpPlanSettings EffectiveSettings(
    const v1::FollowUpPlanSettings& settings, int year);

void EvolveFollowUpPlan(FollowUpPlanState& state, const v1::Event& event);

// Decides AdoptFollowUpPlan, AmendFollowUpPlan, AddFollowUpPlanSubject,
// AddTriggeredFollowUp and RecordPlannedFollowUpFulfilment. `providers`
// are every provider of the tenant, by id (adoption reads them; the other
// commands ignore them). Errors:
//   PERMISSION_DENIED    a role the command does not allow (adoption:
//                        FOLLOW_UP_OFFICER, ADMINISTRATION_DIRECTOR;
//                        amendment: the same; the rest: SYSTEM);
//   INVALID_ARGUMENT     a malformed field, named (year, settings.*,
//                        decision.*, reason, kind, provider_id, unit_id,
//                        found_on, registered_on, performed_on, ...);
//   ALREADY_EXISTS       year: the year's plan is adopted with other
//                        settings or another decision;
//   NOT_FOUND            year: no plan is adopted for the year (every
//                        command but adoption).
// A repeat of a command that took effect yields no events.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideFollowUpPlan(
    const v1::Command& command, const FollowUpPlanState& state,
    const CommandContext& context,
    const std::map<std::string, ProviderState>& providers);

// PlannedFollowUpOverdue once per item not done, the day after its date.
std::vector<v1::Event> DueFollowUpPlanDeadlines(const FollowUpPlanState& state,
                                                absl::CivilDay today);

// FAILED_PRECONDITION naming `field` if recording one more analysis team
// would exceed the limit of `plan` (the plan of the activity's year; null
// if none is adopted: then there is no limit to check). The count is the
// plan's as of the last fulfilment it processed.
[[nodiscard]] absl::Status CheckAnalysisTeamLimit(
    absl::string_view field, const FollowUpPlanState* plan);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_FOLLOW_UP_PLAN_DECIDER_H_
