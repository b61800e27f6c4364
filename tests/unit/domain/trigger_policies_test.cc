// The automatic triggers and the settings they read
// (services/domain/RULES_AGGREGATES.md#policies): low goal fulfilment in
// several quality areas, failed self-inspection key points, recurring
// complaints and deviations; each at, below and above its threshold, once
// per period, with changed settings, and every refusal; then the policy
// functions and the policies end to end through the world.
#include "services/domain/trigger_policies.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/decider.h"
#include "services/domain/policies.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = absl::StatusCode;

// An event written as text, as the specification states it.
v1::Event Ev(const std::string& text) {
  v1::Event event;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &event))
      << text;
  return event;
}

v1::Command Cmd(const std::string& text) {
  v1::Command command;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &command))
      << text;
  return command;
}

v1::Command SetSettings(int red_areas, int key_points, int months, int window,
                        const std::string& reason = "Nämndens nya mål.") {
  v1::Command c;
  v1::SetPolicySettings* s = c.mutable_set_policy_settings();
  s->mutable_settings()->set_red_areas_threshold(red_areas);
  s->mutable_settings()->set_failed_key_points_threshold(key_points);
  s->mutable_settings()->set_complaint_months_threshold(months);
  s->mutable_settings()->set_complaint_window_months(window);
  s->set_reason(reason);
  return c;
}

v1::Command NoteResult(const std::string& measurement_id,
                       const std::string& indicator_id, v1::QualityArea area,
                       bool red, int year = 2025,
                       absl::CivilDay measured = Day(2026, 1, 20)) {
  v1::Command c;
  v1::NoteUnitResult* n = c.mutable_note_unit_result();
  n->set_provider_id(kPrivateProvider);
  n->set_unit_id(kPrivateUnit);
  n->set_indicator_id(indicator_id);
  n->set_measurement_id(measurement_id);
  n->set_year(year);
  n->set_quality_area(area);
  n->set_result(red ? v1::MEASUREMENT_RESULT_RED
                    : v1::MEASUREMENT_RESULT_GREEN);
  *n->mutable_measured_on() = D(measured);
  return c;
}

// The UnitResultNoted event NoteResult() makes, for Given histories.
v1::Event Noted(const v1::Command& note) {
  v1::Event event;
  const v1::NoteUnitResult& n = note.note_unit_result();
  v1::UnitResultNoted* e = event.mutable_unit_result_noted();
  e->set_provider_id(n.provider_id());
  e->set_unit_id(n.unit_id());
  e->set_indicator_id(n.indicator_id());
  e->set_measurement_id(n.measurement_id());
  e->set_year(n.year());
  e->set_quality_area(n.quality_area());
  e->set_result(n.result());
  *e->mutable_measured_on() = n.measured_on();
  return event;
}

struct Point {
  std::string id;
  bool key;
  bool met;
  std::string text = "Finns en rutin för avvikelsehantering?";
};

v1::Command SelfInspection(const std::vector<Point>& points, int year = 2026,
                           const std::string& provider = kPrivateProvider,
                           const std::string& unit = kPrivateUnit) {
  v1::Command c;
  v1::RecordSelfInspection* r = c.mutable_record_self_inspection();
  r->set_provider_id(provider);
  r->set_unit_id(unit);
  r->set_year(year);
  for (const Point& p : points) {
    v1::SelfInspectionPoint* point = r->add_points();
    point->set_point_id(p.id);
    point->set_text(p.text);
    point->set_key_point(p.key);
    point->set_met(p.met);
  }
  return c;
}

v1::Command Counts(const std::string& month,
                   std::vector<std::pair<v1::ComplaintCategory, int>> counts,
                   const std::string& provider = kPrivateProvider,
                   const std::string& unit = kPrivateUnit) {
  v1::Command c;
  v1::RecordComplaintCounts* r = c.mutable_record_complaint_counts();
  r->set_provider_id(provider);
  r->set_unit_id(unit);
  r->set_month(month);
  for (const auto& [category, count] : counts) {
    v1::ComplaintCount* n = r->add_counts();
    n->set_category(category);
    n->set_count(count);
  }
  return c;
}

constexpr v1::ComplaintCategory kComplaint = v1::COMPLAINT_CATEGORY_COMPLAINT;
constexpr v1::ComplaintCategory kLexSarah = v1::COMPLAINT_CATEGORY_LEX_SARAH;

const std::string kComplaintsStream =
    absl::StrCat(kTenant, "/complaints/", kPrivateProvider, "/", kPrivateUnit);

class Triggers : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }
  // The recurring-complaints events of the world's log.
  std::vector<v1::RecurringComplaintsDetected> Detections() const {
    std::vector<v1::RecurringComplaintsDetected> out;
    for (const WorldEvent& w : world_.Log()) {
      if (w.event.has_recurring_complaints_detected())
        out.push_back(w.event.recurring_complaints_detected());
    }
    return out;
  }
  size_t CasesRegistered() const {
    size_t n = 0;
    for (const WorldEvent& w : world_.Log()) n += w.event.has_case_registered();
    return n;
  }
  World world_;
};

// ---- Settings
// -------------------------------------------------------------------

// "defaults when never set: red areas 3, failed key points 2, complaints
// in 3 of the last 6 months".

