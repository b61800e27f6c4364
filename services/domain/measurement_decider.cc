#include "services/domain/measurement_decider.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/calendar.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/provider_decider.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;

// A red result obliges an extra measurement within six months.
constexpr int kExtraMeasurementMonths = 6;

int YearOf(const v1::Measurement& m) { return m.period_end().year(); }

// The measurement that stands for `year`: the latest one (by date
// measured, then id) whose period ends in that year, among `all` plus
// `extra`.
const v1::MeasurementRecorded* YearResult(
    const std::map<std::string, v1::MeasurementRecorded>& all,
    const v1::MeasurementRecorded* extra, int year) {
  const v1::MeasurementRecorded* best = nullptr;
  auto consider = [&](const v1::MeasurementRecorded& m) {
    if (YearOf(m.measurement()) != year) return;
    if (best == nullptr ||
        DayOf(m.measurement().measured_on()) >
            DayOf(best->measurement().measured_on()) ||
        (DayOf(m.measurement().measured_on()) ==
             DayOf(best->measurement().measured_on()) &&
         m.measurement_id() > best->measurement_id())) {
      best = &m;
    }
  };
  for (const auto& [id, m] : all) consider(m);
  if (extra != nullptr) consider(*extra);
  return best;
}

// The earliest measurement (by date measured, then id) made after `day`,
// or nullptr.
const v1::MeasurementRecorded* FirstMeasuredAfter(
    const std::map<std::string, v1::MeasurementRecorded>& all,
    absl::CivilDay day) {
  const v1::MeasurementRecorded* first = nullptr;
  for (const auto& [id, m] : all) {
    const absl::CivilDay measured = DayOf(m.measurement().measured_on());
    if (measured <= day) continue;
    if (first == nullptr ||
        measured < DayOf(first->measurement().measured_on())) {
      first = &m;
    }
  }
  return first;
}

absl::Status CheckMeasurement(const v1::Measurement& m, absl::CivilDay today,
                              const ProviderState* provider) {
  RETURN_IF_ERROR(CheckUnitOfProvider("measurement.unit_id", provider,
                                      "measurement.provider_id",
                                      m.provider_id(), m.unit_id()));
  RETURN_IF_ERROR(CheckId("measurement.indicator_id", m.indicator_id()));
  RETURN_IF_ERROR(CheckName("measurement.indicator_name", m.indicator_name()));
  RETURN_IF_ERROR(
      CheckEnum("measurement.kind", m.kind(), v1::IndicatorKind_IsValid));
  RETURN_IF_ERROR(CheckEnum("measurement.quality_area", m.quality_area(),
                            v1::QualityArea_IsValid));
  ASSIGN_OR_RETURN(absl::CivilDay start,
                   CheckDate("measurement.period_start", m.period_start()));
  ASSIGN_OR_RETURN(absl::CivilDay end,
                   CheckDate("measurement.period_end", m.period_end()));
  if (end < start) {
    return InvalidArgument("measurement.period_end",
                           "must not be before period_start");
  }
  ASSIGN_OR_RETURN(
      absl::CivilDay measured,
      CheckPastDate("measurement.measured_on", m.measured_on(), today));
  if (measured < start) {
    return InvalidArgument("measurement.measured_on",
                           "must not be before the period measured");
  }
  if (!std::isfinite(m.value())) {
    return InvalidArgument("measurement.value", "must be a finite number");
  }
  if (!std::isfinite(m.approved_level())) {
    return InvalidArgument("measurement.approved_level",
                           "must be a finite number");
  }
  return absl::OkStatus();
}

}  // namespace

std::string SeriesId(absl::string_view provider_id, absl::string_view unit_id,
                     absl::string_view indicator_id) {
  return absl::StrCat(provider_id, "/", unit_id, "/", indicator_id);
}

v1::MeasurementResult ResultOf(const v1::Measurement& m) {
  const bool meets = m.higher_is_better() ? m.value() >= m.approved_level()
                                          : m.value() <= m.approved_level();
  return meets ? v1::MEASUREMENT_RESULT_GREEN : v1::MEASUREMENT_RESULT_RED;
}

