#include "services/domain/decider.h"

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/checks.h"
#include "services/domain/errors.h"
#include "services/domain/principal.h"
#include "services/domain/streams.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

absl::StatusOr<AggregateRef> Ref(AggregateKind kind, absl::string_view field,
                                 const std::string& id) {
  RETURN_IF_ERROR(CheckId(field, id));
  return AggregateRef{.kind = kind, .id = id};
}

// The care plan of one client at one unit, for the register's commands.
absl::StatusOr<AggregateRef> CarePlanRef(const std::string& provider_id,
                                         const std::string& unit_id,
                                         const std::string& client_reference) {
  RETURN_IF_ERROR(CheckId("provider_id", provider_id));
  RETURN_IF_ERROR(CheckId("unit_id", unit_id));
  RETURN_IF_ERROR(CheckReference("client_reference", client_reference));
  return AggregateRef{.kind = AggregateKind::kCarePlan,
                      .id = CarePlanId(provider_id, unit_id, client_reference)};
}

// The follow-up plan of `year`, which must be a plausible year.
absl::StatusOr<AggregateRef> PlanRef(absl::string_view field, int year) {
  if (year < 1000 || year > 9999) {
    return InvalidArgument(field, "must be a four-digit year");
  }
  return AggregateRef{.kind = AggregateKind::kFollowUpPlan,
                      .id = FollowUpPlanId(year)};
}

}  // namespace

