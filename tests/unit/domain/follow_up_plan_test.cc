// The yearly follow-up plan (årshjul): one TEST per rule of
// services/domain/RULES_AGGREGATES.md#the-yearly-follow-up-plan, which
// names them, and the policies that keep the plan current.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "services/domain/dates.h"
#include "services/domain/decider.h"
#include "services/domain/follow_up_plan_decider.h"
#include "services/domain/policies.h"
#include "services/domain/read_access.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

constexpr char kSmallProvider[] = "litet-bolag";
constexpr char kSmallOrgNumber[] = "556123-4567";
const absl::CivilDay kSeeded = Day(2026, 1, 15);

// An event written as text.
v1::Event Ev(const std::string& text) {
  v1::Event event;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &event))
      << text;
  return event;
}

v1::Command Adopt(int year, absl::CivilDay decided_on,
                  v1::FollowUpPlanSettings settings = {}) {
  v1::Command c;
  v1::AdoptFollowUpPlan* a = c.mutable_adopt_follow_up_plan();
  a->set_year(year);
  *a->mutable_settings() = settings;
  *a->mutable_decision() = DecisionOn(decided_on);
  return c;
}

v1::Command Amend(int year, absl::CivilDay decided_on,
                  v1::FollowUpPlanSettings settings) {
  v1::Command c;
  v1::AmendFollowUpPlan* a = c.mutable_amend_follow_up_plan();
  a->set_year(year);
  *a->mutable_settings() = settings;
  a->set_reason("Nämnden har beslutat om ett tredje analysteam.");
  *a->mutable_decision() = DecisionOn(decided_on);
  return c;
}

// The seeded providers (registered 2026-01-15) with the policies run, so
// that later runs see only what a test adds.
void Seed(World& world) {
  SeedProviders(world);
  world.RunPolicies(kTenant, kSeeded);
}

// The seeded world a year later, with some history: an in-depth
// follow-up of omsorgsbolaget in 2026, medication reviews at
// hemtjanst-norr in 2025 and at ekbacken in 2024.
void SeedWithHistory(World& world) {
  Seed(world);
  const absl::CivilDay day = Day(2026, 6, 1);
  world.MustRun(FollowUpOfficer(), day,
                RecordActivity("fordjupad-2026", kPrivateProvider, {},
                               v1::ACTIVITY_KIND_IN_DEPTH_FOLLOW_UP, day));
  world.MustRun(
      MedicalOfficer(), day,
      RecordActivity("lakemedel-2025", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_MEDICATION_REVIEW, Day(2025, 5, 1)));
  world.MustRun(
      MedicalOfficer(), day,
      RecordActivity("lakemedel-2024", kMunicipalProvider, {kMunicipalUnit},
                     v1::ACTIVITY_KIND_MEDICATION_REVIEW, Day(2024, 3, 1)));
  world.RunPolicies(kTenant, day);
}

std::vector<std::string> ObligationIds(const std::vector<v1::Event>& events) {
  std::vector<std::string> ids;
  for (const v1::Event& e : events) {
    if (e.has_planned_follow_up_added()) {
      ids.push_back(e.planned_follow_up_added().item().obligation_id());
    }
  }
  return ids;
}

// ---- Adoption --------------------------------------------------------------

// "Adoption with the defaults plans every item from the tenant's providers,
// units and past activities."

// How many of `all` add a triggered item (hygiene round, Lex Sarah
// follow-up) to a plan: other policies act on the same events.
size_t TriggeredFollowUps(const std::vector<domain::PolicyCommand>& all) {
  size_t n = 0;
  for (const domain::PolicyCommand& c : all) {
    n += c.command.has_add_triggered_follow_up() ? 1 : 0;
  }
  return n;
}

