#include "services/domain/provider_decider.h"

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/follow_up_plan_decider.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;

constexpr v1::Role kFollowUpOfficer = v1::ROLE_FOLLOW_UP_OFFICER;
constexpr v1::Role kMedicalOfficer = v1::ROLE_MEDICAL_OFFICER;

absl::Status CheckProviderExists(const ProviderState& state) {
  if (!state.exists) {
    return NotFound("provider_id", "no provider with this id is registered");
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> RegisterProvider(const v1::RegisterProvider& c,
                                        const ProviderState& state,
                                        const CommandContext& ctx) {
  RETURN_IF_ERROR(
      RequireRole(ctx.principal, {kFollowUpOfficer}, "register a provider"));
  RETURN_IF_ERROR(CheckId("provider_id", c.provider_id()));
  RETURN_IF_ERROR(CheckName("name", c.name()));
  ASSIGN_OR_RETURN(
      OrganisationNumber org,
      ParseOrganisationNumber("organisation_number", c.organisation_number()));
  RETURN_IF_ERROR(CheckEnum("regiform", c.regiform(), v1::Regiform_IsValid));

  v1::Event event;
  v1::ProviderRegistered* e = event.mutable_provider_registered();
  e->set_provider_id(c.provider_id());
  e->set_name(c.name());
  e->set_organisation_number(org.normalized);
  e->set_regiform(c.regiform());
  e->set_holds_personal_data(org.personal_data);
  e->set_small(c.small());
  // The date is the registration's, not the retry's: a repeat on a later
  // day is still a repeat.
  *e->mutable_registered_on() =
      state.exists ? state.registration.registered_on() : ToDate(ctx.today);
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("provider_id", state.exists ? &state.registration : nullptr,
                 *e, "a different provider with this id is registered"));
  if (creation == Creation::kRepeat) return Events{};
  return Events{event};
}

absl::StatusOr<Events> RegisterUnit(const v1::RegisterUnit& c,
                                    const ProviderState& state,
                                    const CommandContext& ctx) {
  RETURN_IF_ERROR(
      RequireRole(ctx.principal, {kFollowUpOfficer}, "register a unit"));
  RETURN_IF_ERROR(CheckProviderExists(state));
  RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
  RETURN_IF_ERROR(CheckName("name", c.name()));
  if (!c.hsa_id().empty()) RETURN_IF_ERROR(CheckHsaId("hsa_id", c.hsa_id()));
  RETURN_IF_ERROR(CheckEnum("care_area", c.care_area(), v1::CareArea_IsValid));

  v1::Event event;
  v1::UnitRegistered* e = event.mutable_unit_registered();
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_name(c.name());
  e->set_hsa_id(c.hsa_id());
  e->set_care_area(c.care_area());
  const v1::UnitRegistered* existing = state.FindUnit(c.unit_id());
  *e->mutable_registered_on() =
      existing != nullptr ? existing->registered_on() : ToDate(ctx.today);
  ASSIGN_OR_RETURN(const Creation creation,
                   CreateOnce("unit_id", existing, *e,
                              "a different unit with this id is registered"));
  if (creation == Creation::kRepeat) return Events{};
  return Events{event};
}

absl::StatusOr<Events> RecordFollowUpActivity(
    const v1::RecordFollowUpActivity& c, const ProviderState& state,
    const CommandContext& ctx, const FollowUpPlanState* plan) {
  RETURN_IF_ERROR(RequireRole(ctx.principal,
                              {kFollowUpOfficer, kMedicalOfficer},
                              "record a follow-up activity"));
  RETURN_IF_ERROR(CheckProviderExists(state));
  RETURN_IF_ERROR(CheckId("activity_id", c.activity_id()));
  RETURN_IF_ERROR(CheckEnum("kind", c.kind(), v1::ActivityKind_IsValid));
  RETURN_IF_ERROR(
      CheckPastDate("performed_on", c.performed_on(), ctx.today).status());
  RETURN_IF_ERROR(CheckText("summary", c.summary()));
  if (c.kind() == v1::ACTIVITY_KIND_OBSERVATION_VISIT && c.unit_ids().empty()) {
    return InvalidArgument("unit_ids", "an observation visit names its units");
  }
  for (int i = 0; i < c.unit_ids_size(); ++i) {
    const std::string field = absl::StrCat("unit_ids[", i, "]");
    // A reference like any other: malformed or personal-identity-bearing
    // values are refused as such, not merely not found.
    RETURN_IF_ERROR(CheckId(field, c.unit_ids(i)));
    const v1::UnitRegistered* unit = state.FindUnit(c.unit_ids(i));
    if (unit == nullptr) {
      return NotFound(field, "is not a unit of this provider");
    }
    if (c.kind() != v1::ACTIVITY_KIND_OBSERVATION_VISIT) continue;
    // Observation visits are unannounced in elderly care and announced in
    // disability care.
    if (unit->care_area() == v1::CARE_AREA_ELDERLY_CARE && c.announced()) {
      return InvalidArgument(
          "announced",
          absl::StrCat("observation visits in elderly care are unannounced (",
                       field, " is an elderly-care unit)"));
    }
    if (unit->care_area() == v1::CARE_AREA_DISABILITY_CARE && !c.announced()) {
      return InvalidArgument(
          "announced",
          absl::StrCat("observation visits in disability care are announced (",
                       field, " is a disability-care unit)"));
    }
  }

  const bool repeat = state.activities.contains(c.activity_id());
  if (c.kind() == v1::ACTIVITY_KIND_ANALYSIS_TEAM && !repeat) {
    // At most N analysis teams a year, unless the plan is amended.
    RETURN_IF_ERROR(CheckAnalysisTeamLimit("kind", plan));
  }

  v1::Event event;
  v1::FollowUpActivityRecorded* e = event.mutable_follow_up_activity_recorded();
  e->set_activity_id(c.activity_id());
  e->set_provider_id(c.provider_id());
  *e->mutable_unit_ids() = c.unit_ids();
  e->set_kind(c.kind());
  *e->mutable_performed_on() = c.performed_on();
  e->set_announced(c.announced());
  e->set_summary(c.summary());
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("activity_id", FindOrNull(state.activities, c.activity_id()),
                 *e, "a different activity with this id is recorded"));
  if (creation == Creation::kRepeat) return Events{};
  return Events{event};
}