// Red results in three quality areas of 2025 at the private unit, as the
// unit-results aggregate records them.
v1::Event ThreeRedAreasIn2025() {
  return Ev(R"pb(low_goal_fulfilment_detected {
                   provider_id: "omsorgsbolaget"
                   unit_id: "hemtjanst-norr"
                   year: 2025
                   red_areas: QUALITY_AREA_ACCESSIBILITY
                   red_areas: QUALITY_AREA_SAFETY
                   red_areas: QUALITY_AREA_EQUALITY
                   measurement_ids: "m-b"
                   measurement_ids: "m-a"
                   measurement_ids: "m-c"
                   threshold: 3
                   detected_on { year: 2026 month: 2 day: 3 }
                 })pb");
}

TEST(PolicySettings, DefaultsApplyWhenNeverSet) {
  EXPECT_THAT(domain::EffectiveSettings(nullptr),
              EqualsProto(Ev(R"pb(policy_settings_changed {
                                    settings {
                                      red_areas_threshold: 3
                                      failed_key_points_threshold: 2
                                      complaint_months_threshold: 3
                                      complaint_window_months: 6
                                    }
                                  })pb")
                              .policy_settings_changed()
                              .settings()));
}

TEST_F(Triggers, SettingsAreSetWholeWithAReasonAndRepeatsWriteNothing) {
  Given(world_)
      .As(AdministrationDirector())
      .On(Day(2026, 3, 2))
      .When(SetSettings(2, 0, 4, 8))
      .Then({Ev(R"pb(policy_settings_changed {
                       settings {
                         red_areas_threshold: 2
                         complaint_months_threshold: 4
                         complaint_window_months: 8
                       }
                       reason: "Nämndens nya mål."
                       changed_on { year: 2026 month: 3 day: 2 }
                     })pb")});
  world_.MustRun(FollowUpOfficer(), Day(2026, 3, 2), SetSettings(2, 0, 4, 8));
  Given(world_)
      .As(FollowUpOfficer())
      .On(Day(2026, 3, 3))
      .When(SetSettings(2, 0, 4, 8))
      .ThenNothing();
  const auto state = std::get<domain::PolicySettingsState>(world_.State(
      kTenant, {domain::AggregateKind::kPolicySettings, "policies"}));
  const v1::PolicySettings effective = domain::EffectiveSettings(&state);
  EXPECT_EQ(effective.red_areas_threshold(), 2);
  EXPECT_EQ(effective.failed_key_points_threshold(), 2);  // the default
  EXPECT_EQ(effective.complaint_months_threshold(), 4);
  EXPECT_EQ(effective.complaint_window_months(), 8);
}

TEST_F(Triggers, SettingsRefusals) {
  auto when = [&](const domain::Principal& p, const v1::Command& c) {
    return Given(world_).As(p).On(Day(2026, 3, 2)).When(c);
  };
  when(ProviderStaff(kPrivateProvider), SetSettings(2, 2, 3, 6))
      .ThenFails(Code::kPermissionDenied);
  when(CareDirector(), SetSettings(2, 2, 3, 6))
      .ThenFails(Code::kPermissionDenied);
  when(FollowUpOfficer(), SetSettings(7, 2, 3, 6))
      .ThenFails(Code::kInvalidArgument, "settings.red_areas_threshold");
  when(FollowUpOfficer(), SetSettings(3, -1, 3, 6))
      .ThenFails(Code::kInvalidArgument,
                 "settings.failed_key_points_threshold");
  when(FollowUpOfficer(), SetSettings(3, 2, 25, 6))
      .ThenFails(Code::kInvalidArgument, "settings.complaint_months_threshold");
  when(FollowUpOfficer(), SetSettings(3, 2, 0, 25))
      .ThenFails(Code::kInvalidArgument, "settings.complaint_window_months");
  // Three months cannot occur in a window of two.
  when(FollowUpOfficer(), SetSettings(3, 2, 3, 2))
      .ThenFails(Code::kInvalidArgument, "settings.complaint_months_threshold");
  when(FollowUpOfficer(), SetSettings(3, 2, 3, 6, ""))
      .ThenFails(Code::kInvalidArgument, "reason");
  when(FollowUpOfficer(),
       SetSettings(3, 2, 3, 6, absl::StrCat("Efter klagomål ", kPersonnummer)))
      .ThenFails(Code::kInvalidArgument, "reason");
  v1::Command with_decision = SetSettings(3, 2, 3, 6, "");
  *with_decision.mutable_set_policy_settings()->mutable_decision() =
      DecisionOn(Day(2026, 3, 1));
  // A decision instead of a reason.
  const Outcome decided = when(AdministrationDirector(), with_decision);
  ASSERT_TRUE(decided.result().ok()) << decided.result().status();
  ASSERT_THAT(*decided.result(), SizeIs(1));
  EXPECT_THAT((*decided.result())[0].policy_settings_changed().decision(),
              EqualsProto(DecisionOn(Day(2026, 3, 1))));
  v1::Command future_decision = with_decision;
  *future_decision.mutable_set_policy_settings()->mutable_decision() =
      DecisionOn(Day(2026, 4, 1));
  when(AdministrationDirector(), future_decision)
      .ThenFails(Code::kInvalidArgument, "decision.decided_on");
}

// ---- Low goal fulfilment in several areas
// ---------------------------------------

const v1::QualityArea kAreas[] = {
    v1::QUALITY_AREA_SAFETY, v1::QUALITY_AREA_ACCESSIBILITY,
    v1::QUALITY_AREA_EQUALITY, v1::QUALITY_AREA_EFFICIENCY};

// Red in three distinct areas of one year: at the default threshold, the
// third red area reports low goal fulfilment, with the threshold applied.
TEST_F(Triggers, LowGoalFulfilmentAtTheThreshold) {
  const v1::Command a = NoteResult("m-a", "ind-a", kAreas[0], true);
  const v1::Command b = NoteResult("m-b", "ind-b", kAreas[1], true);
  // Another indicator of an area already red adds no area.
  const v1::Command b2 = NoteResult("m-b2", "ind-b2", kAreas[1], true);
  const v1::Command c =
      NoteResult("m-c", "ind-c", kAreas[2], true, 2025, Day(2026, 2, 3));
  Given({Noted(a), Noted(b), Noted(b2)}, &world_)
      .As(System())
      .When(c)
      .Then({Noted(c), ThreeRedAreasIn2025()});
}

// Below: two red areas, green results and other years do not count.
TEST_F(Triggers, LowGoalFulfilmentBelowTheThreshold) {
  const v1::Command a = NoteResult("m-a", "ind-a", kAreas[0], true);
  const v1::Command other_year =
      NoteResult("m-x", "ind-x", kAreas[1], true, 2024);
  const v1::Command green = NoteResult("m-g", "ind-g", kAreas[3], false);
  const v1::Command b = NoteResult("m-b", "ind-b", kAreas[2], true);
  Given({Noted(a), Noted(other_year), Noted(green)}, &world_)
      .As(System())
      .When(b)
      .Then({Noted(b)});
  // A later green result of the same indicator stands for it that year.
  const v1::Command a_green =
      NoteResult("m-a2", "ind-a", kAreas[0], false, 2025, Day(2026, 3, 1));
  const v1::Command c = NoteResult("m-c", "ind-c", kAreas[3], true);
  Given({Noted(a), Noted(b), Noted(a_green)}, &world_)
      .As(System())
      .When(c)
      .Then({Noted(c)});
}

// Above: once reported, the year is not reported again, however many more
// areas turn red; another year is reported on its own.
TEST_F(Triggers, LowGoalFulfilmentOncePerYear) {
  std::vector<v1::Event> history;
  for (int i = 0; i < 3; ++i) {
    history.push_back(Noted(NoteResult(
        absl::StrCat("m-", i), absl::StrCat("ind-", i), kAreas[i], true)));
  }
  history.push_back(Ev(R"pb(low_goal_fulfilment_detected { year: 2025 })pb"));
  const v1::Command fourth = NoteResult("m-3", "ind-3", kAreas[3], true);
  Given(history, &world_).As(System()).When(fourth).Then({Noted(fourth)});
  // The same measurement again (the policy re-run): nothing.
  Given(history, &world_)
      .As(System())
      .When(NoteResult("m-0", "ind-0", kAreas[0], true))
      .ThenNothing();
}

// Settings changed: with a threshold of two, two red areas suffice, and the
// event records the threshold applied.
TEST_F(Triggers, LowGoalFulfilmentFollowsTheSettings) {
  world_.MustRun(FollowUpOfficer(), Day(2026, 1, 2), SetSettings(2, 0, 0, 0));
  const v1::Command a = NoteResult("m-a", "ind-a", kAreas[0], true);
  const v1::Command b = NoteResult("m-b", "ind-b", kAreas[1], true);
  const Outcome outcome = Given({Noted(a)}, &world_).As(System()).When(b);
  ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
  ASSERT_THAT(*outcome.result(), SizeIs(2));
  EXPECT_EQ((*outcome.result())[1].low_goal_fulfilment_detected().threshold(),
            2);
}

TEST_F(Triggers, NoteUnitResultRefusals) {
  const v1::Command note = NoteResult("m-a", "ind-a", kAreas[0], true);
  // Only the policy notes results.
  for (const domain::Principal& p :
       {FollowUpOfficer(), MedicalOfficer(), ProviderStaff(kPrivateProvider)}) {
    Given(world_).As(p).When(note).ThenFails(Code::kPermissionDenied);
  }
  v1::Command bad = note;
  bad.mutable_note_unit_result()->set_quality_area(
      v1::QUALITY_AREA_UNSPECIFIED);
  Given(world_).As(System()).When(bad).ThenFails(Code::kInvalidArgument,
                                                 "quality_area");
  bad = note;
  bad.mutable_note_unit_result()->set_result(
      v1::MEASUREMENT_RESULT_UNSPECIFIED);
  Given(world_).As(System()).When(bad).ThenFails(Code::kInvalidArgument,
                                                 "result");
  bad = note;
  bad.mutable_note_unit_result()->set_measurement_id(kPersonnummerCompact);
  Given(world_).As(System()).When(bad).ThenFails(Code::kInvalidArgument,
                                                 "measurement_id");
  bad = note;
  bad.mutable_note_unit_result()->set_year(0);
  Given(world_).As(System()).When(bad).ThenFails(Code::kInvalidArgument,
                                                 "year");
}

// ---- Self-inspection (egenkontroll)
// ---------------------------------------------

TEST_F(Triggers, SelfInspectionAtTheThresholdReportsTheFailedKeyPoints) {
  const v1::Command c = SelfInspection({{"1.1", true, false},
                                        {"1.2", true, true},
                                        {"2.1", false, false},
                                        {"3.4", true, false}});
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .On(Day(2026, 3, 2))
      .When(c)
      .Then({Ev(R"pb(self_inspection_recorded {
                       provider_id: "omsorgsbolaget"
                       unit_id: "hemtjanst-norr"
                       year: 2026
                       points {
                         point_id: "1.1"
                         text: "Finns en rutin för avvikelsehantering?"
                         key_point: true
                       }
                       points {
                         point_id: "1.2"
                         text: "Finns en rutin för avvikelsehantering?"
                         key_point: true
                         met: true
                       }
                       points {
                         point_id: "2.1"
                         text: "Finns en rutin för avvikelsehantering?"
                       }
                       points {
                         point_id: "3.4"
                         text: "Finns en rutin för avvikelsehantering?"
                         key_point: true
                       }
                       recorded_on { year: 2026 month: 3 day: 2 }
                     })pb"),
             Ev(R"pb(self_inspection_key_points_failed {
                       provider_id: "omsorgsbolaget"
                       unit_id: "hemtjanst-norr"
                       year: 2026
                       failed_point_ids: "1.1"
                       failed_point_ids: "3.4"
                       threshold: 2
                       recorded_on { year: 2026 month: 3 day: 2 }
                     })pb")});
}

TEST_F(Triggers, SelfInspectionBelowAndAboveTheThreshold) {
  // One key point failed; a point that is not a key point does not count.
  const Outcome below =
      Given(world_)
          .As(FollowUpOfficer())
          .When(SelfInspection({{"1.1", true, false}, {"2.1", false, false}}));
  ASSERT_TRUE(below.result().ok()) << below.result().status();
  EXPECT_THAT(Types(*below.result()), ElementsAre("SelfInspectionRecorded"));
  const Outcome above = Given(world_)
                            .As(FollowUpOfficer())
                            .When(SelfInspection({{"1.1", true, false},
                                                  {"1.2", true, false},
                                                  {"1.3", true, false}}));
  ASSERT_TRUE(above.result().ok()) << above.result().status();
  ASSERT_THAT(
      Types(*above.result()),
      ElementsAre("SelfInspectionRecorded", "SelfInspectionKeyPointsFailed"));
  EXPECT_THAT((*above.result())[1]
                  .self_inspection_key_points_failed()
                  .failed_point_ids(),
              ElementsAre("1.1", "1.2", "1.3"));
}

TEST_F(Triggers, SelfInspectionFollowsTheSettings) {
  world_.MustRun(AdministrationDirector(), Day(2026, 1, 2),
                 SetSettings(0, 1, 0, 0));
  const Outcome one =
      Given(world_)
          .As(FollowUpOfficer())
          .When(SelfInspection({{"1.1", true, false}, {"1.2", true, true}}));
  ASSERT_TRUE(one.result().ok()) << one.result().status();
  ASSERT_THAT(*one.result(), SizeIs(2));
  EXPECT_EQ((*one.result())[1].self_inspection_key_points_failed().threshold(),
            1);
}

// Once per unit and year: an identical repeat is a repeat, other content
// ALREADY_EXISTS; another year is another self-inspection.
TEST_F(Triggers, SelfInspectionIsRecordedOncePerUnitAndYear) {
  const v1::Command c = SelfInspection({{"1.1", true, false}});
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 3, 2), c);
  Given(world_).As(FollowUpOfficer()).When(c).ThenNothing();
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .When(SelfInspection({{"1.1", true, true}}))
      .ThenFails(Code::kAlreadyExists, "year");
  Given(world_)
      .As(ProviderStaff(kPrivateProvider))
      .When(SelfInspection({{"1.1", true, true}}, 2025))
      .Then({Ev(R"pb(self_inspection_recorded {
                       provider_id: "omsorgsbolaget"
                       unit_id: "hemtjanst-norr"
                       year: 2025
                       points {
                         point_id: "1.1"
                         text: "Finns en rutin för avvikelsehantering?"
                         key_point: true
                         met: true
                       }
                       recorded_on { year: 2026 month: 3 day: 2 }
                     })pb")});
}