TEST(FollowUpPlan, AdoptionPlansEveryItemWithTheDefaults) {
  World world;
  SeedWithHistory(world);
  const absl::CivilDay today = Day(2027, 1, 10);
  const std::string decision = DecisionOn(today).ShortDebugString();
  const std::string item = "planned_follow_up_added { year: 2027 item { ";
  const std::string dec31 = " due_on { year: 2027 month: 12 day: 31 } ";
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(Adopt(2027, today))
      .Then({
          Ev(absl::StrCat(
              "follow_up_plan_adopted { year: 2027 settings { "
              "observation_visits_per_year: 6 in_depth_interval_years: 2 "
              "medication_review_interval_years: 3 analysis_teams_max: 2 "
              "hygiene_round_within_months: 3 "
              "lex_sarah_follow_up_within_months: 12 "
              "financial_check_within_months: 1 "
              "yearly_due_on { year: 2027 month: 12 day: 31 } "
              "interim_due_on { year: 2027 month: 8 day: 31 } } "
              "decision { ",
              decision,
              " } adopted_on { year: 2027 month: 1 day: 10 } "
              // What the adoption took into account.
              "subjects: 'annat-bolag' subjects: 'annat-bolag/annat-boende' "
              "subjects: 'omsorgsbolaget' "
              "subjects: 'omsorgsbolaget/hemtjanst-norr' "
              "subjects: 'omsorgsbolaget/lss-boende-sodra' "
              "subjects: 'vaxjo-egen-regi' "
              "subjects: 'vaxjo-egen-regi/ekbacken' "
              "activity_ids: 'fordjupad-2026' }")),
          Ev(item +
             "obligation_id: 'observation-visits' "
             "kind: PLANNED_FOLLOW_UP_KIND_OBSERVATION_VISITS" +
             dec31 + "required: 6 } }"),
          Ev(item +
             "obligation_id: 'record-review' "
             "kind: PLANNED_FOLLOW_UP_KIND_RECORD_REVIEW" +
             dec31 + "required: 1 } }"),
          Ev(item + "obligation_id: 'base-requirements/interim' "
                    "kind: PLANNED_FOLLOW_UP_KIND_BASE_REQUIREMENT_FOLLOW_UP "
                    "due_on { year: 2027 month: 8 day: 31 } required: 1 } }"),
          Ev(item +
             "obligation_id: 'base-requirements/year-end' "
             "kind: PLANNED_FOLLOW_UP_KIND_BASE_REQUIREMENT_FOLLOW_UP" +
             dec31 + "required: 1 } }"),
          // annat-bolag: no in-depth follow-up yet.
          Ev(item +
             "obligation_id: 'in-depth/annat-bolag' "
             "kind: PLANNED_FOLLOW_UP_KIND_IN_DEPTH_FOLLOW_UP "
             "provider_id: 'annat-bolag'" +
             dec31 + "required: 1 } }"),
          Ev(item +
             "obligation_id: 'reconciliation/annat-bolag/annat-boende' "
             "kind: PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING "
             "provider_id: 'annat-bolag' unit_id: 'annat-boende'" +
             dec31 + "required: 1 } }"),
          Ev(item +
             "obligation_id: 'medication-review/annat-bolag/annat-boende' "
             "kind: PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW "
             "provider_id: 'annat-bolag' unit_id: 'annat-boende'" +
             dec31 + "required: 1 } }"),
          // omsorgsbolaget: in-depth in 2026 (one year back), medication
          // review at hemtjanst-norr in 2025 (two years back): neither due.
          Ev(item +
             "obligation_id: 'reconciliation/omsorgsbolaget/hemtjanst-norr' "
             "kind: PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING "
             "provider_id: 'omsorgsbolaget' unit_id: 'hemtjanst-norr'" +
             dec31 + "required: 1 } }"),
          Ev(item +
             "obligation_id: 'reconciliation/omsorgsbolaget/lss-boende-sodra' "
             "kind: PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING "
             "provider_id: 'omsorgsbolaget' unit_id: 'lss-boende-sodra'" +
             dec31 + "required: 1 } }"),
          Ev(item +
             "obligation_id: "
             "'medication-review/omsorgsbolaget/lss-boende-sodra' "
             "kind: PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW "
             "provider_id: 'omsorgsbolaget' unit_id: 'lss-boende-sodra'" +
             dec31 + "required: 1 } }"),
          // The municipal unit: its medication review of 2024 is three
          // years back.
          Ev(item +
             "obligation_id: 'reconciliation/vaxjo-egen-regi/ekbacken' "
             "kind: PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING "
             "provider_id: 'vaxjo-egen-regi' unit_id: 'ekbacken'" +
             dec31 + "required: 1 } }"),
          Ev(item +
             "obligation_id: 'medication-review/vaxjo-egen-regi/ekbacken' "
             "kind: PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW "
             "provider_id: 'vaxjo-egen-regi' unit_id: 'ekbacken'" +
             dec31 + "required: 1 } }"),
      });
}

