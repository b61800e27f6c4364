// The tenant's organisation register: the areas (områden) of the
// municipality's own units and the care directors (omsorgschefer)
// responsible for each, in one stream per tenant,
// `<tenant>/organisation/areas`. Its state, its decider, and the scope rule
// every case command of a CARE_DIRECTOR is checked against.
//
// Pure: no storage, no clock, no logging. Thread-safe: free functions over
// values the caller owns.
#ifndef ATGARD_SERVICES_DOMAIN_ORGANISATION_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_ORGANISATION_DECIDER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

// The id of the one organisation aggregate of a tenant.
inline constexpr char kOrganisationId[] = "areas";

struct OrganisationState {
  // Every area by its id, as last defined.
  std::map<std::string, v1::OrganisationArea> areas;

  bool exists() const { return !areas.empty(); }
  // The area holding the unit, or nullptr if none does.
  const v1::OrganisationArea* AreaOfUnit(absl::string_view provider_id,
                                         absl::string_view unit_id) const;
};

// Applies one event. Events of other aggregates are ignored.
void EvolveOrganisation(OrganisationState& state, const v1::Event& event);

// Decides DefineArea, the ADMINISTRATION_DIRECTOR's: AreaDefined with the
// new definition, or no events if the area is already defined exactly so
// (a repeat). Errors:
//   PERMISSION_DENIED   any other role;
//   INVALID_ARGUMENT    a malformed id, name, unit or subject, a unit or a
//                       subject named twice, no unit (the status names the
//                       field, e.g. "area.units[2].unit_id");
//   FAILED_PRECONDITION a unit that belongs to another area
//                       ("area.units[i]"); move it out of that one first.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideOrganisation(
    const v1::Command& command, const OrganisationState& state,
    const CommandContext& context);

// The scope rule of a CARE_DIRECTOR acting on the case of unit
// `unit_id` of `provider_id`, against the register `organisation` (null:
// no area defined yet). OK for every other role. For a CARE_DIRECTOR:
//   - a principal naming an area (Principal::area_id) acts only there: the
//     area must exist and list the director's subject, else
//     PERMISSION_DENIED (reason AREA_NOT_RESPONSIBLE, no field) — a token
//     narrows the director's areas, never widens them;
//   - without areas in the register, and without an area named, the
//     director acts in the whole tenant (the register is optional until
//     the municipality starts it);
//   - otherwise the unit must belong to an area (the named one, if any)
//     that lists the director's subject, else PERMISSION_DENIED (reason
//     OUTSIDE_CARE_AREA, field `field`) naming the unit.
[[nodiscard]] absl::Status CheckCareDirectorArea(
    const Principal& principal, const OrganisationState* organisation,
    absl::string_view field, absl::string_view provider_id,
    absl::string_view unit_id);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_ORGANISATION_DECIDER_H_
