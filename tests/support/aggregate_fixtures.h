// Fixtures for the tests of the aggregates beside the case: providers,
// contracts, measurements, care plans and the policies that join them.
// They build on domain_fixtures.h and add what those tests share: personal
// identity numbers to provoke the guard, cases whose step failed (what a
// sanction rests on), and events as the deciders produce them.
#ifndef ATGARD_TESTS_SUPPORT_AGGREGATE_FIXTURES_H_
#define ATGARD_TESTS_SUPPORT_AGGREGATE_FIXTURES_H_

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_world.h"

namespace atgard::testing {

// Luhn-valid personal identity numbers in the forms people write them.
inline constexpr char kPersonnummer[] = "811218-9876";
inline constexpr char kPersonnummerCompact[] = "8112189876";
inline constexpr char kPersonnummerPlus[] = "811218+9876";
inline constexpr char kPersonnummerSpace[] = "811218 9876";
inline constexpr char kPersonnummerTwelve[] = "19811218-9876";
inline constexpr char kPersonnummerTwelveCompact[] = "198112189876";
// Day + 60: 1981-12-18 as a samordningsnummer.
inline constexpr char kSamordningsnummer[] = "811278-9873";
// Every form above, for parameterised tests.
std::vector<std::string> PersonalIdentityNumbers();

// Registers a case at `unit_id` of `provider_id` on `start` and takes it
// through a plan request and submission to a rejected plan, so that its
// step has failed. The commissioner is U&U for a private provider and the
// care director for a municipal one. Fails the test if refused.
void FailedCase(World& world, absl::string_view case_id,
                absl::string_view provider_id, absl::string_view unit_id,
                bool municipal, absl::CivilDay start = Day(2026, 2, 10));
// Registers a case that has not failed (FOLLOW_UP_OFFICER, on `day`).
void OpenCase(World& world, absl::string_view case_id,
              absl::string_view provider_id, absl::string_view unit_id,
              absl::CivilDay day = Day(2026, 2, 10));

// An aggregate with no events yet, for Given().
inline std::vector<v1::Event> NoHistory() { return {}; }

// The stream id of an aggregate in kTenant.
std::string ProviderStream(absl::string_view provider_id);
std::string ContractStream(absl::string_view contract_id);
std::string SeriesStream(absl::string_view provider_id,
                         absl::string_view unit_id,
                         absl::string_view indicator_id);

// ---- Events as the deciders build them --------------------------------------

v1::Event MeasurementRecordedEvent(const v1::Command& record_measurement,
                                   v1::MeasurementResult result);
v1::Event ExtraMeasurementRequiredEvent(absl::string_view unit_id,
                                        absl::string_view indicator_id,
                                        absl::string_view measurement_id,
                                        absl::CivilDay due_on);
v1::Event ExtraMeasurementFulfilledEvent(absl::string_view unit_id,
                                         absl::string_view indicator_id,
                                         absl::string_view measurement_id,
                                         absl::CivilDay due_on);
v1::Event ExtraMeasurementOverdueEvent(absl::string_view unit_id,
                                       absl::string_view indicator_id,
                                       absl::CivilDay due_on);

// Matches a message equal to `expected` (for events and commands).
MATCHER_P(EqualsProto, expected,
          "equals " + ::testing::PrintToString(expected.ShortDebugString())) {
  if (google::protobuf::util::MessageDifferencer::Equals(arg, expected)) {
    return true;
  }
  *result_listener << "which is " << arg.ShortDebugString();
  return false;
}

// The events of `type` (EventType) among `events`.
std::vector<v1::Event> OfType(const std::vector<v1::Event>& events,
                              absl::string_view type);
// The event types of `events`, in order.
std::vector<std::string> Types(const std::vector<v1::Event>& events);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_AGGREGATE_FIXTURES_H_
