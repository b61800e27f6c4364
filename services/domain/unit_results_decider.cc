#include "services/domain/unit_results_decider.h"

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/policy_settings.h"

namespace atgard::domain {
namespace {

std::string NotedKey(const v1::UnitResultNoted& r) {
  return absl::StrCat(r.indicator_id(), "/", r.measurement_id());
}

// Whether `a` stands for its indicator rather than `b`.
bool Supersedes(const v1::UnitResultNoted& a, const v1::UnitResultNoted& b) {
  const absl::CivilDay da = DayOf(a.measured_on());
  const absl::CivilDay db = DayOf(b.measured_on());
  return da != db ? da > db : a.measurement_id() > b.measurement_id();
}

void Apply(std::map<std::string, v1::UnitResultNoted>& year,
           const v1::UnitResultNoted& r) {
  auto [it, inserted] = year.try_emplace(r.indicator_id(), r);
  if (!inserted && Supersedes(r, it->second)) it->second = r;
}

}  // namespace

std::string UnitResultsId(absl::string_view provider_id,
                          absl::string_view unit_id) {
  return absl::StrCat(provider_id, "/", unit_id);
}

void EvolveUnitResults(UnitResultsState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kUnitResultNoted: {
      const v1::UnitResultNoted& r = event.unit_result_noted();
      state.noted.insert(NotedKey(r));
      Apply(state.years[r.year()], r);
      break;
    }
    case v1::Event::kLowGoalFulfilmentDetected:
      state.detected.insert(event.low_goal_fulfilment_detected().year());
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideUnitResults(
    const v1::Command& command, const UnitResultsState& state,
    const CommandContext& ctx, const PolicySettingsState* settings) {
  if (command.command_case() != v1::Command::kNoteUnitResult) {
    return absl::InvalidArgumentError("command is not a unit-results command");
  }
  const v1::NoteUnitResult& c = command.note_unit_result();
  // Only the policy on recorded measurements notes results: a person
  // records the measurement itself.
  RETURN_IF_ERROR(
      RequireRole(ctx.principal, {v1::ROLE_SYSTEM}, "note a unit result"));
  RETURN_IF_ERROR(CheckId("indicator_id", c.indicator_id()));
  RETURN_IF_ERROR(CheckId("measurement_id", c.measurement_id()));
  if (c.year() < 1900 || c.year() > 9999) {
    return InvalidArgument("year", "must be a year from 1900 to 9999");
  }
  RETURN_IF_ERROR(
      CheckEnum("quality_area", c.quality_area(), v1::QualityArea_IsValid));
  RETURN_IF_ERROR(
      CheckEnum("result", c.result(), v1::MeasurementResult_IsValid));
  RETURN_IF_ERROR(CheckDate("measured_on", c.measured_on()).status());

  v1::Event noted_event;
  v1::UnitResultNoted* noted = noted_event.mutable_unit_result_noted();
  noted->set_provider_id(c.provider_id());
  noted->set_unit_id(c.unit_id());
  noted->set_indicator_id(c.indicator_id());
  noted->set_measurement_id(c.measurement_id());
  noted->set_year(c.year());
  noted->set_quality_area(c.quality_area());
  noted->set_result(c.result());
  *noted->mutable_measured_on() = c.measured_on();
  // A measurement is noted once; the policy may run again on its event.
  if (state.noted.contains(NotedKey(*noted))) return std::vector<v1::Event>{};
  std::vector<v1::Event> events = {noted_event};
  if (state.detected.contains(c.year())) return events;

  std::map<std::string, v1::UnitResultNoted> year;
  if (auto it = state.years.find(c.year()); it != state.years.end()) {
    year = it->second;
  }
  Apply(year, *noted);
  // Each red area once, with the first red measurement by indicator id.
  std::map<v1::QualityArea, std::string> red;
  for (const auto& [indicator, r] : year) {
    if (r.result() == v1::MEASUREMENT_RESULT_RED) {
      red.try_emplace(r.quality_area(), r.measurement_id());
    }
  }
  const int threshold = EffectiveSettings(settings).red_areas_threshold();
  if (static_cast<int>(red.size()) < threshold) return events;
  v1::Event event;
  v1::LowGoalFulfilmentDetected* e =
      event.mutable_low_goal_fulfilment_detected();
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_year(c.year());
  for (const auto& [area, measurement_id] : red) {
    e->add_red_areas(area);
    e->add_measurement_ids(measurement_id);
  }
  e->set_threshold(threshold);
  *e->mutable_detected_on() = c.measured_on();
  events.push_back(event);
  return events;
}

}  // namespace atgard::domain
