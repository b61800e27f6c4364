// Measurements of quality indicators (mätningar): green and red, the
// extra-measurement obligation a red result creates, and the facts the
// automatic policies act on. One TEST per rule of
// services/domain/RULES_AGGREGATES.md#measurements, which names them.
#include "services/domain/measurement_decider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "services/domain/decider.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = absl::StatusCode;

const absl::CivilDay kToday = Day(2026, 3, 2);
constexpr char kIndicator[] = "kontinuitet";

// A measurement of the continuity indicator at Hemtjänst Norr for the
// calendar year `year` (lower is better, approved level 10; red is 16).
v1::Command Measure(absl::string_view id, int year, absl::CivilDay measured_on,
                    bool red) {
  return RecordMeasurement(id, kPrivateProvider, kPrivateUnit, kIndicator, year,
                           measured_on, red);
}

v1::Command WithValue(v1::Command command, double value, double level,
                      bool higher_is_better) {
  v1::Measurement* m =
      command.mutable_record_measurement()->mutable_measurement();
  m->set_value(value);
  m->set_approved_level(level);
  m->set_higher_is_better(higher_is_better);
  return command;
}

v1::Event RedTwoYearsEvent(int first_year, absl::string_view first_id,
                           absl::string_view second_id,
                           absl::CivilDay detected_on) {
  const v1::Command sample = Measure("x", first_year, kToday, true);
  const v1::Measurement& m = sample.record_measurement().measurement();
  v1::Event event;
  v1::IndicatorRedTwoYearsRunning* e =
      event.mutable_indicator_red_two_years_running();
  e->set_provider_id(kPrivateProvider);
  e->set_unit_id(kPrivateUnit);
  e->set_indicator_id(kIndicator);
  e->set_indicator_name(m.indicator_name());
  e->add_years(first_year);
  e->add_years(first_year + 1);
  e->add_measurement_ids(std::string(first_id));
  e->add_measurement_ids(std::string(second_id));
  e->set_quality_area(m.quality_area());
  e->set_kind(m.kind());
  *e->mutable_detected_on() = D(detected_on);
  return event;
}

class MeasurementTest : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }

  Scenario Officer(absl::CivilDay day = kToday) {
    return Given(world_).As(FollowUpOfficer()).On(day);
  }
  std::vector<v1::Event> Run(const v1::Command& command,
                             absl::CivilDay day = kToday) {
    return world_.MustRun(FollowUpOfficer(), day, command);
  }
  std::vector<v1::Event> Series() const {
    return world_.Stream(
        SeriesStream(kPrivateProvider, kPrivateUnit, kIndicator));
  }

  World world_;
};
class MeasurementResults : public MeasurementTest {};
class ExtraMeasurements : public MeasurementTest {};
class RedTwoYearsRunning : public MeasurementTest {};
class BaseRequirements : public MeasurementTest {};
class RecordMeasurements : public MeasurementTest {};

// ---- Green or red
// ------------------------------------------------------------------

struct ResultCase {
  bool higher_is_better;
  double value;
  double level;
  v1::MeasurementResult expected;
};

// "A measurement records ... the approved level and whether higher is
// better; it is green or red": green when the value meets the level in the
// indicator's direction, equality included.
TEST_F(MeasurementResults, GreenWhenTheLevelIsMetInEitherDirection) {
  const std::vector<ResultCase> cases = {
      {true, 80, 75, v1::MEASUREMENT_RESULT_GREEN},
      {true, 75, 75, v1::MEASUREMENT_RESULT_GREEN},
      {true, 74.9, 75, v1::MEASUREMENT_RESULT_RED},
      {true, -1, 0, v1::MEASUREMENT_RESULT_RED},
      {false, 8, 10, v1::MEASUREMENT_RESULT_GREEN},
      {false, 10, 10, v1::MEASUREMENT_RESULT_GREEN},
      {false, 10.5, 10, v1::MEASUREMENT_RESULT_RED},
      {false, 0, 0, v1::MEASUREMENT_RESULT_GREEN},
  };
  for (const ResultCase& c : cases) {
    SCOPED_TRACE(::testing::Message()
                 << "higher_is_better=" << c.higher_is_better
                 << " value=" << c.value << " level=" << c.level);
    const v1::Command command = WithValue(Measure("m-1", 2025, kToday, false),
                                          c.value, c.level, c.higher_is_better);
    EXPECT_EQ(domain::ResultOf(command.record_measurement().measurement()),
              c.expected);
    const Outcome outcome = Officer().When(command);
    ASSERT_TRUE(outcome.result().ok()) << outcome.result().status();
    ASSERT_FALSE(outcome.result()->empty());
    EXPECT_THAT(outcome.result()->front(),
                EqualsProto(MeasurementRecordedEvent(command, c.expected)));
  }
}

