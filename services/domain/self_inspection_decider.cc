#include "services/domain/self_inspection_decider.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/policy_settings.h"
#include "services/domain/provider_decider.h"

namespace atgard::domain {

std::string SelfInspectionId(absl::string_view provider_id,
                             absl::string_view unit_id, int year) {
  return absl::StrCat(provider_id, "/", unit_id, "/", year);
}

void EvolveSelfInspection(SelfInspectionState& state, const v1::Event& event) {
  if (event.event_case() == v1::Event::kSelfInspectionRecorded) {
    state.recorded = event.self_inspection_recorded();
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideSelfInspection(
    const v1::Command& command, const SelfInspectionState& state,
    const CommandContext& ctx, const ProviderState* provider,
    const PolicySettingsState* settings) {
  if (command.command_case() != v1::Command::kRecordSelfInspection) {
    return absl::InvalidArgumentError(
        "command is not a self-inspection command");
  }
  const v1::RecordSelfInspection& c = command.record_self_inspection();
  // The unit answers its own survey; the follow-up officer may enter it.
  RETURN_IF_ERROR(RequireRole(ctx.principal,
                              {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_PROVIDER},
                              "record a self-inspection"));
  RETURN_IF_ERROR(RequireOwnProvider(ctx.principal, c.provider_id()));
  RETURN_IF_ERROR(CheckUnitOfProvider("unit_id", provider, "provider_id",
                                      c.provider_id(), c.unit_id()));
  if (c.year() > ctx.today.year()) {
    return InvalidArgument("year", "must not be after the current year");
  }
  if (c.points().empty()) {
    return InvalidArgument("points", "must not be empty");
  }
  std::set<std::string> ids;
  for (int i = 0; i < c.points_size(); ++i) {
    const v1::SelfInspectionPoint& p = c.points(i);
    const FieldPath point = FieldPath("points").Index(i);
    RETURN_IF_ERROR(CheckId(point.Child("point_id"), p.point_id()));
    if (!ids.insert(p.point_id()).second) {
      return InvalidArgument(point.Child("point_id"),
                             "appears twice in the survey");
    }
    // The question asked of the unit; the text guard refuses a
    // personnummer in it like in any free text.
    RETURN_IF_ERROR(CheckText(point.Child("text"), p.text()));
  }
  if (state.recorded.has_value()) {
    v1::RecordSelfInspection stored;
    stored.set_provider_id(state.recorded->provider_id());
    stored.set_unit_id(state.recorded->unit_id());
    stored.set_year(state.recorded->year());
    *stored.mutable_points() = state.recorded->points();
    ASSIGN_OR_RETURN(
        const Creation creation,
        CreateOnce("year", true, SameContent(stored, c),
                   "a different self-inspection of this unit and year is "
                   "recorded"));
    if (creation == Creation::kRepeat) return std::vector<v1::Event>{};
  }

  std::vector<v1::Event> events;
  v1::Event recorded_event;
  v1::SelfInspectionRecorded* recorded =
      recorded_event.mutable_self_inspection_recorded();
  recorded->set_provider_id(c.provider_id());
  recorded->set_unit_id(c.unit_id());
  recorded->set_year(c.year());
  *recorded->mutable_points() = c.points();
  *recorded->mutable_recorded_on() = ToDate(ctx.today);
  events.push_back(recorded_event);

  std::vector<std::string> failed;
  for (const v1::SelfInspectionPoint& p : c.points()) {
    if (p.key_point() && !p.met()) failed.push_back(p.point_id());
  }
  const int threshold =
      EffectiveSettings(settings).failed_key_points_threshold();
  if (static_cast<int>(failed.size()) >= threshold) {
    v1::Event event;
    v1::SelfInspectionKeyPointsFailed* e =
        event.mutable_self_inspection_key_points_failed();
    e->set_provider_id(c.provider_id());
    e->set_unit_id(c.unit_id());
    e->set_year(c.year());
    for (std::string& id : failed) e->add_failed_point_ids(std::move(id));
    e->set_threshold(threshold);
    *e->mutable_recorded_on() = ToDate(ctx.today);
    events.push_back(event);
  }
  return events;
}

}  // namespace atgard::domain
