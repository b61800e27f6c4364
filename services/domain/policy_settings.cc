#include "services/domain/policy_settings.h"

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

// One setting: its field, default and range, stated once.
struct SettingRule {
  const char* field;
  int32_t (v1::PolicySettings::*get)() const;
  void (v1::PolicySettings::*set)(int32_t);
  int32_t default_value;
  int32_t min;
  int32_t max;
};

// Six quality areas exist, so more red areas than that can never occur.
constexpr SettingRule kSettings[] = {
    {"red_areas_threshold", &v1::PolicySettings::red_areas_threshold,
     &v1::PolicySettings::set_red_areas_threshold, 3, 1, 6},
    {"failed_key_points_threshold",
     &v1::PolicySettings::failed_key_points_threshold,
     &v1::PolicySettings::set_failed_key_points_threshold, 2, 1, 100},
    {"complaint_months_threshold",
     &v1::PolicySettings::complaint_months_threshold,
     &v1::PolicySettings::set_complaint_months_threshold, 3, 1, 24},
    {"complaint_window_months", &v1::PolicySettings::complaint_window_months,
     &v1::PolicySettings::set_complaint_window_months, 6, 1, 24},
};

v1::PolicySettings WithDefaults(v1::PolicySettings settings) {
  for (const SettingRule& rule : kSettings) {
    if ((settings.*rule.get)() == 0) (settings.*rule.set)(rule.default_value);
  }
  return settings;
}

}  // namespace

v1::PolicySettings EffectiveSettings(const PolicySettingsState* state) {
  if (state == nullptr || !state->last.has_value()) return WithDefaults({});
  return WithDefaults(state->last->settings());
}

void EvolvePolicySettings(PolicySettingsState& state, const v1::Event& event) {
  if (event.event_case() == v1::Event::kPolicySettingsChanged) {
    state.last = event.policy_settings_changed();
  }
}

absl::StatusOr<std::vector<v1::Event>> DecidePolicySettings(
    const v1::Command& command, const PolicySettingsState& state,
    const CommandContext& ctx) {
  if (command.command_case() != v1::Command::kSetPolicySettings) {
    return absl::InvalidArgumentError("command is not a settings command");
  }
  const v1::SetPolicySettings& c = command.set_policy_settings();
  RETURN_IF_ERROR(RequireRole(
      ctx.principal,
      {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_ADMINISTRATION_DIRECTOR},
      "set the policy settings"));
  for (const SettingRule& rule : kSettings) {
    const int32_t value = (c.settings().*rule.get)();
    if (value != 0 && (value < rule.min || value > rule.max)) {
      return InvalidArgument(
          absl::StrCat("settings.", rule.field),
          absl::StrCat("must be 0 (the default, ", rule.default_value,
                       ") or from ", rule.min, " to ", rule.max));
    }
  }
  const v1::PolicySettings effective = WithDefaults(c.settings());
  if (effective.complaint_months_threshold() >
      effective.complaint_window_months()) {
    return InvalidArgument(
        "settings.complaint_months_threshold",
        "must not exceed complaint_window_months (months of the window)");
  }
  // A change rests on a decision, or at least on a stated reason.
  if (c.has_decision()) {
    RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
    RETURN_IF_ERROR(CheckOptionalText("reason", c.reason()));
  } else if (c.reason().empty()) {
    return InvalidArgument("reason", "is required without a decision");
  } else {
    RETURN_IF_ERROR(CheckText("reason", c.reason()));
  }
  if (state.last.has_value() &&
      SameContent(state.last->settings(), c.settings()) &&
      SameContent(state.last->decision(), c.decision()) &&
      state.last->reason() == c.reason()) {
    return std::vector<v1::Event>{};
  }
  v1::Event event;
  v1::PolicySettingsChanged* e = event.mutable_policy_settings_changed();
  *e->mutable_settings() = c.settings();
  if (c.has_decision()) *e->mutable_decision() = c.decision();
  e->set_reason(c.reason());
  *e->mutable_changed_on() = ToDate(ctx.today);
  return std::vector<v1::Event>{event};
}

}  // namespace atgard::domain