TEST_F(Triggers, SelfInspectionRefusals) {
  const std::vector<Point> ok = {{"1.1", true, false}};
  auto when = [&](const domain::Principal& p, const v1::Command& c) {
    return Given(world_).As(p).On(Day(2026, 3, 2)).When(c);
  };
  when(ProviderStaff(kOtherProvider), SelfInspection(ok))
      .ThenFails(Code::kPermissionDenied);
  when(MedicalOfficer(), SelfInspection(ok)).ThenFails(Code::kPermissionDenied);
  when(CareDirector(), SelfInspection(ok)).ThenFails(Code::kPermissionDenied);
  when(FollowUpOfficer(), SelfInspection(ok, 2026, kPrivateProvider, "okand"))
      .ThenFails(Code::kNotFound, "unit_id");
  when(FollowUpOfficer(), SelfInspection(ok, 2026, "okant-bolag", "okand"))
      .ThenFails(Code::kNotFound, "provider_id");
  when(FollowUpOfficer(), SelfInspection(ok, 2027))
      .ThenFails(Code::kInvalidArgument, "year");
  when(FollowUpOfficer(), SelfInspection(ok, 0))
      .ThenFails(Code::kInvalidArgument, "year");
  when(FollowUpOfficer(), SelfInspection({}))
      .ThenFails(Code::kInvalidArgument, "points");
  when(FollowUpOfficer(),
       SelfInspection({{"1.1", true, false}, {"1.1", false, true}}))
      .ThenFails(Code::kInvalidArgument, "points[1].point_id");
  when(FollowUpOfficer(), SelfInspection({{"", true, false}}))
      .ThenFails(Code::kInvalidArgument, "points[0].point_id");
  when(FollowUpOfficer(), SelfInspection({{"1.1", true, false, ""}}))
      .ThenFails(Code::kInvalidArgument, "points[0].text");
  // The point is the question; a personnummer in it is refused.
  when(FollowUpOfficer(),
       SelfInspection({{"1.1", true, true},
                       {"1.2", true, false,
                        absl::StrCat("Har brukaren ", kPersonnummer,
                                     " en genomförandeplan?")}}))
      .ThenFails(Code::kInvalidArgument, "points[1].text");
}

