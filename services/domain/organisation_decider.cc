#include "services/domain/organisation_decider.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;

bool Lists(const v1::OrganisationArea& area, absl::string_view subject) {
  return std::find(area.care_director_subjects().begin(),
                   area.care_director_subjects().end(),
                   subject) != area.care_director_subjects().end();
}

bool Holds(const v1::OrganisationArea& area, absl::string_view provider_id,
           absl::string_view unit_id) {
  return std::any_of(
      area.units().begin(), area.units().end(), [&](const v1::UnitRef& u) {
        return u.provider_id() == provider_id && u.unit_id() == unit_id;
      });
}

absl::StatusOr<Events> DefineArea(const v1::DefineArea& c,
                                  const OrganisationState& state,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {v1::ROLE_ADMINISTRATION_DIRECTOR},
                              "define an area"));
  const v1::OrganisationArea& area = c.area();
  RETURN_IF_ERROR(CheckId("area.area_id", area.area_id()));
  RETURN_IF_ERROR(CheckName("area.name", area.name()));
  if (area.units().empty()) {
    return InvalidArgument("area.units", "name at least one unit");
  }
  std::set<std::pair<std::string, std::string>> units;
  for (int i = 0; i < area.units_size(); ++i) {
    const v1::UnitRef& unit = area.units(i);
    const std::string field = absl::StrCat("area.units[", i, "]");
    RETURN_IF_ERROR(
        CheckId(absl::StrCat(field, ".provider_id"), unit.provider_id()));
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".unit_id"), unit.unit_id()));
    if (!units.emplace(unit.provider_id(), unit.unit_id()).second) {
      return InvalidArgument(field, "names the same unit twice");
    }
  }
  std::set<std::string> subjects;
  for (int i = 0; i < area.care_director_subjects_size(); ++i) {
    const std::string field =
        absl::StrCat("area.care_director_subjects[", i, "]");
    RETURN_IF_ERROR(CheckReference(field, area.care_director_subjects(i)));
    if (!subjects.insert(area.care_director_subjects(i)).second) {
      return InvalidArgument(field, "names the same care director twice");
    }
  }
  const v1::OrganisationArea* existing =
      FindOrNull(state.areas, area.area_id());
  if (existing != nullptr && SameContent(*existing, area)) return Events{};
  // A unit answers to one area, so that one care director's scope never
  // silently overlaps another's.
  for (int i = 0; i < area.units_size(); ++i) {
    const v1::OrganisationArea* other =
        state.AreaOfUnit(area.units(i).provider_id(), area.units(i).unit_id());
    if (other != nullptr && other->area_id() != area.area_id()) {
      return FailedPrecondition(
          absl::StrCat("area.units[", i, "]"),
          absl::StrCat("the unit belongs to area ", other->area_id(),
                       "; remove it there first"));
    }
  }
  v1::Event event;
  v1::AreaDefined* e = event.mutable_area_defined();
  *e->mutable_area() = area;
  *e->mutable_defined_on() = ToDate(ctx.today);
  return Events{event};
}

}  // namespace

const v1::OrganisationArea* OrganisationState::AreaOfUnit(
    absl::string_view provider_id, absl::string_view unit_id) const {
  for (const auto& [id, area] : areas) {
    if (Holds(area, provider_id, unit_id)) return &area;
  }
  return nullptr;
}

void EvolveOrganisation(OrganisationState& state, const v1::Event& event) {
  if (event.has_area_defined()) {
    const v1::OrganisationArea& area = event.area_defined().area();
    state.areas[area.area_id()] = area;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideOrganisation(
    const v1::Command& command, const OrganisationState& state,
    const CommandContext& context) {
  if (command.has_define_area()) {
    return DefineArea(command.define_area(), state, context);
  }
  return absl::InvalidArgumentError("command is not an organisation command");
}

absl::Status CheckCareDirectorArea(const Principal& principal,
                                   const OrganisationState* organisation,
                                   absl::string_view field,
                                   absl::string_view provider_id,
                                   absl::string_view unit_id) {
  if (principal.role != v1::ROLE_CARE_DIRECTOR) return absl::OkStatus();
  const bool any_area = organisation != nullptr && organisation->exists();
  if (!principal.area_id.empty()) {
    const v1::OrganisationArea* named =
        any_area ? FindOrNull(organisation->areas, principal.area_id) : nullptr;
    if (named == nullptr || !Lists(*named, principal.subject)) {
      return WithReason(
          PermissionDenied(
              "", absl::StrCat("care director ", principal.subject,
                               " is not responsible for area ",
                               principal.area_id, ", which the token names")),
          "AREA_NOT_RESPONSIBLE");
    }
    if (Holds(*named, provider_id, unit_id)) return absl::OkStatus();
  } else {
    if (!any_area) return absl::OkStatus();
    const v1::OrganisationArea* area =
        organisation->AreaOfUnit(provider_id, unit_id);
    if (area != nullptr && Lists(*area, principal.subject)) {
      return absl::OkStatus();
    }
  }
  return WithReason(
      PermissionDenied(
          field, absl::StrCat("unit ", unit_id, " of provider ", provider_id,
                              " is not in an area care director ",
                              principal.subject, " is responsible for",
                              principal.area_id.empty()
                                  ? ""
                                  : absl::StrCat(" (token area ",
                                                 principal.area_id, ")"))),
      "OUTSIDE_CARE_AREA");
}

}  // namespace atgard::domain