// "The settings replace the defaults: counts, intervals and due dates."
TEST(FollowUpPlan, SettingsReplaceTheDefaults) {
  World world;
  SeedWithHistory(world);
  const absl::CivilDay today = Day(2027, 1, 10);
  v1::FollowUpPlanSettings settings;
  settings.set_observation_visits_per_year(4);
  settings.set_medication_review_interval_years(2);
  settings.set_in_depth_interval_years(1);
  *settings.mutable_yearly_due_on() = D(Day(2027, 11, 30));
  *settings.mutable_interim_due_on() = D(Day(2027, 8, 15));
  const std::vector<v1::Event> events =
      world.MustRun(FollowUpOfficer(), today, Adopt(2027, today, settings));
  ASSERT_FALSE(events.empty());
  const v1::FollowUpPlanSettings& stored =
      events[0].follow_up_plan_adopted().settings();
  EXPECT_EQ(stored.observation_visits_per_year(), 4);
  EXPECT_EQ(stored.analysis_teams_max(), 2);  // the default
  EXPECT_EQ(stored.yearly_due_on().month(), 11);
  EXPECT_EQ(stored.interim_due_on().day(), 15);
  EXPECT_EQ(events[1].planned_follow_up_added().item().required(), 4);
  EXPECT_EQ(events[1].planned_follow_up_added().item().due_on().day(), 30);
  EXPECT_EQ(events[3].planned_follow_up_added().item().due_on().day(), 15);
  // A one-year interval brings omsorgsbolaget's in-depth follow-up and a
  // two-year one hemtjanst-norr's medication review into the plan.
  const std::vector<std::string> ids = ObligationIds(events);
  EXPECT_THAT(ids, ::testing::Contains("in-depth/omsorgsbolaget"));
  EXPECT_THAT(ids, ::testing::Contains(
                       "medication-review/omsorgsbolaget/hemtjanst-norr"));
}

// "A private provider registered in the plan's year gets its financial
// status and permit check at start; a small provider every year."
TEST(FollowUpPlan, FinancialCheckAtStartAndYearlyForSmallProviders) {
  World world;
  v1::Command small =
      RegisterProvider(kSmallProvider, kSmallOrgNumber, v1::REGIFORM_PRIVATE);
  small.mutable_register_provider()->set_small(true);
  world.MustRun(FollowUpOfficer(), Day(2025, 6, 1), small);
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  const std::vector<v1::Event> events =
      world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  std::map<std::string, v1::PlannedFollowUp> items;
  for (const v1::Event& e : events) {
    if (e.has_planned_follow_up_added()) {
      items[e.planned_follow_up_added().item().obligation_id()] =
          e.planned_follow_up_added().item();
    }
  }
  // Registered 2026-01-15: due within a month.
  EXPECT_THAT(items["financial-status/omsorgsbolaget"].due_on(),
              EqualsProto(D(Day(2026, 2, 15))));
  EXPECT_THAT(items["financial-status/annat-bolag"].due_on(),
              EqualsProto(D(Day(2026, 2, 15))));
  // Small, registered the year before: at year end.
  EXPECT_THAT(items["financial-status/litet-bolag"].due_on(),
              EqualsProto(D(Day(2026, 12, 31))));
  // A municipal provider has none.
  EXPECT_FALSE(items.contains("financial-status/vaxjo-egen-regi"));
}

// "A plan is adopted once a year: the same adoption again changes
// nothing; another is ALREADY_EXISTS."
TEST(FollowUpPlan, AdoptedOncePerYear) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  Given(world)
      .As(AdministrationDirector())
      .On(today + 1)
      .When(Adopt(2026, today))
      .ThenNothing();
  v1::FollowUpPlanSettings other;
  other.set_observation_visits_per_year(8);
  Given(world)
      .As(FollowUpOfficer())
      .On(today + 1)
      .When(Adopt(2026, today, other))
      .ThenFails(Code::kAlreadyExists, "year");
}