// ---- Recurring complaints and deviations
// ----------------------------------------

// Below, at and above the default of three months of the last six.
TEST_F(Triggers, RecurringComplaintsAtTheThresholdOpenOneCase) {
  const domain::Principal officer = FollowUpOfficer();
  world_.MustRun(officer, Day(2026, 3, 2),
                 Counts("2026-01", {{kComplaint, 2}}));
  // A month without complaints, and another category, do not count.
  world_.MustRun(officer, Day(2026, 3, 2),
                 Counts("2026-02", {{kComplaint, 0}, {kLexSarah, 1}}));
  world_.MustRun(officer, Day(2026, 4, 2),
                 Counts("2026-03", {{kComplaint, 1}}));
  EXPECT_THAT(Detections(), IsEmpty());
  const std::vector<v1::Event> third = world_.MustRun(
      officer, Day(2026, 5, 4), Counts("2026-04", {{kComplaint, 3}}));
  ASSERT_THAT(Types(third), ElementsAre("ComplaintCountsRecorded",
                                        "RecurringComplaintsDetected"));
  const std::string case_id =
      third[1].recurring_complaints_detected().case_id();
  v1::Event expected = Ev(R"pb(recurring_complaints_detected {
                                 provider_id: "omsorgsbolaget"
                                 unit_id: "hemtjanst-norr"
                                 category: COMPLAINT_CATEGORY_COMPLAINT
                                 months: "2026-01"
                                 months: "2026-03"
                                 months: "2026-04"
                                 months_threshold: 3
                                 window_months: 6
                                 detected_on { year: 2026 month: 5 day: 4 }
                               })pb");
  expected.mutable_recurring_complaints_detected()->set_case_id(case_id);
  EXPECT_THAT(third[1], EqualsProto(expected));
  EXPECT_EQ(case_id,
            domain::DerivedId(absl::StrCat(kComplaintsStream,
                                           "#COMPLAINT_CATEGORY_COMPLAINT#1")));
  // The policy opens it.
  const std::vector<v1::Event> opened =
      OfType(world_.RunPolicies(kTenant, Day(2026, 5, 4)), "CaseRegistered");
  ASSERT_THAT(opened, SizeIs(1));
  EXPECT_EQ(opened[0].case_registered().case_id(), case_id);
  EXPECT_EQ(opened[0].case_registered().deficiency().source(),
            v1::DEFICIENCY_SOURCE_COMPLAINT);
  EXPECT_THAT(opened[0].case_registered().deficiency().description(),
              HasSubstr("3 av de senaste 6 månaderna"));
}