absl::StatusOr<AggregateRef> Route(const v1::Command& command) {
  using C = v1::Command;
  switch (command.command_case()) {
    case C::kRegisterProvider:
      return Ref(AggregateKind::kProvider, "provider_id",
                 command.register_provider().provider_id());
    case C::kRegisterUnit:
      return Ref(AggregateKind::kProvider, "provider_id",
                 command.register_unit().provider_id());
    case C::kRecordFollowUpActivity:
      return Ref(AggregateKind::kProvider, "provider_id",
                 command.record_follow_up_activity().provider_id());
    case C::kRecordPositiveExample:
      return Ref(AggregateKind::kProvider, "provider_id",
                 command.record_positive_example().provider_id());
    case C::kRegisterContract:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.register_contract().contract_id());
    case C::kExtendContract:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.extend_contract().contract_id());
    case C::kDeclineContractExtension:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.decline_contract_extension().contract_id());
    case C::kImposeSanction:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.impose_sanction().contract_id());
    case C::kTerminateContract:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.terminate_contract().contract_id());
    case C::kRecordMeasurement: {
      const v1::Measurement& m = command.record_measurement().measurement();
      RETURN_IF_ERROR(CheckId("measurement.provider_id", m.provider_id()));
      RETURN_IF_ERROR(CheckId("measurement.unit_id", m.unit_id()));
      RETURN_IF_ERROR(CheckId("measurement.indicator_id", m.indicator_id()));
      return AggregateRef{
          .kind = AggregateKind::kIndicatorSeries,
          .id = SeriesId(m.provider_id(), m.unit_id(), m.indicator_id())};
    }
    case C::kRecordCarePlanReview: {
      const v1::CarePlanReview& r = command.record_care_plan_review().review();
      RETURN_IF_ERROR(CheckId("review.provider_id", r.provider_id()));
      RETURN_IF_ERROR(CheckId("review.unit_id", r.unit_id()));
      RETURN_IF_ERROR(
          CheckReference("review.client_reference", r.client_reference()));
      return AggregateRef{
          .kind = AggregateKind::kCarePlan,
          .id = CarePlanId(r.provider_id(), r.unit_id(), r.client_reference())};
    }
    case C::kDecideNoSanction:
      return Ref(AggregateKind::kContract, "contract_id",
                 command.decide_no_sanction().contract_id());
    case C::kRegisterCarePlan: {
      const v1::RegisterCarePlan& r = command.register_care_plan();
      return CarePlanRef(r.provider_id(), r.unit_id(), r.client_reference());
    }
    case C::kEndCarePlan: {
      const v1::EndCarePlan& r = command.end_care_plan();
      return CarePlanRef(r.provider_id(), r.unit_id(), r.client_reference());
    }
    case C::kSetPolicySettings:
      return AggregateRef{.kind = AggregateKind::kPolicySettings,
                          .id = kPolicySettingsId};
    case C::kNoteUnitResult: {
      const v1::NoteUnitResult& c = command.note_unit_result();
      RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
      RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
      return AggregateRef{.kind = AggregateKind::kUnitResults,
                          .id = UnitResultsId(c.provider_id(), c.unit_id())};
    }
    case C::kRecordSelfInspection: {
      const v1::RecordSelfInspection& c = command.record_self_inspection();
      RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
      RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
      // The year is part of the stream id.
      if (c.year() < 1900 || c.year() > 9999) {
        return InvalidArgument("year", "must be a year from 1900 to 9999");
      }
      return AggregateRef{
          .kind = AggregateKind::kSelfInspection,
          .id = SelfInspectionId(c.provider_id(), c.unit_id(), c.year())};
    }
    case C::kRecordComplaintCounts: {
      const v1::RecordComplaintCounts& c = command.record_complaint_counts();
      RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
      RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
      return AggregateRef{.kind = AggregateKind::kComplaints,
                          .id = ComplaintsId(c.provider_id(), c.unit_id())};
    }
    case C::kDefineArea:
      return AggregateRef{.kind = AggregateKind::kOrganisation,
                          .id = kOrganisationId};
    case C::kAdoptFollowUpPlan:
      return PlanRef("year", command.adopt_follow_up_plan().year());
    case C::kAmendFollowUpPlan:
      return PlanRef("year", command.amend_follow_up_plan().year());
    case C::kAddFollowUpPlanSubject:
      return PlanRef("year", command.add_follow_up_plan_subject().year());
    case C::kAddTriggeredFollowUp:
      return PlanRef("year", command.add_triggered_follow_up().year());
    case C::kRecordPlannedFollowUpFulfilment:
      return PlanRef("year",
                     command.record_planned_follow_up_fulfilment().year());
    case C::COMMAND_NOT_SET:
      return absl::InvalidArgumentError("command: no command is set");
    default: {
      // Every remaining command is a case command with a case_id.
      const google::protobuf::FieldDescriptor* field =
          C::descriptor()->FindFieldByNumber(command.command_case());
      const google::protobuf::Message& inner =
          command.GetReflection()->GetMessage(command, field);
      const google::protobuf::FieldDescriptor* id =
          inner.GetDescriptor()->FindFieldByName("case_id");
      if (id == nullptr) {
        return absl::InvalidArgumentError("command: unknown command");
      }
      return Ref(AggregateKind::kCase, "case_id",
                 inner.GetReflection()->GetString(inner, id));
    }
  }
}

AggregateState InitialState(AggregateKind kind) {
  switch (kind) {
    case AggregateKind::kProvider:
      return ProviderState{};
    case AggregateKind::kContract:
      return ContractState{};
    case AggregateKind::kCase:
      return CaseState{};
    case AggregateKind::kIndicatorSeries:
      return IndicatorSeriesState{};
    case AggregateKind::kCarePlan:
      return CarePlanState{};
    case AggregateKind::kPolicySettings:
      return PolicySettingsState{};
    case AggregateKind::kUnitResults:
      return UnitResultsState{};
    case AggregateKind::kSelfInspection:
      return SelfInspectionState{};
    case AggregateKind::kComplaints:
      return ComplaintsState{};
    case AggregateKind::kOrganisation:
      return OrganisationState{};
    case AggregateKind::kFollowUpPlan:
      return FollowUpPlanState{};
  }
  return CaseState{};
}