// "Every refusal names its field."
TEST(FollowUpPlan, RefusalsNameTheField) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  for (const domain::Principal& who :
       {ProviderStaff(kPrivateProvider), CareDirector(), MedicalOfficer(),
        Auditor()}) {
    Given(world)
        .As(who)
        .On(today)
        .When(Adopt(2026, today))
        .ThenFails(Code::kPermissionDenied);
  }
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(Adopt(1999, today))
      .ThenFails(Code::kInvalidArgument, "year");
  v1::FollowUpPlanSettings bad;
  bad.set_analysis_teams_max(51);
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(Adopt(2026, today, bad))
      .ThenFails(Code::kInvalidArgument, "settings.analysis_teams_max");
  v1::FollowUpPlanSettings other_year;
  *other_year.mutable_yearly_due_on() = D(Day(2027, 1, 31));
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(Adopt(2026, today, other_year))
      .ThenFails(Code::kInvalidArgument, "settings.yearly_due_on");
  v1::Command no_decision = Adopt(2026, today);
  no_decision.mutable_adopt_follow_up_plan()->clear_decision();
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(no_decision)
      .ThenFails(Code::kInvalidArgument, "decision.decision_maker");
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(Amend(2026, today, {}))
      .ThenFails(Code::kNotFound, "year");

  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  v1::Command no_reason = Amend(2026, today, {});
  no_reason.mutable_amend_follow_up_plan()->clear_reason();
  Given(world)
      .As(AdministrationDirector())
      .On(today)
      .When(no_reason)
      .ThenFails(Code::kInvalidArgument, "reason");
  Given(world)
      .As(ProviderStaff(kPrivateProvider))
      .On(today)
      .When(Amend(2026, today, {}))
      .ThenFails(Code::kPermissionDenied);

  // The policies' commands: SYSTEM only, and checked like any other.
  v1::Command triggered;
  v1::AddTriggeredFollowUp* t = triggered.mutable_add_triggered_follow_up();
  t->set_year(2026);
  t->set_kind(v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND);
  t->set_provider_id(kPrivateProvider);
  t->set_unit_id(kPrivateUnit);
  *t->mutable_found_on() = D(today);
  t->set_triggered_by("0780/indicator/x@1");
  Given(world)
      .As(FollowUpOfficer())
      .On(today)
      .When(triggered)
      .ThenFails(Code::kPermissionDenied);
  v1::Command wrong_kind = triggered;
  wrong_kind.mutable_add_triggered_follow_up()->set_kind(
      v1::PLANNED_FOLLOW_UP_KIND_RECORD_REVIEW);
  Given(world)
      .As(System())
      .On(today)
      .When(wrong_kind)
      .ThenFails(Code::kInvalidArgument, "kind");
  v1::Command no_unit = triggered;
  no_unit.mutable_add_triggered_follow_up()->clear_unit_id();
  Given(world).As(System()).On(today).When(no_unit).ThenFails(
      Code::kInvalidArgument, "unit_id");
  v1::Command other_year_found = triggered;
  *other_year_found.mutable_add_triggered_follow_up()->mutable_found_on() =
      D(Day(2025, 12, 30));
  Given(world)
      .As(System())
      .On(today)
      .When(other_year_found)
      .ThenFails(Code::kInvalidArgument, "found_on");
  v1::Command subject;
  subject.mutable_add_follow_up_plan_subject()->set_year(2026);
  subject.mutable_add_follow_up_plan_subject()->set_provider_id(
      kPrivateProvider);
  Given(world).As(System()).On(today).When(subject).ThenFails(
      Code::kInvalidArgument, "registered_on");
  v1::Command next_year = subject;
  next_year.mutable_add_follow_up_plan_subject()->set_year(2027);
  Given(world).As(System()).On(today).When(next_year).ThenFails(Code::kNotFound,
                                                                "year");
}

// ---- Fulfilment and deadlines ----------------------------------------------

