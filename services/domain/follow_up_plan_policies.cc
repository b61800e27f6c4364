#include "services/domain/follow_up_plan_policies.h"

#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"

namespace atgard::domain {
namespace {

PolicyCommand Subject(const std::string& trigger,
                      const std::string& provider_id,
                      const std::string& unit_id, v1::Regiform regiform,
                      bool small, const v1::Date& registered_on) {
  PolicyCommand pc{.command_id = absl::StrCat("policy:plan-subject:", trigger)};
  v1::AddFollowUpPlanSubject* c =
      pc.command.mutable_add_follow_up_plan_subject();
  c->set_year(registered_on.year());
  c->set_provider_id(provider_id);
  c->set_unit_id(unit_id);
  c->set_regiform(regiform);
  c->set_small(small);
  *c->mutable_registered_on() = registered_on;
  c->set_triggered_by(trigger);
  return pc;
}

PolicyCommand Triggered(absl::string_view policy, const std::string& trigger,
                        v1::PlannedFollowUpKind kind,
                        const std::string& provider_id,
                        const std::string& unit_id, const v1::Date& found_on) {
  PolicyCommand pc{.command_id = absl::StrCat("policy:", policy, ":", trigger)};
  v1::AddTriggeredFollowUp* c = pc.command.mutable_add_triggered_follow_up();
  c->set_year(found_on.year());
  c->set_kind(kind);
  c->set_provider_id(provider_id);
  c->set_unit_id(unit_id);
  *c->mutable_found_on() = found_on;
  c->set_triggered_by(trigger);
  return pc;
}

}  // namespace

void FollowUpPlanPolicyCommands(const std::string& trigger,
                                const v1::Event& event,
                                std::vector<PolicyCommand>& out) {
  switch (event.event_case()) {
    case v1::Event::kProviderRegistered: {
      const v1::ProviderRegistered& e = event.provider_registered();
      // Registered before the plan existed: its date is unknown.
      if (IsUnset(e.registered_on())) return;
      out.push_back(Subject(trigger, e.provider_id(), "", e.regiform(),
                            e.small(), e.registered_on()));
      return;
    }
    case v1::Event::kUnitRegistered: {
      const v1::UnitRegistered& e = event.unit_registered();
      if (IsUnset(e.registered_on())) return;
      out.push_back(Subject(trigger, e.provider_id(), e.unit_id(),
                            v1::REGIFORM_UNSPECIFIED, false,
                            e.registered_on()));
      return;
    }
    case v1::Event::kMeasurementRecorded: {
      const v1::MeasurementRecorded& e = event.measurement_recorded();
      const v1::Measurement& m = e.measurement();
      if (!m.basic_hygiene() || e.result() != v1::MEASUREMENT_RESULT_RED) {
        return;
      }
      out.push_back(Triggered("hygiene-round", trigger,
                              v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND,
                              m.provider_id(), m.unit_id(), m.measured_on()));
      return;
    }
    case v1::Event::kCaseRegistered: {
      const v1::CaseRegistered& e = event.case_registered();
      if (e.deficiency().source() != v1::DEFICIENCY_SOURCE_LEX_SARAH) return;
      // A case a policy opened (recurring Lex Sarah reports) follows no
      // investigation whose measures could be followed up.
      if (!e.triggered_by().empty()) return;
      out.push_back(Triggered("lex-sarah-follow-up", trigger,
                              v1::PLANNED_FOLLOW_UP_KIND_LEX_SARAH_FOLLOW_UP,
                              e.deficiency().provider_id(),
                              e.deficiency().unit_id(), e.registered_on()));
      return;
    }
    case v1::Event::kFollowUpActivityRecorded: {
      const v1::FollowUpActivityRecorded& e =
          event.follow_up_activity_recorded();
      // The year before too: an item triggered late in a year (a hygiene
      // round, a Lex Sarah follow-up) falls due in the next.
      const int year = e.performed_on().year();
      for (int plan_year : {year, year - 1}) {
        PolicyCommand pc{.command_id = absl::StrCat("policy:plan-fulfilment:",
                                                    trigger, ":", plan_year)};
        v1::RecordPlannedFollowUpFulfilment* c =
            pc.command.mutable_record_planned_follow_up_fulfilment();
        c->set_year(plan_year);
        c->set_activity_id(e.activity_id());
        c->set_provider_id(e.provider_id());
        *c->mutable_unit_ids() = e.unit_ids();
        c->set_kind(e.kind());
        *c->mutable_performed_on() = e.performed_on();
        out.push_back(std::move(pc));
      }
      return;
    }
    default:
      return;
  }
}

const std::vector<std::string>& FollowUpPlanPolicyEventTypes() {
  static const auto* types = new std::vector<std::string>{
      "ProviderRegistered", "UnitRegistered", "MeasurementRecorded",
      "CaseRegistered", "FollowUpActivityRecorded"};
  return *types;
}

}  // namespace atgard::domain
