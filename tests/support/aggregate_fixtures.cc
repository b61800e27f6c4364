#include "tests/support/aggregate_fixtures.h"

#include "services/domain/dates.h"
#include "services/domain/decider.h"
#include "services/domain/streams.h"

namespace atgard::testing {

std::vector<std::string> PersonalIdentityNumbers() {
  return {kPersonnummer,      kPersonnummerCompact, kPersonnummerPlus,
          kPersonnummerSpace, kPersonnummerTwelve,  kPersonnummerTwelveCompact,
          kSamordningsnummer};
}

void OpenCase(World& world, absl::string_view case_id,
              absl::string_view provider_id, absl::string_view unit_id,
              absl::CivilDay day) {
  world.MustRun(FollowUpOfficer(), day,
                RegisterCase(case_id, provider_id, unit_id, day - 7));
}

void FailedCase(World& world, absl::string_view case_id,
                absl::string_view provider_id, absl::string_view unit_id,
                bool municipal, absl::CivilDay start) {
  const domain::Principal commissioner =
      municipal ? CareDirector() : FollowUpOfficer();
  OpenCase(world, case_id, provider_id, unit_id, start);
  const v1::PlanRequest request = Request(start + 1);
  world.MustRun(commissioner, start + 1, RequestPlan(case_id, request));
  world.MustRun(
      ProviderStaff(provider_id), start + 2,
      SubmitPlan(case_id, Plan(domain::DayOf(request.complete_by()))));
  world.MustRun(commissioner, start + 3, AssessPlan(case_id, Rejection()));
}

std::string ProviderStream(absl::string_view provider_id) {
  return domain::StreamId(kTenant, {.kind = domain::AggregateKind::kProvider,
                                    .id = std::string(provider_id)});
}

std::string ContractStream(absl::string_view contract_id) {
  return domain::StreamId(kTenant, {.kind = domain::AggregateKind::kContract,
                                    .id = std::string(contract_id)});
}

std::string SeriesStream(absl::string_view provider_id,
                         absl::string_view unit_id,
                         absl::string_view indicator_id) {
  return domain::StreamId(
      kTenant, {.kind = domain::AggregateKind::kIndicatorSeries,
                .id = domain::SeriesId(provider_id, unit_id, indicator_id)});
}

v1::Event MeasurementRecordedEvent(const v1::Command& record_measurement,
                                   v1::MeasurementResult result) {
  v1::Event event;
  v1::MeasurementRecorded* e = event.mutable_measurement_recorded();
  e->set_measurement_id(
      record_measurement.record_measurement().measurement_id());
  *e->mutable_measurement() =
      record_measurement.record_measurement().measurement();
  e->set_result(result);
  return event;
}

v1::Event ExtraMeasurementRequiredEvent(absl::string_view unit_id,
                                        absl::string_view indicator_id,
                                        absl::string_view measurement_id,
                                        absl::CivilDay due_on) {
  v1::Event event;
  v1::ExtraMeasurementRequired* e = event.mutable_extra_measurement_required();
  e->set_unit_id(std::string(unit_id));
  e->set_indicator_id(std::string(indicator_id));
  e->set_measurement_id(std::string(measurement_id));
  *e->mutable_due_on() = D(due_on);
  return event;
}

v1::Event ExtraMeasurementFulfilledEvent(absl::string_view unit_id,
                                         absl::string_view indicator_id,
                                         absl::string_view measurement_id,
                                         absl::CivilDay due_on) {
  v1::Event event;
  v1::ExtraMeasurementFulfilled* e =
      event.mutable_extra_measurement_fulfilled();
  e->set_unit_id(std::string(unit_id));
  e->set_indicator_id(std::string(indicator_id));
  e->set_measurement_id(std::string(measurement_id));
  *e->mutable_due_on() = D(due_on);
  return event;
}

v1::Event ExtraMeasurementOverdueEvent(absl::string_view unit_id,
                                       absl::string_view indicator_id,
                                       absl::CivilDay due_on) {
  v1::Event event;
  v1::ExtraMeasurementOverdue* e = event.mutable_extra_measurement_overdue();
  e->set_unit_id(std::string(unit_id));
  e->set_indicator_id(std::string(indicator_id));
  *e->mutable_due_on() = D(due_on);
  return event;
}

std::vector<v1::Event> OfType(const std::vector<v1::Event>& events,
                              absl::string_view type) {
  std::vector<v1::Event> out;
  for (const v1::Event& e : events) {
    if (domain::EventType(e) == type) out.push_back(e);
  }
  return out;
}

std::vector<std::string> Types(const std::vector<v1::Event>& events) {
  std::vector<std::string> out;
  for (const v1::Event& e : events) out.push_back(domain::EventType(e));
  return out;
}

}  // namespace atgard::testing