// "An activity of the right kind at the right unit fulfils the item, on
// time by its date, late after it; one that no item matches is recorded
// outside the plan."
TEST(FollowUpPlan, FulfilledOnTimeLateOrOutsideThePlan) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  world.RunPolicies(kTenant, today);

  const absl::CivilDay march = Day(2026, 3, 2);
  world.MustRun(FollowUpOfficer(), march,
                RecordActivity(
                    "avstamning-ekbacken", kMunicipalProvider, {kMunicipalUnit},
                    v1::ACTIVITY_KIND_RECONCILIATION_MEETING, march));
  world.MustRun(
      FollowUpOfficer(), march,
      RecordActivity("ekonomi-omsorgsbolaget", kPrivateProvider, {},
                     v1::ACTIVITY_KIND_FINANCIAL_STATUS_CHECK, march));
  world.MustRun(FollowUpOfficer(), march,
                RecordActivity("fokus-1", kOtherProvider, {kOtherUnit},
                               v1::ACTIVITY_KIND_FOCUS_INVESTIGATION, march));
  EXPECT_THAT(
      world.RunPolicies(kTenant, march),
      ElementsAre(
          EqualsProto(
              Ev("planned_follow_up_fulfilled { year: 2026 "
                 "obligation_id: 'reconciliation/vaxjo-egen-regi/ekbacken' "
                 "activity_id: 'avstamning-ekbacken' "
                 "performed_on { year: 2026 month: 3 day: 2 } "
                 "due_on { year: 2026 month: 12 day: 31 } late: false count: 1 "
                 "}")),
          EqualsProto(Ev("planned_follow_up_fulfilled { year: 2026 "
                         "obligation_id: 'financial-status/omsorgsbolaget' "
                         "activity_id: 'ekonomi-omsorgsbolaget' "
                         "performed_on { year: 2026 month: 3 day: 2 } "
                         "due_on { year: 2026 month: 2 day: 15 } late: true "
                         "count: 1 }")),
          EqualsProto(Ev("unplanned_follow_up_recorded { year: 2026 "
                         "activity_id: 'fokus-1' provider_id: 'annat-bolag' "
                         "unit_ids: 'annat-boende' "
                         "kind: ACTIVITY_KIND_FOCUS_INVESTIGATION "
                         "performed_on { year: 2026 month: 3 day: 2 } }"))));
  // The same fulfilment again (a policy re-run) changes nothing.
  v1::Command again;
  v1::RecordPlannedFollowUpFulfilment* f =
      again.mutable_record_planned_follow_up_fulfilment();
  f->set_year(2026);
  f->set_activity_id("avstamning-ekbacken");
  f->set_provider_id(kMunicipalProvider);
  f->add_unit_ids(kMunicipalUnit);
  f->set_kind(v1::ACTIVITY_KIND_RECONCILIATION_MEETING);
  *f->mutable_performed_on() = D(march);
  Given(world).As(System()).On(march).When(again).ThenNothing();
}

// "Observation visits are a count across the municipality; base
// requirements are followed up at the August interim, then at year end."
TEST(FollowUpPlan, CountsAndTheInterimBeforeTheYearEnd) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  v1::FollowUpPlanSettings two;
  two.set_observation_visits_per_year(2);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today, two));
  world.RunPolicies(kTenant, today);
  const absl::CivilDay day = Day(2026, 4, 1);
  for (const char* id : {"besok-1", "besok-2"}) {
    world.MustRun(FollowUpOfficer(), day,
                  RecordActivity(id, kMunicipalProvider, {kMunicipalUnit},
                                 v1::ACTIVITY_KIND_OBSERVATION_VISIT, day));
  }
  for (const char* id : {"grundkrav-delar", "grundkrav-helar"}) {
    world.MustRun(
        FollowUpOfficer(), day,
        RecordActivity(id, kMunicipalProvider, {},
                       v1::ACTIVITY_KIND_BASE_REQUIREMENT_FOLLOW_UP, day));
  }
  std::vector<std::string> fulfilled;
  for (const v1::Event& e : world.RunPolicies(kTenant, day)) {
    ASSERT_TRUE(e.has_planned_follow_up_fulfilled()) << e.ShortDebugString();
    fulfilled.push_back(
        absl::StrCat(e.planned_follow_up_fulfilled().obligation_id(), "#",
                     e.planned_follow_up_fulfilled().count()));
  }
  EXPECT_THAT(fulfilled,
              ElementsAre("observation-visits#1", "observation-visits#2",
                          "base-requirements/interim#1",
                          "base-requirements/year-end#1"));
}

// "An item not done by its date is overdue, once."
TEST(FollowUpPlan, OverdueOnceTheDayAfter) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  EXPECT_THAT(world.RunDeadlines(kTenant, Day(2026, 2, 15)), IsEmpty());
  EXPECT_THAT(
      world.RunDeadlines(kTenant, Day(2026, 2, 16)),
      ElementsAre(
          EqualsProto(Ev("planned_follow_up_overdue { year: 2026 "
                         "obligation_id: 'financial-status/annat-bolag' "
                         "kind: PLANNED_FOLLOW_UP_KIND_FINANCIAL_STATUS_CHECK "
                         "provider_id: 'annat-bolag' "
                         "due_on { year: 2026 month: 2 day: 15 } }")),
          EqualsProto(Ev("planned_follow_up_overdue { year: 2026 "
                         "obligation_id: 'financial-status/omsorgsbolaget' "
                         "kind: PLANNED_FOLLOW_UP_KIND_FINANCIAL_STATUS_CHECK "
                         "provider_id: 'omsorgsbolaget' "
                         "due_on { year: 2026 month: 2 day: 15 } }"))));
  EXPECT_THAT(world.RunDeadlines(kTenant, Day(2026, 2, 17)), IsEmpty());
  EXPECT_THAT(world.RunDeadlines(kTenant, Day(2026, 8, 31)), IsEmpty());
  std::vector<v1::Event> september =
      world.RunDeadlines(kTenant, Day(2026, 9, 1));
  ASSERT_EQ(september.size(), 1u);
  EXPECT_EQ(september[0].planned_follow_up_overdue().obligation_id(),
            "base-requirements/interim");
}

