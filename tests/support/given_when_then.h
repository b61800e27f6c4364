// Domain rules as specifications:
//
//   Given(world).As(FollowUpOfficer()).On(Day(2026, 3, 2))
//       .When(RequestPlan(...))
//       .Then({PlanRequestedEvent(...)});
//   Given(world).As(ProviderStaff(kPrivateProvider)).On(...)
//       .When(AssessPlan(...))
//       .ThenFails(absl::StatusCode::kPermissionDenied);
//   Given(history_of_the_case, &world).When(...).ThenNothing();
//
// Given() takes the target aggregate's history either from a World (the
// stream the command routes to) or as an explicit list of events; the
// World also supplies the references (provider, contract, cases). When()
// runs the pure decider once; the Then* checks report a readable diff.
#ifndef ATGARD_TESTS_SUPPORT_GIVEN_WHEN_THEN_H_
#define ATGARD_TESTS_SUPPORT_GIVEN_WHEN_THEN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"
#include "tests/support/domain_world.h"

namespace atgard::testing {

class Outcome {
 public:
  explicit Outcome(absl::StatusOr<std::vector<v1::Event>> result)
      : result_(std::move(result)) {}

  // The decider accepted the command and produced exactly `expected`.
  void Then(const std::vector<v1::Event>& expected) const;
  // The decider refused with `code`; and, unless `field` is empty, the
  // status names `field` (see domain::FieldOf).
  void ThenFails(absl::StatusCode code, absl::string_view field = "") const;
  // The command was a repeat: accepted, no events.
  void ThenNothing() const;

  const absl::StatusOr<std::vector<v1::Event>>& result() const {
    return result_;
  }

 private:
  absl::StatusOr<std::vector<v1::Event>> result_;
};

class Scenario {
 public:
  Scenario& As(domain::Principal principal);
  Scenario& On(absl::CivilDay day);
  Outcome When(const v1::Command& command) const;

 private:
  friend Scenario Given(const World& world);
  friend Scenario Given(std::vector<v1::Event> history, const World* world);

  const World* world_ = nullptr;
  std::optional<std::vector<v1::Event>> history_;
  domain::Principal principal_;
  absl::CivilDay day_ = absl::CivilDay(2026, 3, 2);
};

// The command's stream and every reference come from `world`.
Scenario Given(const World& world);
// The command's stream is `history`; references come from `world`, if any.
Scenario Given(std::vector<v1::Event> history, const World* world = nullptr);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_GIVEN_WHEN_THEN_H_
