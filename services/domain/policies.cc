#include "services/domain/policies.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/follow_up_plan_policies.h"
#include "services/domain/streams.h"
#include "services/domain/trigger_policies.h"

namespace atgard::domain {
namespace {

// What a policy knows of the deficiency it opens a case for.
struct Finding {
  std::string provider_id;
  std::string unit_id;
  v1::DeficiencySource source;
  v1::QualityArea quality_area;
  v1::IndicatorKind indicator_kind;
  v1::Severity severity;
  std::string description;
  v1::Date detected_on;
};

// RegisterCase for `finding`, with the case id and command id derived from
// the triggering event.
PolicyCommand OpenCase(absl::string_view policy, const std::string& trigger,
                       const Finding& finding) {
  PolicyCommand pc{.command_id = absl::StrCat("policy:", policy, ":", trigger)};
  v1::RegisterCase* c = pc.command.mutable_register_case();
  c->set_case_id(DerivedId(trigger));
  c->set_triggered_by(trigger);
  v1::Deficiency* d = c->mutable_deficiency();
  d->set_provider_id(finding.provider_id);
  d->set_unit_id(finding.unit_id);
  d->set_source(finding.source);
  d->set_quality_area(finding.quality_area);
  d->set_indicator_kind(finding.indicator_kind);
  d->set_severity(finding.severity);
  d->set_description(finding.description);
  *d->mutable_detected_on() = finding.detected_on;
  return pc;
}

}  // namespace

std::string DerivedId(absl::string_view seed) {
  // FNV-1a, 64 bits: stable across builds and platforms, unlike absl::Hash.
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : seed) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("auto-%016x", hash);
}

std::vector<PolicyCommand> PolicyCommandsFor(absl::string_view stream_id,
                                             uint64_t stream_version,
                                             const v1::Event& event) {
  const std::string trigger = EventReference(stream_id, stream_version);
  std::vector<PolicyCommand> out;
  switch (event.event_case()) {
    case v1::Event::kIndicatorRedTwoYearsRunning: {
      const v1::IndicatorRedTwoYearsRunning& e =
          event.indicator_red_two_years_running();
      out.push_back(OpenCase(
          "red-two-years", trigger,
          {.provider_id = e.provider_id(),
           .unit_id = e.unit_id(),
           .source = v1::DEFICIENCY_SOURCE_MEASUREMENT,
           .quality_area = e.quality_area(),
           .indicator_kind = e.kind(),
           .severity = v1::SEVERITY_MEDIUM,
           .description =
               absl::StrCat("Indikatorn ”", e.indicator_name(),
                            "” har varit röd två år i rad (",
                            e.years_size() == 2
                                ? absl::StrCat(e.years(0), " och ", e.years(1))
                                : std::string("två på varandra följande år"),
                            ")."),
           .detected_on = e.detected_on()}));
      break;
    }
    case v1::Event::kBaseRequirementNotMet: {
      const v1::BaseRequirementNotMet& e = event.base_requirement_not_met();
      out.push_back(OpenCase(
          "base-requirement", trigger,
          {.provider_id = e.provider_id(),
           .unit_id = e.unit_id(),
           .source = v1::DEFICIENCY_SOURCE_BASE_REQUIREMENT,
           .quality_area = e.quality_area(),
           .indicator_kind = e.kind(),
           .severity = v1::SEVERITY_HIGH,
           .description = absl::StrCat("Grundkravet ”", e.indicator_name(),
                                       "” är inte uppfyllt (mätning ",
                                       e.measurement_id(), ")."),
           .detected_on = e.measured_on()}));
      break;
    }
    case v1::Event::kContractTerminated: {
      const v1::ContractTerminated& e = event.contract_terminated();
      for (const std::string& case_id : e.case_ids()) {
        PolicyCommand pc{
            .command_id = absl::StrCat("policy:contract-terminated:", trigger,
                                       ":", case_id)};
        v1::CloseCase* c = pc.command.mutable_close_case();
        c->set_case_id(case_id);
        c->set_closure(v1::CASE_CLOSURE_CONTRACT_TERMINATED);
        c->set_contract_id(e.contract_id());
        c->set_note(absl::StrCat(
            "Avtalet ", e.contract_id(),
            e.kind() == v1::SANCTION_KIND_IMMEDIATE_TERMINATION ? " hävdes"
                                                                : " sades upp",
            " (beslut ", e.decision().reference_number(), ")."));
        out.push_back(std::move(pc));
      }
      break;
    }
    default:
      out = TriggerPolicyCommandsFor(trigger, event);
      FollowUpPlanPolicyCommands(trigger, event, out);
      break;
  }
  return out;
}

const std::vector<std::string>& PolicyEventTypes() {
  static const auto* types = [] {
    auto* out = new std::vector<std::string>{"IndicatorRedTwoYearsRunning",
                                             "BaseRequirementNotMet",
                                             "ContractTerminated"};
    // Several policies may act on one event type: each type once.
    for (const auto* more :
         {&TriggerPolicyEventTypes(), &FollowUpPlanPolicyEventTypes()}) {
      for (const std::string& type : *more) {
        if (std::find(out->begin(), out->end(), type) == out->end()) {
          out->push_back(type);
        }
      }
    }
    return out;
  }();
  return *types;
}

}  // namespace atgard::domain