// Months outside the window do not count: the window is the six months up
// to and including the month recorded.
TEST_F(Triggers, RecurringComplaintsCountOnlyTheWindow) {
  const domain::Principal officer = FollowUpOfficer();
  for (const char* month : {"2025-06", "2025-07", "2026-01"}) {
    world_.MustRun(officer, Day(2026, 3, 2), Counts(month, {{kComplaint, 1}}));
  }
  EXPECT_THAT(Detections(), IsEmpty());
  // 2025-08 .. 2026-01 holds 2026-01 and now 2025-12: two, still below.
  world_.MustRun(officer, Day(2026, 3, 2),
                 Counts("2025-12", {{kComplaint, 1}}));
  EXPECT_THAT(Detections(), IsEmpty());
  world_.MustRun(officer, Day(2026, 3, 2),
                 Counts("2026-02", {{kComplaint, 1}}));
  ASSERT_THAT(Detections(), SizeIs(1));
  EXPECT_THAT(Detections()[0].months(),
              ElementsAre("2025-12", "2026-01", "2026-02"));
}

// "unless one is already open for it": while the case is open, a fourth
// month opens none; once it is closed, the next recurrence opens a new one.
TEST_F(Triggers, RecurringComplaintsWaitForTheOpenCase) {
  const domain::Principal officer = FollowUpOfficer();
  for (const char* month : {"2026-01", "2026-02", "2026-03"}) {
    world_.MustRun(officer, Day(2026, 4, 1), Counts(month, {{kComplaint, 1}}));
  }
  ASSERT_THAT(Detections(), SizeIs(1));
  // Not registered yet: the policy is about to open it, so it counts as
  // open.
  world_.MustRun(officer, Day(2026, 4, 1),
                 Counts("2026-03", {{kComplaint, 2}}));
  EXPECT_THAT(Detections(), SizeIs(1));
  world_.RunPolicies(kTenant, Day(2026, 4, 1));
  const std::string first = Detections()[0].case_id();
  ASSERT_TRUE(world_.Case(kTenant, first).exists());
  world_.MustRun(officer, Day(2026, 5, 4),
                 Counts("2026-04", {{kComplaint, 1}}));
  EXPECT_THAT(Detections(), SizeIs(1));
  EXPECT_EQ(CasesRegistered(), 1u);

  world_.MustRun(officer, Day(2026, 5, 5),
                 CloseCase(first, v1::CASE_CLOSURE_REGISTERED_IN_ERROR));
  world_.MustRun(officer, Day(2026, 6, 2),
                 Counts("2026-05", {{kComplaint, 1}}));
  ASSERT_THAT(Detections(), SizeIs(2));
  const std::string second = Detections()[1].case_id();
  EXPECT_NE(second, first);
  EXPECT_EQ(second, domain::DerivedId(absl::StrCat(
                        kComplaintsStream, "#COMPLAINT_CATEGORY_COMPLAINT#2")));
  world_.RunPolicies(kTenant, Day(2026, 6, 2));
  EXPECT_TRUE(world_.Case(kTenant, second).exists());
  EXPECT_EQ(CasesRegistered(), 2u);
}

