#include "services/domain/trigger_policies.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/dates.h"

namespace atgard::domain {
namespace {

// RegisterCase as the policies issue it: SYSTEM names the trigger.
PolicyCommand OpenCase(absl::string_view policy, const std::string& trigger,
                       std::string case_id, v1::Deficiency deficiency) {
  PolicyCommand pc{.command_id = absl::StrCat("policy:", policy, ":", trigger)};
  v1::RegisterCase* c = pc.command.mutable_register_case();
  c->set_case_id(std::move(case_id));
  c->set_triggered_by(trigger);
  *c->mutable_deficiency() = std::move(deficiency);
  return pc;
}

v1::Deficiency At(const std::string& provider_id, const std::string& unit_id) {
  v1::Deficiency d;
  d.set_provider_id(provider_id);
  d.set_unit_id(unit_id);
  return d;
}

absl::string_view CategoryInSwedish(v1::ComplaintCategory category) {
  switch (category) {
    case v1::COMPLAINT_CATEGORY_COMPLAINT:
      return "synpunkter och klagomål";
    case v1::COMPLAINT_CATEGORY_SOCIAL_CARE_DEVIATION:
      return "avvikelser i omsorgen (SoL/LSS)";
    case v1::COMPLAINT_CATEGORY_HEALTH_CARE_DEVIATION:
      return "avvikelser i hälso- och sjukvården (HSL)";
    case v1::COMPLAINT_CATEGORY_LEX_SARAH:
      return "rapporter enligt lex Sarah";
    case v1::COMPLAINT_CATEGORY_LEX_MARIA:
      return "händelser enligt lex Maria";
    default:
      return "synpunkter eller avvikelser";
  }
}

}  // namespace

absl::string_view QualityAreaInSwedish(v1::QualityArea area) {
  switch (area) {
    case v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION:
      return "Individanpassad";
    case v1::QUALITY_AREA_ACCESSIBILITY:
      return "Tillgänglig";
    case v1::QUALITY_AREA_KNOWLEDGE_BASED:
      return "Kunskapsbaserad";
    case v1::QUALITY_AREA_SAFETY:
      return "Säker";
    case v1::QUALITY_AREA_EQUALITY:
      return "Jämlik";
    case v1::QUALITY_AREA_EFFICIENCY:
      return "Effektiv";
    default:
      return "okänt område";
  }
}

const std::vector<std::string>& TriggerPolicyEventTypes() {
  static const auto* types = new std::vector<std::string>{
      "MeasurementRecorded", "LowGoalFulfilmentDetected",
      "SelfInspectionKeyPointsFailed", "RecurringComplaintsDetected"};
  return *types;
}

std::vector<PolicyCommand> TriggerPolicyCommandsFor(const std::string& trigger,
                                                    const v1::Event& event) {
  std::vector<PolicyCommand> out;
  switch (event.event_case()) {
    case v1::Event::kMeasurementRecorded: {
      const v1::MeasurementRecorded& e = event.measurement_recorded();
      const v1::Measurement& m = e.measurement();
      PolicyCommand pc{.command_id =
                           absl::StrCat("policy:unit-result:", trigger)};
      v1::NoteUnitResult* c = pc.command.mutable_note_unit_result();
      c->set_provider_id(m.provider_id());
      c->set_unit_id(m.unit_id());
      c->set_indicator_id(m.indicator_id());
      c->set_measurement_id(e.measurement_id());
      // The follow-up year: the one the measured period ends in.
      c->set_year(m.period_end().year());
      c->set_quality_area(m.quality_area());
      c->set_result(e.result());
      *c->mutable_measured_on() = m.measured_on();
      out.push_back(std::move(pc));
      break;
    }
    case v1::Event::kLowGoalFulfilmentDetected: {
      const v1::LowGoalFulfilmentDetected& e =
          event.low_goal_fulfilment_detected();
      std::vector<absl::string_view> areas;
      for (int area : e.red_areas()) {
        areas.push_back(
            QualityAreaInSwedish(static_cast<v1::QualityArea>(area)));
      }
      v1::Deficiency d = At(e.provider_id(), e.unit_id());
      d.set_source(v1::DEFICIENCY_SOURCE_MEASUREMENT);
      // The first red area stands for the case; the description names all.
      d.set_quality_area(e.red_areas_size() > 0
                             ? e.red_areas(0)
                             : v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
      d.set_indicator_kind(v1::INDICATOR_KIND_RESULT);
      d.set_severity(v1::SEVERITY_MEDIUM);
      d.set_description(absl::StrCat(
          "Låg måluppfyllelse inom flera kvalitetsområden: enheten har röda "
          "resultat inom ",
          e.red_areas_size(), " områden år ", e.year(), " (",
          absl::StrJoin(areas, ", "), "). Gränsen är ", e.threshold(),
          " områden."));
      *d.mutable_detected_on() = e.detected_on();
      out.push_back(OpenCase("low-goal-fulfilment", trigger, DerivedId(trigger),
                             std::move(d)));
      break;
    }
    case v1::Event::kSelfInspectionKeyPointsFailed: {
      const v1::SelfInspectionKeyPointsFailed& e =
          event.self_inspection_key_points_failed();
      v1::Deficiency d = At(e.provider_id(), e.unit_id());
      d.set_source(v1::DEFICIENCY_SOURCE_SELF_INSPECTION);
      // Self-inspection checks that the unit works by its routines.
      d.set_quality_area(v1::QUALITY_AREA_SAFETY);
      d.set_indicator_kind(v1::INDICATOR_KIND_PROCESS);
      d.set_severity(v1::SEVERITY_MEDIUM);
      d.set_description(absl::StrCat(
          "Enheten brister i flera nyckelpunkter i egenkontrollen ", e.year(),
          ": ", e.failed_point_ids_size(), " nyckelpunkter är inte uppfyllda (",
          absl::StrJoin(e.failed_point_ids(), ", "), "). Gränsen är ",
          e.threshold(), "."));
      *d.mutable_detected_on() = e.recorded_on();
      out.push_back(OpenCase("self-inspection", trigger, DerivedId(trigger),
                             std::move(d)));
      break;
    }
    case v1::Event::kRecurringComplaintsDetected: {
      const v1::RecurringComplaintsDetected& e =
          event.recurring_complaints_detected();
      v1::Deficiency d = At(e.provider_id(), e.unit_id());
      switch (e.category()) {
        case v1::COMPLAINT_CATEGORY_LEX_SARAH:
          d.set_source(v1::DEFICIENCY_SOURCE_LEX_SARAH);
          break;
        case v1::COMPLAINT_CATEGORY_LEX_MARIA:
          d.set_source(v1::DEFICIENCY_SOURCE_LEX_MARIA);
          break;
        default:
          d.set_source(v1::DEFICIENCY_SOURCE_COMPLAINT);
          break;
      }
      // Lex Maria and deviations in health care are MAS/MAR's to follow up.
      d.set_health_care(e.category() == v1::COMPLAINT_CATEGORY_LEX_MARIA ||
                        e.category() ==
                            v1::COMPLAINT_CATEGORY_HEALTH_CARE_DEVIATION);
      d.set_quality_area(e.category() == v1::COMPLAINT_CATEGORY_COMPLAINT
                             ? v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION
                             : v1::QUALITY_AREA_SAFETY);
      d.set_indicator_kind(v1::INDICATOR_KIND_RESULT);
      d.set_severity(v1::SEVERITY_MEDIUM);
      d.set_description(absl::StrCat(
          "Samma typ av ", CategoryInSwedish(e.category()),
          " återkommer vid enheten: ", e.months_size(), " av de senaste ",
          e.window_months(), " månaderna (", absl::StrJoin(e.months(), ", "),
          "). Gränsen är ", e.months_threshold(), " månader."));
      *d.mutable_detected_on() = e.detected_on();
      out.push_back(
          OpenCase("recurring-complaints", trigger, e.case_id(), std::move(d)));
      break;
    }
    default:
      break;
  }
  return out;
}

}  // namespace atgard::domain