absl::StatusOr<Events> RecordPositiveExample(const v1::RecordPositiveExample& c,
                                             const ProviderState& state,
                                             const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal,
                              {kFollowUpOfficer, kMedicalOfficer},
                              "record a positive example"));
  RETURN_IF_ERROR(CheckProviderExists(state));
  RETURN_IF_ERROR(CheckId("example_id", c.example_id()));
  if (!c.unit_id().empty()) {
    RETURN_IF_ERROR(CheckId("unit_id", c.unit_id()));
    if (state.FindUnit(c.unit_id()) == nullptr) {
      return NotFound("unit_id", "is not a unit of this provider");
    }
  }
  RETURN_IF_ERROR(
      CheckEnum("quality_area", c.quality_area(), v1::QualityArea_IsValid));
  RETURN_IF_ERROR(CheckText("description", c.description()));
  RETURN_IF_ERROR(CheckPastDate("found_on", c.found_on(), ctx.today).status());

  v1::Event event;
  v1::PositiveExampleRecorded* e = event.mutable_positive_example_recorded();
  e->set_example_id(c.example_id());
  e->set_provider_id(c.provider_id());
  e->set_unit_id(c.unit_id());
  e->set_quality_area(c.quality_area());
  e->set_description(c.description());
  *e->mutable_found_on() = c.found_on();
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("example_id", FindOrNull(state.examples, c.example_id()), *e,
                 "a different example with this id is recorded"));
  if (creation == Creation::kRepeat) return Events{};
  return Events{event};
}

}  // namespace

const v1::UnitRegistered* ProviderState::FindUnit(
    const std::string& unit_id) const {
  auto it = units.find(unit_id);
  return it == units.end() ? nullptr : &it->second;
}

void EvolveProvider(ProviderState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kProviderRegistered:
      state.exists = true;
      state.registration = event.provider_registered();
      break;
    case v1::Event::kUnitRegistered:
      state.units[event.unit_registered().unit_id()] = event.unit_registered();
      break;
    case v1::Event::kFollowUpActivityRecorded: {
      const v1::FollowUpActivityRecorded& e =
          event.follow_up_activity_recorded();
      state.activities[e.activity_id()] = e;
      if (e.kind() == v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP) {
        const absl::CivilDay day = DayOf(e.performed_on());
        if (!state.last_in_depth_follow_up ||
            *state.last_in_depth_follow_up < day) {
          state.last_in_depth_follow_up = day;
        }
      }
      break;
    }
    case v1::Event::kPositiveExampleRecorded:
      state.examples[event.positive_example_recorded().example_id()] =
          event.positive_example_recorded();
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideProvider(
    const v1::Command& command, const ProviderState& state,
    const CommandContext& ctx, const FollowUpPlanState* plan) {
  switch (command.command_case()) {
    case v1::Command::kRegisterProvider:
      return RegisterProvider(command.register_provider(), state, ctx);
    case v1::Command::kRegisterUnit:
      return RegisterUnit(command.register_unit(), state, ctx);
    case v1::Command::kRecordFollowUpActivity:
      return RecordFollowUpActivity(command.record_follow_up_activity(), state,
                                    ctx, plan);
    case v1::Command::kRecordPositiveExample:
      return RecordPositiveExample(command.record_positive_example(), state,
                                   ctx);
    default:
      return absl::InvalidArgumentError("command is not a provider command");
  }
}

absl::Status CheckUnitOfProvider(absl::string_view field,
                                 const ProviderState* provider,
                                 absl::string_view provider_field,
                                 absl::string_view provider_id,
                                 absl::string_view unit_id) {
  RETURN_IF_ERROR(CheckId(provider_field, provider_id));
  RETURN_IF_ERROR(CheckId(field, unit_id));
  if (provider == nullptr || !provider->exists) {
    return NotFound(provider_field, "no provider with this id is registered");
  }
  if (provider->FindUnit(std::string(unit_id)) == nullptr) {
    return NotFound(field, "is not a unit of this provider");
  }
  return absl::OkStatus();
}

}  // namespace atgard::domain