// A month recorded again is corrected: the latest counts stand (a month
// corrected to zero no longer counts), every recording stays, and the same
// counts again write nothing.
TEST_F(Triggers, AMonthRecordedAgainIsCorrected) {
  const domain::Principal officer = MedicalOfficer();
  world_.MustRun(officer, Day(2026, 4, 1),
                 Counts("2026-01", {{kComplaint, 1}}));
  world_.MustRun(officer, Day(2026, 4, 1),
                 Counts("2026-02", {{kComplaint, 1}}));
  world_.MustRun(officer, Day(2026, 4, 1),
                 Counts("2026-02", {{kComplaint, 0}}));
  Given(world_)
      .As(officer)
      .On(Day(2026, 4, 1))
      .When(Counts("2026-02", {}))
      .ThenNothing();
  world_.MustRun(officer, Day(2026, 4, 1),
                 Counts("2026-03", {{kComplaint, 1}}));
  EXPECT_THAT(Detections(), IsEmpty());
  EXPECT_THAT(world_.Stream(kComplaintsStream), SizeIs(4));
}

// Lex Sarah reports recurring open a case with source LEX_SARAH, in the
// settings' window.
TEST_F(Triggers, RecurringLexSarahFollowsTheSettings) {
  world_.MustRun(FollowUpOfficer(), Day(2026, 1, 2), SetSettings(0, 0, 2, 3));
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  world_.MustRun(staff, Day(2026, 4, 1), Counts("2025-12", {{kLexSarah, 1}}));
  world_.MustRun(staff, Day(2026, 4, 1), Counts("2026-03", {{kLexSarah, 1}}));
  EXPECT_THAT(Detections(), IsEmpty());  // 2025-12 is outside three months
  world_.MustRun(staff, Day(2026, 4, 1), Counts("2026-02", {{kLexSarah, 1}}));
  ASSERT_THAT(Detections(), SizeIs(1));
  EXPECT_EQ(Detections()[0].months_threshold(), 2);
  EXPECT_EQ(Detections()[0].window_months(), 3);
  const std::vector<v1::Event> opened =
      OfType(world_.RunPolicies(kTenant, Day(2026, 4, 1)), "CaseRegistered");
  ASSERT_THAT(opened, SizeIs(1));
  EXPECT_EQ(opened[0].case_registered().deficiency().source(),
            v1::DEFICIENCY_SOURCE_LEX_SARAH);
}