// A green result is recorded and obliges nothing.
TEST_F(MeasurementResults, GreenResultIsOnlyRecorded) {
  const v1::Command green = Measure("m-1", 2025, kToday, false);
  Officer().When(green).Then(
      {MeasurementRecordedEvent(green, v1::MEASUREMENT_RESULT_GREEN)});
}

// ---- Extra measurements
// -------------------------------------------------------

// "A red result obliges the follow-up unit to carry out an extra measurement
// within six months (an obligation with a due date)."
TEST_F(ExtraMeasurements, RedResultObligesAnExtraMeasurementWithinSixMonths) {
  const v1::Command red = Measure("m-1", 2025, kToday, true);
  Officer().When(red).Then(
      {MeasurementRecordedEvent(red, v1::MEASUREMENT_RESULT_RED),
       ExtraMeasurementRequiredEvent(kPrivateUnit, kIndicator, "m-1",
                                     Day(2026, 9, 2))});
}

// "when that day does not exist in the target month, the month's last day
// counts (2026-08-31 + 6 months = 2027-02-28)".
TEST_F(ExtraMeasurements, DueDateIsClampedToTheEndOfAShorterMonth) {
  const v1::Command red = Measure("m-1", 2026, Day(2026, 8, 31), true);
  Officer(Day(2026, 9, 1))
      .When(red)
      .Then({MeasurementRecordedEvent(red, v1::MEASUREMENT_RESULT_RED),
             ExtraMeasurementRequiredEvent(kPrivateUnit, kIndicator, "m-1",
                                           Day(2027, 2, 28))});
}

// "an extra measurement": a later measurement of the same indicator and
// unit fulfils the obligation, whatever its result.
TEST_F(ExtraMeasurements, LaterMeasurementOfTheSameSeriesFulfilsIt) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  const v1::Command green = Measure("m-2", 2025, Day(2026, 2, 20), false);
  Officer().When(green).Then(
      {MeasurementRecordedEvent(green, v1::MEASUREMENT_RESULT_GREEN),
       ExtraMeasurementFulfilledEvent(kPrivateUnit, kIndicator, "m-2",
                                      Day(2026, 7, 10))});
}

// A later red result fulfils the old obligation and opens a new one.
TEST_F(ExtraMeasurements, LaterRedResultFulfilsAndOpensANewObligation) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  const v1::Command red = Measure("m-2", 2025, Day(2026, 2, 20), true);
  Officer().When(red).Then(
      {MeasurementRecordedEvent(red, v1::MEASUREMENT_RESULT_RED),
       ExtraMeasurementFulfilledEvent(kPrivateUnit, kIndicator, "m-2",
                                      Day(2026, 7, 10)),
       ExtraMeasurementRequiredEvent(kPrivateUnit, kIndicator, "m-2",
                                     Day(2026, 8, 20))});
}

