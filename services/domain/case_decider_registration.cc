// Registration: RegisterCase, the one command that creates a case, and
// MarkCaseSystemLevel, which takes a new case out of the staircase.
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/provider_decider.h"
#include "services/domain/streams.h"
#include "services/domain/validation.h"

namespace atgard::domain::internal {

absl::StatusOr<Events> RegisterCase(const v1::RegisterCase& c,
                                    const CaseState& s,
                                    const CommandContext& ctx,
                                    const CaseReferences& refs) {
  RETURN_IF_ERROR(
      RequireRole(ctx.principal,
                  AllowedRoles(Actor::kRegistrar, v1::REGIFORM_UNSPECIFIED,
                               v1::ESCALATION_STEP_UNSPECIFIED),
                  "register a case"));
  RETURN_IF_ERROR(CheckId("case_id", c.case_id()));
  const v1::Deficiency& d = c.deficiency();
  RETURN_IF_ERROR(CheckUnitOfProvider("deficiency.unit_id", refs.provider,
                                      "deficiency.provider_id", d.provider_id(),
                                      d.unit_id()));
  RETURN_IF_ERROR(
      CheckEnum("deficiency.source", d.source(), v1::DeficiencySource_IsValid));
  RETURN_IF_ERROR(CheckEnum("deficiency.quality_area", d.quality_area(),
                            v1::QualityArea_IsValid));
  RETURN_IF_ERROR(CheckEnum("deficiency.indicator_kind", d.indicator_kind(),
                            v1::IndicatorKind_IsValid));
  RETURN_IF_ERROR(
      CheckEnum("deficiency.severity", d.severity(), v1::Severity_IsValid));
  RETURN_IF_ERROR(CheckText("deficiency.description", d.description()));
  RETURN_IF_ERROR(
      CheckPastDate("deficiency.detected_on", d.detected_on(), ctx.today)
          .status());
  if (c.system_level()) {
    RETURN_IF_ERROR(CheckText("system_level_reason", c.system_level_reason()));
  } else if (!c.system_level_reason().empty()) {
    return InvalidArgument("system_level_reason",
                           "is given only for a system-level deficiency");
  }
  if (ctx.principal.role == v1::ROLE_SYSTEM) {
    // "<stream id>@<version>" of the triggering event, bounded like a
    // stream id.
    if (c.triggered_by().empty() ||
        c.triggered_by().size() > kMaxStreamIdBytes) {
      return InvalidArgument("triggered_by",
                             "a policy names the event that triggered it");
    }
    // It is stored with the case like any text, so the same guard applies.
    RETURN_IF_ERROR(
        CheckNoPersonalIdentityNumbers("triggered_by", c.triggered_by()));
  } else if (!c.triggered_by().empty()) {
    return InvalidArgument("triggered_by", "is set by automatic policies only");
  }

  // The registration holds more than the command (regiform, date): the
  // command's own fields are compared.
  const v1::CaseRegistered& r = s.registration;
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("case_id", s.exists(),
                 SameContent(r.deficiency(), d) &&
                     r.system_level() == c.system_level() &&
                     r.system_level_reason() == c.system_level_reason() &&
                     r.triggered_by() == c.triggered_by(),
                 "a different case with this id exists"));
  if (creation == Creation::kRepeat) return Events{};
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseRegistered* e = event.mutable_case_registered();
    e->set_case_id(c.case_id());
    *e->mutable_deficiency() = d;
    e->set_regiform(refs.provider->regiform());
    e->set_system_level(c.system_level());
    e->set_system_level_reason(c.system_level_reason());
    *e->mutable_registered_on() = ToDate(ctx.today);
    e->set_triggered_by(c.triggered_by());
    e->set_health_care_scoped(true);
  })};
}

absl::StatusOr<Events> MarkSystemLevel(const v1::MarkCaseSystemLevel& c,
                                       const CaseState& s,
                                       const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  if (s.system_level) return Events{};
  RETURN_IF_ERROR(Gate(s, v1::Command::kMarkCaseSystemLevel, ctx));
  // After a request the plan may be what revealed it: the round under way,
  // if any, closes with the marking.
  const bool round_open = s.status != CaseStatus::kOpen;
  return Events{Wrap([&](v1::Event& event) {
    v1::CaseMarkedSystemLevel* e = event.mutable_case_marked_system_level();
    e->set_case_id(s.case_id);
    e->set_reason(c.reason());
    if (round_open) e->set_closed_round(s.round);
  })};
}

}  // namespace atgard::domain::internal