// ---- Items added during the year -------------------------------------------

// "A unit registered during the year gets its items."
TEST(FollowUpPlan, NewUnitDuringTheYear) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  world.RunPolicies(kTenant, today);
  const absl::CivilDay day = Day(2026, 5, 4);
  world.MustRun(FollowUpOfficer(), day,
                RegisterUnit(kMunicipalProvider, "nya-hemmet"));
  const std::string trigger =
      absl::StrCat(kTenant, "/provider/vaxjo-egen-regi@",
                   world.Stream(ProviderStream(kMunicipalProvider)).size());
  EXPECT_THAT(
      world.RunPolicies(kTenant, day),
      ElementsAre(
          EqualsProto(Ev(absl::StrCat(
              "planned_follow_up_added { year: 2026 item { "
              "obligation_id: 'reconciliation/vaxjo-egen-regi/nya-hemmet' "
              "kind: PLANNED_FOLLOW_UP_KIND_RECONCILIATION_MEETING "
              "provider_id: 'vaxjo-egen-regi' unit_id: 'nya-hemmet' "
              "due_on { year: 2026 month: 12 day: 31 } required: 1 "
              "triggered_by: '",
              trigger, "' } }"))),
          EqualsProto(Ev(absl::StrCat(
              "planned_follow_up_added { year: 2026 item { "
              "obligation_id: 'medication-review/vaxjo-egen-regi/nya-hemmet' "
              "kind: PLANNED_FOLLOW_UP_KIND_MEDICATION_REVIEW "
              "provider_id: 'vaxjo-egen-regi' unit_id: 'nya-hemmet' "
              "due_on { year: 2026 month: 12 day: 31 } required: 1 "
              "triggered_by: '",
              trigger, "' } }")))));
}

// "A red basic-hygiene measurement puts a hygiene round on the plan within
// three months; a Lex Sarah case its follow-up after twelve."
TEST(FollowUpPlan, HygieneRoundAndLexSarahFollowUp) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  world.RunPolicies(kTenant, today);
  const absl::CivilDay day = Day(2026, 5, 31);
  v1::Command hygiene = RecordMeasurement("ppm-2026", kPrivateProvider,
                                          kPrivateUnit, "ppm-hygien", 2026, day,
                                          /*red=*/true);
  hygiene.mutable_record_measurement()
      ->mutable_measurement()
      ->set_basic_hygiene(true);
  world.MustRun(FollowUpOfficer(), day, hygiene);
  v1::Command green = RecordMeasurement("ppm-2026-b", kMunicipalProvider,
                                        kMunicipalUnit, "ppm-hygien", 2026, day,
                                        /*red=*/false);
  green.mutable_record_measurement()->mutable_measurement()->set_basic_hygiene(
      true);
  world.MustRun(FollowUpOfficer(), day, green);
  v1::Command lex_sarah =
      RegisterCase("lex-sarah-1", kPrivateProvider, kPrivateUnit, day);
  lex_sarah.mutable_register_case()->mutable_deficiency()->set_source(
      v1::DEFICIENCY_SOURCE_LEX_SARAH);
  world.MustRun(FollowUpOfficer(), day, lex_sarah);
  std::vector<v1::Event> added;
  for (const v1::Event& e : world.RunPolicies(kTenant, day)) {
    if (e.has_planned_follow_up_added()) added.push_back(e);
  }
  ASSERT_EQ(added.size(), 2u);
  const v1::PlannedFollowUp& round = added[0].planned_follow_up_added().item();
  EXPECT_EQ(round.kind(), v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND);
  EXPECT_EQ(round.unit_id(), kPrivateUnit);
  // 2026-05-31 + 3 months: the last day of August.
  EXPECT_THAT(round.due_on(), EqualsProto(D(Day(2026, 8, 31))));
  const v1::PlannedFollowUp& sarah = added[1].planned_follow_up_added().item();
  EXPECT_EQ(sarah.kind(), v1::PLANNED_FOLLOW_UP_KIND_LEX_SARAH_FOLLOW_UP);
  EXPECT_THAT(sarah.due_on(), EqualsProto(D(Day(2027, 5, 31))));
  EXPECT_EQ(sarah.triggered_by(), absl::StrCat(kTenant, "/case/lex-sarah-1@1"));

  // Done in the next year, the Lex Sarah follow-up still counts in the
  // plan of the year it was planned in.
  const absl::CivilDay next = Day(2027, 4, 1);
  world.MustRun(
      FollowUpOfficer(), next,
      RecordActivity("lex-sarah-uppfoljning", kPrivateProvider, {kPrivateUnit},
                     v1::ACTIVITY_KIND_LEX_SARAH_FOLLOW_UP, next));
  const std::vector<v1::Event> done = world.RunPolicies(kTenant, next);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].planned_follow_up_fulfilled().obligation_id(),
            sarah.obligation_id());
  EXPECT_FALSE(done[0].planned_follow_up_fulfilled().late());
}