// Interpretation: "later" is a later date measured; a measurement made
// before the red one, or on the same day, does not fulfil the obligation
// (and a red one then opens no second obligation).
TEST_F(ExtraMeasurements, EarlierOrSameDayMeasurementDoesNotFulfilIt) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  const v1::Command earlier = Measure("m-0", 2025, Day(2026, 1, 5), false);
  Officer().When(earlier).Then(
      {MeasurementRecordedEvent(earlier, v1::MEASUREMENT_RESULT_GREEN)});
  const v1::Command same_day = Measure("m-0", 2025, Day(2026, 1, 10), true);
  Officer().When(same_day).Then(
      {MeasurementRecordedEvent(same_day, v1::MEASUREMENT_RESULT_RED)});
}

// "of the same indicator and unit": another indicator's or another unit's
// measurement does not fulfil it, and the obligation becomes overdue.
TEST_F(ExtraMeasurements, AnotherIndicatorsOrUnitsMeasurementDoesNotFulfilIt) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  const v1::Command other_indicator =
      RecordMeasurement("v-1", kPrivateProvider, kPrivateUnit, "vantetid", 2025,
                        Day(2026, 2, 1), false);
  EXPECT_THAT(Types(Run(other_indicator)), ElementsAre("MeasurementRecorded"));
  const v1::Command other_unit =
      RecordMeasurement("u-1", kPrivateProvider, kDisabilityUnit, kIndicator,
                        2025, Day(2026, 2, 1), false);
  EXPECT_THAT(Types(Run(other_unit)), ElementsAre("MeasurementRecorded"));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 11)),
              ElementsAre(EqualsProto(ExtraMeasurementOverdueEvent(
                  kPrivateUnit, kIndicator, Day(2026, 7, 10)))));
}

// "When a due date passes with nothing done, the system appends an event
// saying so (... extra measurement overdue ...), once, with the due date"
// — from the next day.
TEST_F(ExtraMeasurements, OverdueTheDayAfterTheDueDateOnce) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 10)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 11)),
              ElementsAre(EqualsProto(ExtraMeasurementOverdueEvent(
                  kPrivateUnit, kIndicator, Day(2026, 7, 10)))));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 12)), IsEmpty());
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2027, 7, 12)), IsEmpty());
}

// "A deadline is met when the thing happens on or before its date": a
// measurement on the due date fulfils it and nothing becomes overdue; a
// late one still fulfils it after the overdue event.
TEST_F(ExtraMeasurements, MeasurementOnTheDueDateMeetsIt) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  EXPECT_THAT(Types(Run(Measure("m-2", 2026, Day(2026, 7, 10), false),
                        Day(2026, 7, 10))),
              ElementsAre("MeasurementRecorded", "ExtraMeasurementFulfilled"));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 11)), IsEmpty());
}

TEST_F(ExtraMeasurements, LateMeasurementStillFulfilsAfterTheOverdueEvent) {
  Run(Measure("m-1", 2025, Day(2026, 1, 10), true));
  ASSERT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 11)),
              ElementsAre(EqualsProto(ExtraMeasurementOverdueEvent(
                  kPrivateUnit, kIndicator, Day(2026, 7, 10)))));
  EXPECT_THAT(
      Types(Run(Measure("m-2", 2026, Day(2026, 8, 1), false), Day(2026, 8, 1))),
      ElementsAre("MeasurementRecorded", "ExtraMeasurementFulfilled"));
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 12, 1)), IsEmpty());
}

// Measurements may arrive out of order (a backlog imported at once): a red
// result recorded after a later-dated measurement of the series is already
// followed by that measurement, which fulfils its obligation at once; no
// overdue event follows.
TEST_F(ExtraMeasurements, BackfilledRedResultIsFulfilledByALaterMeasurement) {
  Run(Measure("m-2", 2025, Day(2026, 2, 20), false));
  Run(Measure("m-3", 2025, Day(2026, 2, 25), false));
  const v1::Command red = Measure("m-1", 2025, Day(2026, 1, 10), true);
  Officer().When(red).Then(
      {MeasurementRecordedEvent(red, v1::MEASUREMENT_RESULT_RED),
       ExtraMeasurementRequiredEvent(kPrivateUnit, kIndicator, "m-1",
                                     Day(2026, 7, 10)),
       ExtraMeasurementFulfilledEvent(kPrivateUnit, kIndicator, "m-2",
                                      Day(2026, 7, 10))});
  Run(red);
  EXPECT_THAT(world_.RunDeadlines(kTenant, Day(2026, 7, 11)), IsEmpty());
}