void EvolveIndicatorSeries(IndicatorSeriesState& state,
                           const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kMeasurementRecorded:
      state.measurements[event.measurement_recorded().measurement_id()] =
          event.measurement_recorded();
      break;
    case v1::Event::kExtraMeasurementRequired: {
      const v1::ExtraMeasurementRequired& e =
          event.extra_measurement_required();
      const auto it = state.measurements.find(e.measurement_id());
      state.obligation = IndicatorSeriesState::Obligation{
          .red_measurement_id = e.measurement_id(),
          .red_measured_on = it != state.measurements.end()
                                 ? DayOf(it->second.measurement().measured_on())
                                 : DayOf(e.due_on()),
          .due_on = DayOf(e.due_on()),
      };
      break;
    }
    case v1::Event::kExtraMeasurementFulfilled:
      state.obligation.reset();
      break;
    case v1::Event::kExtraMeasurementOverdue:
      if (state.obligation.has_value())
        state.obligation->overdue_emitted = true;
      break;
    case v1::Event::kIndicatorRedTwoYearsRunning: {
      const auto& years = event.indicator_red_two_years_running().years();
      if (years.size() == 2)
        state.red_years_reported.insert({years[0], years[1]});
      break;
    }
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideIndicatorSeries(
    const v1::Command& command, const IndicatorSeriesState& state,
    const CommandContext& ctx, const ProviderState* provider) {
  if (command.command_case() != v1::Command::kRecordMeasurement) {
    return absl::InvalidArgumentError("command is not a measurement command");
  }
  const v1::RecordMeasurement& c = command.record_measurement();
  RETURN_IF_ERROR(RequireRole(
      ctx.principal, {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_MEDICAL_OFFICER},
      "record a measurement"));
  RETURN_IF_ERROR(CheckId("measurement_id", c.measurement_id()));
  const v1::Measurement& m = c.measurement();
  RETURN_IF_ERROR(CheckMeasurement(m, ctx.today, provider));
  const v1::MeasurementRecorded* existing =
      FindOrNull(state.measurements, c.measurement_id());
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("measurement_id",
                 existing != nullptr ? &existing->measurement() : nullptr, m,
                 "a different measurement with this id is recorded"));
  if (creation == Creation::kRepeat) return Events{};

  Events events;
  v1::Event recorded_event;
  v1::MeasurementRecorded* recorded =
      recorded_event.mutable_measurement_recorded();
  recorded->set_measurement_id(c.measurement_id());
  *recorded->mutable_measurement() = m;
  recorded->set_result(ResultOf(m));
  events.push_back(recorded_event);
  const absl::CivilDay measured = DayOf(m.measured_on());
  const bool red = recorded->result() == v1::MEASUREMENT_RESULT_RED;

  // Any later measurement of the series is the extra measurement owed.
  if (state.obligation.has_value() &&
      measured > state.obligation->red_measured_on) {
    v1::Event event;
    v1::ExtraMeasurementFulfilled* e =
        event.mutable_extra_measurement_fulfilled();
    e->set_unit_id(m.unit_id());
    e->set_indicator_id(m.indicator_id());
    e->set_measurement_id(c.measurement_id());
    *e->mutable_due_on() = ToDate(state.obligation->due_on);
    events.push_back(event);
  }
  const bool obligation_open_after =
      state.obligation.has_value() &&
      measured <= state.obligation->red_measured_on;
  if (red && !obligation_open_after) {
    v1::Event event;
    v1::ExtraMeasurementRequired* e =
        event.mutable_extra_measurement_required();
    e->set_unit_id(m.unit_id());
    e->set_indicator_id(m.indicator_id());
    e->set_measurement_id(c.measurement_id());
    const absl::CivilDay due =
        AddCalendarMonths(measured, kExtraMeasurementMonths);
    *e->mutable_due_on() = ToDate(due);
    events.push_back(event);
    // A result recorded out of order may already be followed by a later
    // measurement of the series: that one is the extra measurement.
    if (const v1::MeasurementRecorded* next =
            FirstMeasuredAfter(state.measurements, measured)) {
      v1::Event fulfilled;
      v1::ExtraMeasurementFulfilled* f =
          fulfilled.mutable_extra_measurement_fulfilled();
      f->set_unit_id(m.unit_id());
      f->set_indicator_id(m.indicator_id());
      f->set_measurement_id(next->measurement_id());
      *f->mutable_due_on() = ToDate(due);
      events.push_back(fulfilled);
    }
  }
  if (red && m.base_requirement()) {
    v1::Event event;
    v1::BaseRequirementNotMet* e = event.mutable_base_requirement_not_met();
    e->set_provider_id(m.provider_id());
    e->set_unit_id(m.unit_id());
    e->set_indicator_id(m.indicator_id());
    e->set_indicator_name(m.indicator_name());
    e->set_measurement_id(c.measurement_id());
    e->set_quality_area(m.quality_area());
    e->set_kind(m.kind());
    *e->mutable_measured_on() = m.measured_on();
    events.push_back(event);
  }
  // Red two years in a row: each year stands by its latest measurement.
  // A measurement may arrive out of order, so look at both neighbours.
  const int year = YearOf(m);
  for (const auto& [first, second] :
       {std::pair{year - 1, year}, std::pair{year, year + 1}}) {
    if (state.red_years_reported.contains({first, second})) continue;
    const v1::MeasurementRecorded* a =
        YearResult(state.measurements, recorded, first);
    const v1::MeasurementRecorded* b =
        YearResult(state.measurements, recorded, second);
    if (a == nullptr || b == nullptr || (a != recorded && b != recorded))
      continue;
    if (a->result() != v1::MEASUREMENT_RESULT_RED ||
        b->result() != v1::MEASUREMENT_RESULT_RED) {
      continue;
    }
    v1::Event event;
    v1::IndicatorRedTwoYearsRunning* e =
        event.mutable_indicator_red_two_years_running();
    e->set_provider_id(m.provider_id());
    e->set_unit_id(m.unit_id());
    e->set_indicator_id(m.indicator_id());
    e->set_indicator_name(m.indicator_name());
    e->add_years(first);
    e->add_years(second);
    e->add_measurement_ids(a->measurement_id());
    e->add_measurement_ids(b->measurement_id());
    e->set_quality_area(m.quality_area());
    e->set_kind(m.kind());
    // When the second year's red result was measured, not when it was
    // recorded: the fact stays the same however late the import.
    *e->mutable_detected_on() = b->measurement().measured_on();
    events.push_back(event);
  }
  return events;
}

std::vector<v1::Event> DueIndicatorSeriesDeadlines(
    const IndicatorSeriesState& state, absl::CivilDay today) {
  if (!state.obligation.has_value() || state.obligation->overdue_emitted ||
      today <= state.obligation->due_on) {
    return {};
  }
  const v1::MeasurementRecorded& red =
      state.measurements.at(state.obligation->red_measurement_id);
  v1::Event event;
  v1::ExtraMeasurementOverdue* e = event.mutable_extra_measurement_overdue();
  e->set_unit_id(red.measurement().unit_id());
  e->set_indicator_id(red.measurement().indicator_id());
  *e->mutable_due_on() = ToDate(state.obligation->due_on);
  return {event};
}

}  // namespace atgard::domain