// "At most two analysis teams a year: a third is refused until the plan
// is amended to allow it."
TEST(FollowUpPlan, AnalysisTeamLimitAndTheAmendmentThatLiftsIt) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  world.RunPolicies(kTenant, today);
  const absl::CivilDay day = Day(2026, 3, 2);
  for (const char* id : {"analysteam-1", "analysteam-2"}) {
    world.MustRun(FollowUpOfficer(), day,
                  RecordActivity(id, kMunicipalProvider, {kMunicipalUnit},
                                 v1::ACTIVITY_KIND_ANALYSIS_TEAM, day));
    world.RunPolicies(kTenant, day);
  }
  const v1::Command third =
      RecordActivity("analysteam-3", kMunicipalProvider, {kMunicipalUnit},
                     v1::ACTIVITY_KIND_ANALYSIS_TEAM, day);
  Given(world)
      .As(FollowUpOfficer())
      .On(day)
      .When(third)
      .ThenFails(Code::kFailedPrecondition, "kind");
  // Another year's plan does not count them.
  Given(world)
      .As(FollowUpOfficer())
      .On(Day(2027, 1, 5))
      .When(RecordActivity("analysteam-2027", kMunicipalProvider,
                           {kMunicipalUnit}, v1::ACTIVITY_KIND_ANALYSIS_TEAM,
                           Day(2027, 1, 5)))
      .Then({Ev("follow_up_activity_recorded { activity_id: "
                "'analysteam-2027' provider_id: 'vaxjo-egen-regi' "
                "unit_ids: 'ekbacken' kind: ACTIVITY_KIND_ANALYSIS_TEAM "
                "performed_on { year: 2027 month: 1 day: 5 } announced: false "
                "summary: '" +
                third.record_follow_up_activity().summary() + "' }")});

  v1::FollowUpPlanSettings three;
  three.set_analysis_teams_max(3);
  world.MustRun(AdministrationDirector(), day, Amend(2026, day, three));
  world.MustRun(FollowUpOfficer(), day, third);
  world.RunPolicies(kTenant, day);
  Given(world)
      .As(FollowUpOfficer())
      .On(day)
      .When(RecordActivity("analysteam-4", kMunicipalProvider, {kMunicipalUnit},
                           v1::ACTIVITY_KIND_ANALYSIS_TEAM, day))
      .ThenFails(Code::kFailedPrecondition, "kind");
}

// "The plan names every provider, so PROVIDER staff do not read it."
TEST(FollowUpPlan, ProviderStaffDoNotReadThePlan) {
  World world;
  Seed(world);
  const absl::CivilDay today = Day(2026, 1, 20);
  world.MustRun(FollowUpOfficer(), today, Adopt(2026, today));
  const domain::AggregateRef ref{.kind = domain::AggregateKind::kFollowUpPlan,
                                 .id = "2026"};
  const domain::AggregateState state = world.State(kTenant, ref);
  EXPECT_EQ(domain::CheckAggregateRead(ProviderStaff(kPrivateProvider), "year",
                                       ref, state)
                .code(),
            Code::kNotFound);
  for (const domain::Principal& reader :
       {FollowUpOfficer(), CareDirector(), Auditor(), Supervisor()}) {
    EXPECT_TRUE(domain::CheckAggregateRead(reader, "year", ref, state).ok());
  }
}