void Evolve(AggregateState& state, const v1::Event& event) {
  std::visit(
      Overloaded{
          [&](ProviderState& s) { EvolveProvider(s, event); },
          [&](ContractState& s) { EvolveContract(s, event); },
          [&](CaseState& s) { EvolveCase(s, event); },
          [&](IndicatorSeriesState& s) { EvolveIndicatorSeries(s, event); },
          [&](CarePlanState& s) { EvolveCarePlan(s, event); },
          [&](PolicySettingsState& s) { EvolvePolicySettings(s, event); },
          [&](UnitResultsState& s) { EvolveUnitResults(s, event); },
          [&](SelfInspectionState& s) { EvolveSelfInspection(s, event); },
          [&](ComplaintsState& s) { EvolveComplaints(s, event); },
          [&](OrganisationState& s) { EvolveOrganisation(s, event); },
          [&](FollowUpPlanState& s) { EvolveFollowUpPlan(s, event); },
      },
      state);
}

bool Exists(const AggregateState& state) {
  return std::visit(
      Overloaded{
          [](const ProviderState& s) { return s.exists; },
          [](const ContractState& s) { return s.exists(); },
          [](const CaseState& s) { return s.exists(); },
          [](const IndicatorSeriesState& s) { return s.exists(); },
          [](const CarePlanState& s) { return s.exists(); },
          [](const PolicySettingsState& s) { return s.exists(); },
          [](const UnitResultsState& s) { return s.exists(); },
          [](const SelfInspectionState& s) { return s.exists(); },
          [](const ComplaintsState& s) { return s.exists(); },
          [](const OrganisationState& s) { return s.exists(); },
          [](const FollowUpPlanState& s) { return s.exists(); },
      },
      state);
}

ReferenceKeys ReferencesOf(const v1::Command& command) {
  ReferenceKeys keys;
  switch (command.command_case()) {
    case v1::Command::kRegisterCase:
      keys.provider_id = command.register_case().deficiency().provider_id();
      break;
    case v1::Command::kRegisterContract:
      keys.provider_id = command.register_contract().terms().provider_id();
      break;
    case v1::Command::kImposeSanction:
      keys.case_ids.assign(command.impose_sanction().case_ids().begin(),
                           command.impose_sanction().case_ids().end());
      break;
    case v1::Command::kTerminateContract:
      keys.case_ids.assign(command.terminate_contract().case_ids().begin(),
                           command.terminate_contract().case_ids().end());
      break;
    case v1::Command::kCloseCase:
      if (!command.close_case().contract_id().empty()) {
        keys.contract_id = command.close_case().contract_id();
      }
      break;
    case v1::Command::kRecordMeasurement:
      keys.provider_id =
          command.record_measurement().measurement().provider_id();
      break;
    case v1::Command::kRecordCarePlanReview:
      keys.provider_id =
          command.record_care_plan_review().review().provider_id();
      break;
    case v1::Command::kDecideNoSanction:
      keys.case_ids.push_back(command.decide_no_sanction().failed_case_id());
      break;
    case v1::Command::kRegisterCarePlan:
      keys.provider_id = command.register_care_plan().provider_id();
      break;
    case v1::Command::kEndCarePlan:
      keys.provider_id = command.end_care_plan().provider_id();
      break;
    case v1::Command::kNoteUnitResult:
      keys.policy_settings = true;
      break;
    case v1::Command::kRecordSelfInspection:
      keys.provider_id = command.record_self_inspection().provider_id();
      keys.policy_settings = true;
      break;
    case v1::Command::kRecordComplaintCounts:
      keys.provider_id = command.record_complaint_counts().provider_id();
      keys.policy_settings = true;
      break;
    case v1::Command::kAdoptFollowUpPlan:
      keys.all_providers = true;
      break;
    case v1::Command::kRecordFollowUpActivity: {
      const v1::RecordFollowUpActivity& c = command.record_follow_up_activity();
      if (c.kind() == v1::ACTIVITY_KIND_ANALYSIS_TEAM) {
        keys.follow_up_plan_year = c.performed_on().year();
      }
      break;
    }
    default:
      break;
  }
  // Every case command but registration (which no care director issues)
  // is scoped by the register of areas.
  if (command.command_case() != v1::Command::kRegisterCase) {
    absl::StatusOr<AggregateRef> target = Route(command);
    keys.organisation = target.ok() && target->kind == AggregateKind::kCase;
  }
  return keys;
}

