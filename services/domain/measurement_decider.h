// The measurements of one quality indicator at one unit (a series): their
// green/red results, the extra-measurement obligation a red result
// creates, and the facts automatic policies act on (red two years running,
// a base requirement not met).
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_MEASUREMENT_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_MEASUREMENT_DECIDER_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct ProviderState;

struct IndicatorSeriesState {
  // By measurement id.
  std::map<std::string, v1::MeasurementRecorded> measurements;
  // The open extra-measurement obligation, if any: created by a red result
  // and met by any later measurement of the series.
  struct Obligation {
    std::string red_measurement_id;
    absl::CivilDay red_measured_on;
    absl::CivilDay due_on;
    bool overdue_emitted = false;
  };
  std::optional<Obligation> obligation;
  // Pairs of years already reported as red two years running.
  std::set<std::pair<int, int>> red_years_reported;

  bool exists() const { return !measurements.empty(); }
};

// The series' stream id part: "<provider>/<unit>/<indicator>".
std::string SeriesId(absl::string_view provider_id, absl::string_view unit_id,
                     absl::string_view indicator_id);

// Green when the value meets the approved level in the indicator's
// direction, red otherwise.
v1::MeasurementResult ResultOf(const v1::Measurement& measurement);

void EvolveIndicatorSeries(IndicatorSeriesState& state, const v1::Event& event);

// Decides RecordMeasurement. `provider` is the measurement's provider
// (its unit must exist). Errors as in case_decider.h.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideIndicatorSeries(
    const v1::Command& command, const IndicatorSeriesState& state,
    const CommandContext& context, const ProviderState* provider);

// ExtraMeasurementOverdue once, the day after an open obligation's date.
std::vector<v1::Event> DueIndicatorSeriesDeadlines(
    const IndicatorSeriesState& state, absl::CivilDay today);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_MEASUREMENT_DECIDER_H_