// ---- Policies --------------------------------------------------------------

// "Registrations recorded before the plan existed carry no date: no
// policy command."
TEST(FollowUpPlanPolicies, RegistrationsWithoutADateAreSkipped) {
  const v1::Event old_unit =
      Ev("unit_registered { provider_id: 'omsorgsbolaget' unit_id: 'gamla' }");
  EXPECT_THAT(
      domain::PolicyCommandsFor("0780/provider/omsorgsbolaget", 3, old_unit),
      IsEmpty());
  v1::Event dated = old_unit;
  *dated.mutable_unit_registered()->mutable_registered_on() =
      D(Day(2026, 4, 1));
  const std::vector<domain::PolicyCommand> commands =
      domain::PolicyCommandsFor("0780/provider/omsorgsbolaget", 3, dated);
  ASSERT_EQ(commands.size(), 1u);
  EXPECT_EQ(commands[0].command_id,
            "policy:plan-subject:0780/provider/omsorgsbolaget@3");
  EXPECT_EQ(commands[0].command.add_follow_up_plan_subject().year(), 2026);
}

// "An activity is offered to the plans of its year and the year before,
// each under a command id of its own."
TEST(FollowUpPlanPolicies, ActivityGoesToItsYearAndTheYearBefore) {
  const v1::Event activity =
      Ev("follow_up_activity_recorded { activity_id: 'a-1' "
         "provider_id: 'omsorgsbolaget' kind: ACTIVITY_KIND_RECORD_REVIEW "
         "performed_on { year: 2026 month: 2 day: 3 } }");
  const std::vector<domain::PolicyCommand> commands =
      domain::PolicyCommandsFor("0780/provider/omsorgsbolaget", 7, activity);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].command_id,
            "policy:plan-fulfilment:0780/provider/omsorgsbolaget@7:2026");
  EXPECT_EQ(commands[1].command_id,
            "policy:plan-fulfilment:0780/provider/omsorgsbolaget@7:2025");
  EXPECT_EQ(commands[1].command.record_planned_follow_up_fulfilment().year(),
            2025);
}

// "A Lex Sarah case a policy opened (recurring reports) follows no
// investigation: it calls for no yearly follow-up of measures."
TEST(FollowUpPlanPolicies, APolicysLexSarahCaseCallsForNoFollowUpOfMeasures) {
  v1::Event registered =
      Ev("case_registered { case_id: 'auto-1' deficiency { provider_id: 'p' "
         "unit_id: 'u' source: DEFICIENCY_SOURCE_LEX_SARAH } "
         "registered_on { year: 2026 month: 5 day: 2 } }");
  EXPECT_EQ(TriggeredFollowUps(
                domain::PolicyCommandsFor("0780/case/auto-1", 1, registered)),
            1u);
  registered.mutable_case_registered()->set_triggered_by(
      "0780/complaints/p/u@3");
  EXPECT_EQ(TriggeredFollowUps(
                domain::PolicyCommandsFor("0780/case/auto-1", 1, registered)),
            0u);
}

// "Only a red basic-hygiene measurement calls for a hygiene round."
TEST(FollowUpPlanPolicies, OnlyRedBasicHygieneCallsForAHygieneRound) {
  v1::Event red =
      Ev("measurement_recorded { measurement_id: 'm' measurement { "
         "provider_id: 'p' unit_id: 'u' basic_hygiene: true "
         "measured_on { year: 2026 month: 5 day: 2 } } "
         "result: MEASUREMENT_RESULT_RED }");
  // The measurement's result is also noted for the unit (the trigger
  // policies); the plan's command is the hygiene round.
  ASSERT_EQ(TriggeredFollowUps(
                domain::PolicyCommandsFor("0780/indicator/p/u/i", 1, red)),
            1u);
  v1::Event green = red;
  green.mutable_measurement_recorded()->set_result(
      v1::MEASUREMENT_RESULT_GREEN);
  EXPECT_EQ(TriggeredFollowUps(
                domain::PolicyCommandsFor("0780/indicator/p/u/i", 1, green)),
            0u);
  v1::Event other = red;
  other.mutable_measurement_recorded()
      ->mutable_measurement()
      ->set_basic_hygiene(false);
  EXPECT_EQ(TriggeredFollowUps(
                domain::PolicyCommandsFor("0780/indicator/p/u/i", 1, other)),
            0u);
}

}  // namespace
}  // namespace atgard::testing