ReferenceKeys ReferencesOf(const v1::Command& command,
                           const AggregateState& state) {
  ReferenceKeys keys = ReferencesOf(command);
  if (const auto* complaints = std::get_if<ComplaintsState>(&state)) {
    for (std::string& id : ComplaintCasesToCheck(command, *complaints))
      keys.case_ids.push_back(std::move(id));
  }
  return keys;
}

absl::StatusOr<std::vector<v1::Event>> Decide(const v1::Command& command,
                                              const AggregateState& state,
                                              const CommandContext& context,
                                              const References& refs) {
  const ProviderState* provider =
      refs.provider.has_value() ? &*refs.provider : nullptr;
  const PolicySettingsState* settings =
      refs.policy_settings.has_value() ? &*refs.policy_settings : nullptr;
  const OrganisationState* organisation =
      refs.organisation.has_value() ? &*refs.organisation : nullptr;
  return std::visit(
      Overloaded{
          [&](const ProviderState& s) {
            return DecideProvider(command, s, context,
                                  refs.follow_up_plan.has_value()
                                      ? &*refs.follow_up_plan
                                      : nullptr);
          },
          [&](const ContractState& s) {
            ContractReferences r{.provider = provider};
            for (const auto& [id, c] : refs.cases) r.cases[id] = &c;
            return DecideContract(command, s, context, r);
          },
          [&](const CaseState& s) {
            CaseReferences r{.provider = provider,
                             .contract = refs.contract.has_value()
                                             ? &*refs.contract
                                             : nullptr,
                             .organisation = organisation};
            return DecideCase(command, s, context, r);
          },
          [&](const IndicatorSeriesState& s) {
            return DecideIndicatorSeries(command, s, context, provider);
          },
          [&](const CarePlanState& s) {
            return DecideCarePlan(command, s, context, provider);
          },
          [&](const PolicySettingsState& s) {
            return DecidePolicySettings(command, s, context);
          },
          [&](const UnitResultsState& s) {
            return DecideUnitResults(command, s, context, settings);
          },
          [&](const SelfInspectionState& s) {
            return DecideSelfInspection(command, s, context, provider,
                                        settings);
          },
          [&](const ComplaintsState& s) {
            ComplaintsReferences r{.provider = provider, .settings = settings};
            for (const auto& [id, c] : refs.cases) r.cases[id] = &c;
            return DecideComplaints(command, s, context, r);
          },
          [&](const OrganisationState& s) {
            return DecideOrganisation(command, s, context);
          },
          [&](const FollowUpPlanState& s) {
            return DecideFollowUpPlan(command, s, context, refs.providers);
          },
      },
      state);
}

std::vector<v1::Event> DueDeadlines(const AggregateState& state,
                                    absl::CivilDay today) {
  return std::visit(
      Overloaded{
          [](const ProviderState&) { return std::vector<v1::Event>{}; },
          [&](const ContractState& s) {
            return DueContractDeadlines(s, today);
          },
          [&](const CaseState& s) { return DueCaseDeadlines(s, today); },
          [&](const IndicatorSeriesState& s) {
            return DueIndicatorSeriesDeadlines(s, today);
          },
          [&](const CarePlanState& s) {
            return DueCarePlanDeadlines(s, today);
          },
          // The trigger aggregates set no dates.
          [](const PolicySettingsState&) { return std::vector<v1::Event>{}; },
          [](const UnitResultsState&) { return std::vector<v1::Event>{}; },
          [](const SelfInspectionState&) { return std::vector<v1::Event>{}; },
          [](const ComplaintsState&) { return std::vector<v1::Event>{}; },
          [](const OrganisationState&) { return std::vector<v1::Event>{}; },
          [&](const FollowUpPlanState& s) {
            return DueFollowUpPlanDeadlines(s, today);
          },
      },
      state);
}

std::string EventType(const v1::Event& event) {
  const google::protobuf::FieldDescriptor* field =
      v1::Event::descriptor()->FindFieldByNumber(event.event_case());
  return field != nullptr ? field->message_type()->name() : std::string();
}

}  // namespace atgard::domain
