// Situations of a deficiency case for the case decider's tests: a world
// with the seeded providers, cases brought up the staircase, and a catalogue
// of every case command in a situation where it is accepted, so that the
// cross-cutting rules (idempotency, scope, tenants, roles that never act,
// closed cases, the identity guard, required fields) can be checked for
// each command in turn.
#ifndef ATGARD_TESTS_UNIT_DOMAIN_CASE_SCENARIOS_H_
#define ATGARD_TESTS_UNIT_DOMAIN_CASE_SCENARIOS_H_

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_world.h"

namespace atgard::testing {

inline constexpr char kCase[] = "brist-1";

// A world with SeedProviders() run.
class CaseTest : public ::testing::Test {
 protected:
  void SetUp() override { SeedProviders(world_); }

  // The folded state and the events of a case of kTenant.
  domain::CaseState CaseState(const std::string& id = kCase) const;
  const std::vector<v1::Event>& CaseStream(const std::string& id = kCase) const;

  World world_;
};

// Every role of the Role enum that a principal can have.
std::vector<v1::Role> AllRoles();

// A principal with `role` in `tenant`; a PROVIDER acts for `provider_id`.
domain::Principal WithRole(v1::Role role,
                           absl::string_view provider_id = kPrivateProvider,
                           absl::string_view tenant = kTenant);

// "FOLLOW_UP_OFFICER" etc., for test traces.
std::string RoleLabel(v1::Role role);

// Moves the driver's case (registered, at step 1) up its staircase until
// it stands at `step`, failing every step on the way by rejecting its plan.
void ClimbTo(CaseDriver& driver, v1::EscalationStep step);

// A registered case of the private (or municipal) provider, open at `step`;
// the returned driver's today() is the next free day.
CaseDriver CaseAtStep(World& world, const std::string& id, bool private_case,
                      v1::EscalationStep step,
                      absl::CivilDay start = Day(2026, 2, 10));

// The RegisterCase command of a system-level deficiency.
v1::Command RegisterSystemLevelCase(absl::string_view case_id,
                                    absl::CivilDay detected_on);

// A command that a principal issues on a day.
struct Situation {
  domain::Principal actor;
  absl::CivilDay day;
  v1::Command command;
};

// One case command in a situation where it is accepted.
struct CaseCommandCase {
  // Test-name suffix: the command and, where it has several, the variant.
  std::string name;
  // Whether the case is a private provider's (else municipal).
  bool private_case = true;
  // Whether the command targets a case that already exists (all but
  // RegisterCase).
  bool existing_case = true;
  // Brings case `id` of `world` (seeded) to the situation and returns the
  // command with the principal allowed to issue it there.
  std::function<Situation(World& world, const std::string& id)> arrange;
};

// Prints the entry's name in test failures.
inline void PrintTo(const CaseCommandCase& c, std::ostream* os) {
  *os << c.name;
}

// Every case command, several of them in more than one variant.
const std::vector<CaseCommandCase>& EveryCaseCommand();
// The catalogue entry with `name`; fails the test if there is none.
const CaseCommandCase& CaseCommandNamed(absl::string_view name);

// Test-name generator for parameterised tests over EveryCaseCommand().
struct CaseCommandName {
  std::string operator()(
      const ::testing::TestParamInfo<CaseCommandCase>& info) const {
    return info.param.name;
  }
};

// Checks that exactly the roles in `allowed` may issue `command` in
// `world` on `day`: each of them is accepted, every other role is refused
// with PERMISSION_DENIED. A PROVIDER acts for `provider_id`.
void ExpectOnlyRoles(const World& world, const std::vector<v1::Role>& allowed,
                     absl::string_view provider_id, absl::CivilDay day,
                     const v1::Command& command);

// The id of the case a case command names.
std::string CaseIdOf(const v1::Command& command);
// The same command naming another case.
v1::Command WithCaseId(v1::Command command, absl::string_view id);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_UNIT_DOMAIN_CASE_SCENARIOS_H_