// ---- Red two years running
// ------------------------------------------------------

// "The same indicator red for the same unit two years in a row ... opens a
// deficiency case automatically": the series reports the pair of years
// when the second red year's result is recorded.
TEST_F(RedTwoYearsRunning, SecondRedYearIsReported) {
  Run(Measure("m-2024", 2024, Day(2025, 1, 20), true), Day(2025, 1, 20));
  const std::vector<v1::Event> events =
      Run(Measure("m-2025", 2025, Day(2026, 1, 20), true));
  EXPECT_THAT(OfType(events, "IndicatorRedTwoYearsRunning"),
              ElementsAre(EqualsProto(RedTwoYearsEvent(2024, "m-2024", "m-2025",
                                                       Day(2026, 1, 20)))));
}

// Measurements may arrive out of order: the earlier year recorded second
// completes the pair just the same.
TEST_F(RedTwoYearsRunning, PairIsFoundWhenTheEarlierYearArrivesLast) {
  Run(Measure("m-2025", 2025, Day(2026, 1, 20), true));
  const std::vector<v1::Event> events =
      Run(Measure("m-2024", 2024, Day(2025, 1, 20), true));
  EXPECT_THAT(OfType(events, "IndicatorRedTwoYearsRunning"),
              ElementsAre(EqualsProto(RedTwoYearsEvent(2024, "m-2024", "m-2025",
                                                       Day(2026, 1, 20)))));
}

// "two years in a row": red in 2023 and 2025 is not.
TEST_F(RedTwoYearsRunning, NonConsecutiveYearsAreNotAPair) {
  Run(Measure("m-2023", 2023, Day(2024, 1, 20), true), Day(2024, 1, 20));
  EXPECT_THAT(OfType(Run(Measure("m-2025", 2025, Day(2026, 1, 20), true)),
                     "IndicatorRedTwoYearsRunning"),
              IsEmpty());
}

// A pair of years is reported once: a further red result for either year,
// or a repeat, reports nothing new; three red years are two pairs.
TEST_F(RedTwoYearsRunning, EachPairIsReportedOnce) {
  Run(Measure("m-2023", 2023, Day(2024, 1, 20), true), Day(2024, 1, 20));
  ASSERT_THAT(OfType(Run(Measure("m-2024", 2024, Day(2025, 1, 20), true),
                         Day(2025, 1, 20)),
                     "IndicatorRedTwoYearsRunning"),
              ElementsAre(EqualsProto(RedTwoYearsEvent(2023, "m-2023", "m-2024",
                                                       Day(2025, 1, 20)))));
  EXPECT_THAT(OfType(Run(Measure("m-2024b", 2024, Day(2025, 2, 1), true),
                         Day(2025, 2, 1)),
                     "IndicatorRedTwoYearsRunning"),
              IsEmpty());
  Officer().When(Measure("m-2024", 2024, Day(2025, 1, 20), true)).ThenNothing();
  EXPECT_THAT(OfType(Run(Measure("m-2025", 2025, Day(2026, 1, 20), true)),
                     "IndicatorRedTwoYearsRunning"),
              ElementsAre(EqualsProto(RedTwoYearsEvent(
                  2024, "m-2024b", "m-2025", Day(2026, 1, 20)))));
}

// Interpretation: each year stands by its latest result (by date
// measured), so a year whose latest result is green breaks the pair.
TEST_F(RedTwoYearsRunning, GreenLatestResultOfAYearBreaksThePair) {
  Run(Measure("m-2024", 2024, Day(2025, 1, 20), true), Day(2025, 1, 20));
  Run(Measure("m-2024-extra", 2024, Day(2025, 3, 1), false), Day(2025, 3, 1));
  EXPECT_THAT(OfType(Run(Measure("m-2025", 2025, Day(2026, 1, 20), true)),
                     "IndicatorRedTwoYearsRunning"),
              IsEmpty());
  // An earlier-dated red result for 2025 recorded now is not 2025's latest.
  EXPECT_THAT(OfType(Run(Measure("m-2025-early", 2025, Day(2026, 1, 5), true)),
                     "IndicatorRedTwoYearsRunning"),
              IsEmpty());
}