TEST_F(Triggers, ComplaintCountsRefusals) {
  const auto ok =
      std::vector<std::pair<v1::ComplaintCategory, int>>{{kComplaint, 1}};
  auto when = [&](const domain::Principal& p, const v1::Command& c) {
    return Given(world_).As(p).On(Day(2026, 3, 2)).When(c);
  };
  when(ProviderStaff(kOtherProvider), Counts("2026-01", ok))
      .ThenFails(Code::kPermissionDenied);
  when(CareDirector(), Counts("2026-01", ok))
      .ThenFails(Code::kPermissionDenied);
  when(System(), Counts("2026-01", ok)).ThenFails(Code::kPermissionDenied);
  when(FollowUpOfficer(), Counts("2026-01", ok, kPrivateProvider, "okand"))
      .ThenFails(Code::kNotFound, "unit_id");
  for (const char* month : {"2026-1", "202601", "2026-13", "2026-00", "26-01-",
                            "2026/01", "", "+202-01", "2026- 1", " 026-01"}) {
    SCOPED_TRACE(month);
    when(FollowUpOfficer(), Counts(month, ok))
        .ThenFails(Code::kInvalidArgument, "month");
  }
  when(FollowUpOfficer(), Counts("2026-04", ok))
      .ThenFails(Code::kInvalidArgument, "month");
  when(FollowUpOfficer(),
       Counts("2026-01", {{v1::COMPLAINT_CATEGORY_UNSPECIFIED, 1}}))
      .ThenFails(Code::kInvalidArgument, "counts[0].category");
  when(FollowUpOfficer(),
       Counts("2026-01", {{static_cast<v1::ComplaintCategory>(99), 1}}))
      .ThenFails(Code::kInvalidArgument, "counts[0].category");
  when(FollowUpOfficer(), Counts("2026-01", {{kComplaint, 1}, {kComplaint, 2}}))
      .ThenFails(Code::kInvalidArgument, "counts[1].category");
  when(FollowUpOfficer(), Counts("2026-01", {{kComplaint, -1}}))
      .ThenFails(Code::kInvalidArgument, "counts[0].count");
  // The current month may be recorded.
  when(FollowUpOfficer(), Counts("2026-03", ok)).Then({Ev(R"pb(
    complaint_counts_recorded {
      provider_id: "omsorgsbolaget"
      unit_id: "hemtjanst-norr"
      month: "2026-03"
      counts { category: COMPLAINT_CATEGORY_COMPLAINT count: 1 }
      recorded_on { year: 2026 month: 3 day: 2 }
    })pb")});
}

// ---- The policy functions
// -------------------------------------------------------

TEST(TriggerPolicies, MeasurementRecordedNotesTheUnitResult) {
  const v1::Command record =
      RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                        2025, Day(2026, 1, 20), true);
  v1::Event event;
  v1::MeasurementRecorded* e = event.mutable_measurement_recorded();
  e->set_measurement_id("m-1");
  *e->mutable_measurement() = record.record_measurement().measurement();
  e->set_result(v1::MEASUREMENT_RESULT_RED);
  const std::string stream =
      SeriesStream(kPrivateProvider, kPrivateUnit, "kontinuitet");
  const auto commands = domain::PolicyCommandsFor(stream, 3, event);
  ASSERT_THAT(commands, SizeIs(1));
  EXPECT_EQ(commands[0].command_id,
            absl::StrCat("policy:unit-result:", stream, "@3"));
  EXPECT_THAT(commands[0].command, EqualsProto(Cmd(R"pb(
                note_unit_result {
                  provider_id: "omsorgsbolaget"
                  unit_id: "hemtjanst-norr"
                  indicator_id: "kontinuitet"
                  measurement_id: "m-1"
                  year: 2025
                  quality_area: QUALITY_AREA_INDIVIDUAL_ADAPTATION
                  result: MEASUREMENT_RESULT_RED
                  measured_on { year: 2026 month: 1 day: 20 }
                })pb")));
}

TEST(TriggerPolicies, LowGoalFulfilmentOpensAMeasurementCase) {
  const std::string stream = absl::StrCat(kTenant, "/unitresults/",
                                          kPrivateProvider, "/", kPrivateUnit);
  const auto commands =
      domain::PolicyCommandsFor(stream, 5, ThreeRedAreasIn2025());
  ASSERT_THAT(commands, SizeIs(1));
  const std::string trigger = absl::StrCat(stream, "@5");
  EXPECT_EQ(commands[0].command_id,
            absl::StrCat("policy:low-goal-fulfilment:", trigger));
  v1::Command expected = Cmd(R"pb(
    register_case {
      deficiency {
        provider_id: "omsorgsbolaget"
        unit_id: "hemtjanst-norr"
        source: DEFICIENCY_SOURCE_MEASUREMENT
        quality_area: QUALITY_AREA_ACCESSIBILITY
        indicator_kind: INDICATOR_KIND_RESULT
        severity: SEVERITY_MEDIUM
        description: "Låg måluppfyllelse inom flera kvalitetsområden: enheten har röda resultat inom 3 områden år 2025 (Tillgänglig, Säker, Jämlik). Gränsen är 3 områden."
        detected_on { year: 2026 month: 2 day: 3 }
      }
    })pb");
  expected.mutable_register_case()->set_case_id(domain::DerivedId(trigger));
  expected.mutable_register_case()->set_triggered_by(trigger);
  EXPECT_THAT(commands[0].command, EqualsProto(expected));
}

TEST(TriggerPolicies, FailedKeyPointsOpenASelfInspectionCase) {
  const std::string stream =
      absl::StrCat(kTenant, "/selfinspection/", kPrivateProvider, "/",
                   kPrivateUnit, "/2026");
  const auto commands = domain::PolicyCommandsFor(
      stream, 1, Ev(R"pb(self_inspection_key_points_failed {
                           provider_id: "omsorgsbolaget"
                           unit_id: "hemtjanst-norr"
                           year: 2026
                           failed_point_ids: "1.1"
                           failed_point_ids: "3.4"
                           threshold: 2
                           recorded_on { year: 2026 month: 3 day: 2 }
                         })pb"));
  ASSERT_THAT(commands, SizeIs(1));
  const std::string trigger = absl::StrCat(stream, "@1");
  EXPECT_EQ(commands[0].command_id,
            absl::StrCat("policy:self-inspection:", trigger));
  const v1::RegisterCase& c = commands[0].command.register_case();
  EXPECT_EQ(c.case_id(), domain::DerivedId(trigger));
  EXPECT_EQ(c.triggered_by(), trigger);
  EXPECT_EQ(c.deficiency().source(), v1::DEFICIENCY_SOURCE_SELF_INSPECTION);
  EXPECT_EQ(c.deficiency().indicator_kind(), v1::INDICATOR_KIND_PROCESS);
  EXPECT_THAT(c.deficiency().description(),
              HasSubstr("brister i flera nyckelpunkter i egenkontrollen 2026"));
  EXPECT_THAT(c.deficiency().description(), HasSubstr("(1.1, 3.4)"));
  EXPECT_THAT(c.deficiency().detected_on(), EqualsProto(D(Day(2026, 3, 2))));
}

// The case id is the one the event names (so that the aggregate can ask
// whether it is still open); the source follows the category.
TEST(TriggerPolicies, RecurringComplaintsOpenTheNamedCase) {
  const std::vector<std::pair<v1::ComplaintCategory, v1::DeficiencySource>>
      sources = {
          {v1::COMPLAINT_CATEGORY_COMPLAINT, v1::DEFICIENCY_SOURCE_COMPLAINT},
          {v1::COMPLAINT_CATEGORY_SOCIAL_CARE_DEVIATION,
           v1::DEFICIENCY_SOURCE_COMPLAINT},
          {v1::COMPLAINT_CATEGORY_HEALTH_CARE_DEVIATION,
           v1::DEFICIENCY_SOURCE_COMPLAINT},
          {v1::COMPLAINT_CATEGORY_LEX_SARAH, v1::DEFICIENCY_SOURCE_LEX_SARAH},
          {v1::COMPLAINT_CATEGORY_LEX_MARIA, v1::DEFICIENCY_SOURCE_LEX_MARIA}};
  for (const auto& [category, source] : sources) {
    SCOPED_TRACE(v1::ComplaintCategory_Name(category));
    v1::Event event = Ev(R"pb(recurring_complaints_detected {
                                provider_id: "omsorgsbolaget"
                                unit_id: "hemtjanst-norr"
                                months: "2026-01"
                                months: "2026-02"
                                months: "2026-04"
                                months_threshold: 3
                                window_months: 6
                                case_id: "auto-0123456789abcdef"
                                detected_on { year: 2026 month: 5 day: 4 }
                              })pb");
    event.mutable_recurring_complaints_detected()->set_category(category);
    const auto commands =
        domain::PolicyCommandsFor(kComplaintsStream, 9, event);
    ASSERT_THAT(commands, SizeIs(1));
    EXPECT_EQ(
        commands[0].command_id,
        absl::StrCat("policy:recurring-complaints:", kComplaintsStream, "@9"));
    const v1::RegisterCase& c = commands[0].command.register_case();
    EXPECT_EQ(c.case_id(), "auto-0123456789abcdef");
    EXPECT_EQ(c.deficiency().source(), source);
    // Lex Maria and deviations in health care: MAS/MAR follow them up.
    EXPECT_EQ(c.deficiency().health_care(),
              category == v1::COMPLAINT_CATEGORY_LEX_MARIA ||
                  category == v1::COMPLAINT_CATEGORY_HEALTH_CARE_DEVIATION);
    EXPECT_THAT(c.deficiency().description(),
                HasSubstr("3 av de senaste 6 månaderna (2026-01, 2026-02, "
                          "2026-04)"));
  }
}

// ---- End to end through the world
// -----------------------------------------------

// Three red quality areas from three recorded measurements: the policies
// note each result and open one case, in Swedish; running them again
// opens nothing.
TEST_F(Triggers, LowGoalFulfilmentOpensACaseEndToEnd) {
  for (int i = 0; i < 3; ++i) {
    v1::Command record = RecordMeasurement(
        absl::StrCat("m-", i), kPrivateProvider, kPrivateUnit,
        absl::StrCat("ind-", i), 2025, Day(2026, 1, 20 + i), true);
    record.mutable_record_measurement()
        ->mutable_measurement()
        ->set_quality_area(kAreas[i]);
    world_.MustRun(FollowUpOfficer(), Day(2026, 1, 25), record);
  }
  const std::vector<v1::Event> produced =
      world_.RunPolicies(kTenant, Day(2026, 1, 25));
  EXPECT_THAT(OfType(produced, "UnitResultNoted"), SizeIs(3));
  const std::vector<v1::Event> opened = OfType(produced, "CaseRegistered");
  ASSERT_THAT(opened, SizeIs(1));
  const v1::Deficiency& d = opened[0].case_registered().deficiency();
  EXPECT_EQ(d.source(), v1::DEFICIENCY_SOURCE_MEASUREMENT);
  EXPECT_THAT(d.description(), HasSubstr("Tillgänglig, Säker, Jämlik"));
  EXPECT_THAT(d.detected_on(), EqualsProto(D(Day(2026, 1, 22))));
  EXPECT_THAT(world_.RunPolicies(kTenant, Day(2026, 1, 26)), IsEmpty());
  EXPECT_EQ(CasesRegistered(), 1u);
}

TEST_F(Triggers, SelfInspectionOpensACaseEndToEnd) {
  world_.MustRun(ProviderStaff(kPrivateProvider), Day(2026, 3, 2),
                 SelfInspection({{"1.1", true, false}, {"1.2", true, false}}));
  const std::vector<v1::Event> opened =
      world_.RunPolicies(kTenant, Day(2026, 3, 2));
  ASSERT_THAT(opened, SizeIs(1));
  EXPECT_EQ(opened[0].case_registered().deficiency().source(),
            v1::DEFICIENCY_SOURCE_SELF_INSPECTION);
  EXPECT_EQ(opened[0].case_registered().regiform(), v1::REGIFORM_PRIVATE);
  EXPECT_THAT(world_.RunPolicies(kTenant, Day(2026, 3, 3)), IsEmpty());
}

}  // namespace
}  // namespace atgard::testing
