// The follow-up plan's settings: one table of every numeric setting with
// its default and bounds, read by the check and by the defaults.
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/follow_up_plan_decider.h"
#include "services/domain/follow_up_plan_internal.h"

namespace atgard::domain {
namespace {

// One row of the settings table: the field, its default and its bounds.
struct IntSetting {
  absl::string_view field;
  int default_value;
  int min;
  int max;
  bool (v1::FollowUpPlanSettings::*has)() const;
  int32_t (v1::FollowUpPlanSettings::*get)() const;
  void (v1::FollowUpPlanSettings::*set)(int32_t);
};

// The defaults are the follow-up model's: six observation visits a year,
// an in-depth follow-up every second year, a medication review every third,
// at most two analysis teams, a hygiene round within three months, the Lex
// Sarah follow-up after a year.
constexpr IntSetting kIntSettings[] = {
    {"observation_visits_per_year", 6, 0, 100,
     &v1::FollowUpPlanSettings::has_observation_visits_per_year,
     &v1::FollowUpPlanSettings::observation_visits_per_year,
     &v1::FollowUpPlanSettings::set_observation_visits_per_year},
    {"in_depth_interval_years", 2, 1, 10,
     &v1::FollowUpPlanSettings::has_in_depth_interval_years,
     &v1::FollowUpPlanSettings::in_depth_interval_years,
     &v1::FollowUpPlanSettings::set_in_depth_interval_years},
    {"medication_review_interval_years", 3, 1, 10,
     &v1::FollowUpPlanSettings::has_medication_review_interval_years,
     &v1::FollowUpPlanSettings::medication_review_interval_years,
     &v1::FollowUpPlanSettings::set_medication_review_interval_years},
    {"analysis_teams_max", 2, 0, 50,
     &v1::FollowUpPlanSettings::has_analysis_teams_max,
     &v1::FollowUpPlanSettings::analysis_teams_max,
     &v1::FollowUpPlanSettings::set_analysis_teams_max},
    {"hygiene_round_within_months", 3, 1, 24,
     &v1::FollowUpPlanSettings::has_hygiene_round_within_months,
     &v1::FollowUpPlanSettings::hygiene_round_within_months,
     &v1::FollowUpPlanSettings::set_hygiene_round_within_months},
    {"lex_sarah_follow_up_within_months", 12, 1, 24,
     &v1::FollowUpPlanSettings::has_lex_sarah_follow_up_within_months,
     &v1::FollowUpPlanSettings::lex_sarah_follow_up_within_months,
     &v1::FollowUpPlanSettings::set_lex_sarah_follow_up_within_months},
    {"financial_check_within_months", 1, 1, 12,
     &v1::FollowUpPlanSettings::has_financial_check_within_months,
     &v1::FollowUpPlanSettings::financial_check_within_months,
     &v1::FollowUpPlanSettings::set_financial_check_within_months},
};

}  // namespace

namespace internal {

absl::Status CheckSettings(const v1::FollowUpPlanSettings& s, int year) {
  for (const IntSetting& row : kIntSettings) {
    if (!(s.*row.has)()) continue;
    const int value = (s.*row.get)();
    if (value < row.min || value > row.max) {
      return InvalidArgument(
          absl::StrCat("settings.", row.field),
          absl::StrCat("must be from ", row.min, " to ", row.max, " (default ",
                       row.default_value, ")"));
    }
  }
  for (const auto& [field, date] :
       {std::pair<absl::string_view, const v1::Date*>{"settings.yearly_due_on",
                                                      &s.yearly_due_on()},
        {"settings.interim_due_on", &s.interim_due_on()}}) {
    if (IsUnset(*date)) continue;
    ASSIGN_OR_RETURN(absl::CivilDay day, CheckDate(field, *date));
    if (day.year() != year) {
      return InvalidArgument(field, "must be in the plan's year");
    }
  }
  return absl::OkStatus();
}

}  // namespace internal

v1::FollowUpPlanSettings EffectiveSettings(
    const v1::FollowUpPlanSettings& settings, int year) {
  v1::FollowUpPlanSettings out = settings;
  for (const IntSetting& row : kIntSettings) {
    if (!(out.*row.has)()) (out.*row.set)(row.default_value);
  }
  if (IsUnset(out.yearly_due_on())) {
    *out.mutable_yearly_due_on() = ToDate(absl::CivilDay(year, 12, 31));
  }
  if (IsUnset(out.interim_due_on())) {
    *out.mutable_interim_due_on() = ToDate(absl::CivilDay(year, 8, 31));
  }
  return out;
}

}  // namespace atgard::domain