// ... and a later red result of a year that was green completes the pair.
TEST_F(RedTwoYearsRunning, LaterRedResultOfAGreenYearCompletesThePair) {
  Run(Measure("m-2024", 2024, Day(2025, 1, 20), true), Day(2025, 1, 20));
  Run(Measure("m-2025", 2025, Day(2026, 1, 20), false));
  EXPECT_THAT(OfType(Run(Measure("m-2025b", 2025, Day(2026, 2, 1), true)),
                     "IndicatorRedTwoYearsRunning"),
              ElementsAre(EqualsProto(RedTwoYearsEvent(
                  2024, "m-2024", "m-2025b", Day(2026, 2, 1)))));
}

// "for the same unit": red at another unit the year before is no pair.
TEST_F(RedTwoYearsRunning, AnotherUnitsRedYearIsNoPair) {
  Run(RecordMeasurement("d-2024", kPrivateProvider, kDisabilityUnit, kIndicator,
                        2024, Day(2025, 1, 20), true),
      Day(2025, 1, 20));
  EXPECT_THAT(OfType(Run(Measure("m-2025", 2025, Day(2026, 1, 20), true)),
                     "IndicatorRedTwoYearsRunning"),
              IsEmpty());
}

// ---- Base requirements
// -----------------------------------------------------------

// "a base requirement (grundkrav) not met ... opens a deficiency case
// automatically": the series reports it.
TEST_F(BaseRequirements, RedBaseRequirementIsReported) {
  const v1::Command red = RecordMeasurement(
      "g-1", kPrivateProvider, kPrivateUnit, "grundkrav-delaktighet", 2025,
      kToday, true, /*base_requirement=*/true);
  const v1::Measurement& m = red.record_measurement().measurement();
  v1::Event expected;
  v1::BaseRequirementNotMet* e = expected.mutable_base_requirement_not_met();
  e->set_provider_id(kPrivateProvider);
  e->set_unit_id(kPrivateUnit);
  e->set_indicator_id("grundkrav-delaktighet");
  e->set_indicator_name(m.indicator_name());
  e->set_measurement_id("g-1");
  e->set_quality_area(m.quality_area());
  e->set_kind(m.kind());
  *e->mutable_measured_on() = D(kToday);
  Officer().When(red).Then(
      {MeasurementRecordedEvent(red, v1::MEASUREMENT_RESULT_RED),
       ExtraMeasurementRequiredEvent(kPrivateUnit, "grundkrav-delaktighet",
                                     "g-1", Day(2026, 9, 2)),
       expected});
}

// A base requirement that is met, or a red result of an ordinary
// indicator, reports nothing of the kind.
TEST_F(BaseRequirements, MetBaseRequirementOrOrdinaryRedIsNotReported) {
  EXPECT_THAT(
      OfType(Run(RecordMeasurement("g-1", kPrivateProvider, kPrivateUnit,
                                   "grundkrav", 2025, kToday, false, true)),
             "BaseRequirementNotMet"),
      IsEmpty());
  EXPECT_THAT(
      OfType(Run(Measure("m-1", 2025, kToday, true)), "BaseRequirementNotMet"),
      IsEmpty());
}

// ---- The command
// -------------------------------------------------------------------

// "A measurement records unit, indicator, ...": the unit is one of the
// provider's.
TEST_F(RecordMeasurements, UnitMustBeOneOfTheProvidersUnits) {
  Officer()
      .When(RecordMeasurement("m-1", kPrivateProvider, kOtherUnit, kIndicator,
                              2025, kToday, true))
      .ThenFails(Code::kNotFound, "measurement.unit_id");
  Officer()
      .When(RecordMeasurement("m-1", "okant-bolag", kPrivateUnit, kIndicator,
                              2025, kToday, true))
      .ThenFails(Code::kNotFound, "measurement.provider_id");
}

