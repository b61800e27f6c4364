// One unit's measurement results by year and quality area
// ("<tenant>/unitresults/<provider>/<unit>"), for the policy on low goal
// fulfilment in several areas: each measurement's result is noted here
// (by the policy on MeasurementRecorded), and when the unit's results are
// red in at least the tenant's threshold of distinct quality areas in one
// year, LowGoalFulfilmentDetected follows, once per year.
//
// The year is the one the measured period ends in, as for the rule "red
// two years running": indicators are measured over different periods (a
// yearly survey, a quarterly register), so only the follow-up year brings
// their results together.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_UNIT_RESULTS_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_UNIT_RESULTS_DECIDER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct PolicySettingsState;

struct UnitResultsState {
  // By year, then indicator: the result that stands for the indicator that
  // year (the latest measured, then the greatest measurement id).
  std::map<int, std::map<std::string, v1::UnitResultNoted>> years;
  // "<indicator>/<measurement>" of every result noted.
  std::set<std::string> noted;
  // Years already reported as low goal fulfilment.
  std::set<int> detected;

  bool exists() const { return !noted.empty(); }
};

// The aggregate's id: "<provider>/<unit>".
std::string UnitResultsId(absl::string_view provider_id,
                          absl::string_view unit_id);

void EvolveUnitResults(UnitResultsState& state, const v1::Event& event);

// Decides NoteUnitResult: SYSTEM only (PERMISSION_DENIED otherwise);
// INVALID_ARGUMENT naming indicator_id, measurement_id, year,
// quality_area, result or measured_on. A measurement already noted: no
// events. `settings` (null: never set) gives the threshold.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideUnitResults(
    const v1::Command& command, const UnitResultsState& state,
    const CommandContext& context, const PolicySettingsState* settings);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_UNIT_RESULTS_DECIDER_H_