// "When it was measured; not in the future", and within or after the
// period measured, which ends after it starts.
TEST_F(RecordMeasurements, DatesAreChecked) {
  Officer()
      .When(Measure("m-1", 2026, kToday + 1, true))
      .ThenFails(Code::kInvalidArgument, "measurement.measured_on");
  Officer()
      .When(Measure("m-1", 2026, Day(2025, 12, 31), true))
      .ThenFails(Code::kInvalidArgument, "measurement.measured_on");
  v1::Command reversed = Measure("m-1", 2025, kToday, true);
  *reversed.mutable_record_measurement()
       ->mutable_measurement()
       ->mutable_period_end() = D(Day(2024, 12, 31));
  Officer().When(reversed).ThenFails(Code::kInvalidArgument,
                                     "measurement.period_end");
  v1::Command no_start = Measure("m-1", 2025, kToday, true);
  no_start.mutable_record_measurement()
      ->mutable_measurement()
      ->clear_period_start();
  Officer().When(no_start).ThenFails(Code::kInvalidArgument,
                                     "measurement.period_start");
}

// The value and the approved level are numbers.
TEST_F(RecordMeasurements, ValueAndLevelAreFiniteNumbers) {
  for (double bad : {std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity()}) {
    Officer()
        .When(WithValue(Measure("m-1", 2025, kToday, true), bad, 10, false))
        .ThenFails(Code::kInvalidArgument, "measurement.value");
    Officer()
        .When(WithValue(Measure("m-1", 2025, kToday, true), 10, bad, false))
        .ThenFails(Code::kInvalidArgument, "measurement.approved_level");
  }
}

// The indicator's name, kind and quality area are given (the reports group
// by them).
TEST_F(RecordMeasurements, IndicatorIsDescribed) {
  v1::Command no_name = Measure("m-1", 2025, kToday, true);
  no_name.mutable_record_measurement()
      ->mutable_measurement()
      ->clear_indicator_name();
  Officer().When(no_name).ThenFails(Code::kInvalidArgument,
                                    "measurement.indicator_name");
  v1::Command no_kind = Measure("m-1", 2025, kToday, true);
  no_kind.mutable_record_measurement()->mutable_measurement()->clear_kind();
  Officer().When(no_kind).ThenFails(Code::kInvalidArgument, "measurement.kind");
  v1::Command no_area = Measure("m-1", 2025, kToday, true);
  no_area.mutable_record_measurement()
      ->mutable_measurement()
      ->clear_quality_area();
  Officer().When(no_area).ThenFails(Code::kInvalidArgument,
                                    "measurement.quality_area");
}

// Repeats yield nothing; the same id with another measurement is
// ALREADY_EXISTS.
TEST_F(RecordMeasurements, RepeatYieldsNothingAndOtherContentAlreadyExists) {
  const v1::Command red = Measure("m-1", 2025, Day(2026, 1, 10), true);
  Run(red);
  Officer(kToday + 30).When(red).ThenNothing();
  Officer()
      .When(Measure("m-1", 2025, Day(2026, 1, 10), false))
      .ThenFails(Code::kAlreadyExists, "measurement_id");
}

// "MEDICAL_OFFICER ... takes part in follow-up": MAS/MAR record
// measurements as U&U does.
TEST_F(RecordMeasurements, MedicalOfficerRecordsMeasurements) {
  const v1::Command green = Measure("m-1", 2025, kToday, false);
  Given(world_)
      .As(MedicalOfficer())
      .On(kToday)
      .When(green)
      .Then({MeasurementRecordedEvent(green, v1::MEASUREMENT_RESULT_GREEN)});
}

}  // namespace
}  // namespace atgard::testing
