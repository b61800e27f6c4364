// Random but mostly meaningful command sequences over a seeded world, for
// property-based tests of the pure domain (rapidcheck).
//
// A sequence is a list of abstract Steps ("the natural next command for
// case 2", "an AssessPlan on case 1 by the wrong role with a date moved",
// "forty days pass, then the deadline scheduler runs"). A Simulation turns
// each Step into a concrete command only when it is run, against the world
// as it is at that moment: the plan a SubmitPlan carries is built for the
// request the case actually has, the assessor is the role the case's step
// names, and so on. Generation therefore needs no model of the domain,
// every prefix of a sequence is itself a meaningful sequence, and shrinking
// (dropping steps, lowering numbers) keeps producing sensible scenarios; the
// Simulation's transcript shows the concrete commands of a counterexample.
//
// Not thread-safe; one Simulation per test case.
#ifndef ATGARD_TESTS_SUPPORT_DOMAIN_GENERATORS_H_
#define ATGARD_TESTS_SUPPORT_DOMAIN_GENERATORS_H_

#include <rapidcheck.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "google/protobuf/message.h"
#include "services/domain/decider.h"
#include "services/domain/principal.h"
#include "tests/support/domain_world.h"

// Fails the current rapidcheck property unless `condition` holds, with
// `what` (anything absl::StrCat takes) and the Simulation `sim`'s transcript,
// so that a counterexample reads as the sequence of concrete commands.
#define PROPERTY_CHECK(condition, sim, what)                               \
  do {                                                                     \
    if (!(condition)) {                                                    \
      RC_FAIL(::absl::StrCat("violated: " #condition "\n", what,           \
                             "\n--- sequence ---\n", (sim).transcript())); \
    }                                                                      \
  } while (false)

namespace atgard::testing {

enum class StepKind {
  kNext,       // the command that moves a target along its workflow
  kCommand,    // a command of a given kind for a target, whatever its state
  kWait,       // days pass
  kJump,       // many days pass (past due dates), then the deadlines run
  kDeadlines,  // the deadline scheduler runs today
  kPolicies,   // the automatic policies run on the events not yet seen
};

// Which kind of aggregate a kNext step moves.
enum class Area { kCase, kContract, kMeasurement, kCarePlan, kProvider };

// How a kCommand or kNext step's valid command is spoiled, if at all.
enum class Perturbation {
  kNone,
  kClear,     // one set field is cleared
  kMoveDate,  // one date is moved some days back or forth
  kFlip,      // one enum (an answer, a decision, a result …) changes value
  kNumber,    // one number changes or one flag flips
};

struct Step {
  StepKind kind = StepKind::kNext;
  Area area = Area::kCase;
  // kCommand: the kind of command.
  v1::Command::CommandCase command = v1::Command::COMMAND_NOT_SET;
  // Which case, contract, series or client (see Simulation).
  int target = 0;
  // 0: the principal the workflow expects; otherwise one of the cast (all
  // roles, another provider's staff, another tenant).
  int actor = 0;
  // Chooses among the valid variants (decision, result, light, …), 0-99.
  int variant = 0;
  // Days that pass before the step.
  int days = 0;
  Perturbation perturbation = Perturbation::kNone;
  // Which field a perturbation touches and by how much.
  int which = 0;
};

void showValue(const Step& step, std::ostream& os);

// One Step, and a sequence of them whose length grows with rapidcheck's
// size (up to about 40 + 4 * size).
rc::Gen<Step> GenStep();
rc::Gen<std::vector<Step>> GenSteps();

// Every command kind of the API, for kCommand steps.
const std::vector<v1::Command::CommandCase>& AllCommandKinds();

// The fixed cases the sequences work on: two at private providers (one
// with a contract), two at the municipal provider. Policies may open more
// ("auto-…"), which steps can target too.
struct CaseSlot {
  std::string case_id;
  std::string provider_id;
  std::string unit_id;
};
const std::vector<CaseSlot>& CaseSlots();

// What a Step became.
struct Action {
  enum class Type { kCommand, kDeadlines, kPolicies, kNothing };
  Type type = Type::kNothing;
  domain::Principal principal;
  v1::Command command;
  // The perturbation applied, in words ("" if none).
  std::string spoiled;
};

class Simulation {
 public:
  // A world with SeedProviders() in kTenant, on 2026-01-20.
  Simulation();

  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Lets the step's days pass and turns it into an action against the
  // world as it is now.
  Action Materialise(const Step& step);

  // Runs a kCommand action through World::Run and records it in the
  // transcript.
  absl::StatusOr<std::vector<v1::Event>> Execute(const Action& action);
  // Runs the deadline scheduler or the policies for kTenant today and
  // records what they appended.
  std::vector<v1::Event> RunDeadlines();
  std::vector<v1::Event> RunPolicies();
  // Carries out an action that is not a command (nothing, the scheduler,
  // the policies) and returns true; false for a kCommand action, which
  // the caller sends itself.
  bool RunUnlessCommand(const Action& action);

  // Adds a line to the transcript (for what a property did besides).
  void Note(absl::string_view line);

  World& world() { return world_; }
  const World& world() const { return world_; }
  absl::CivilDay today() const { return today_; }
  // One line per action with its outcome.
  const std::string& transcript() const { return transcript_; }

  // Every case id in kTenant that has a stream (fixed slots and policies'),
  // in the order of their first event.
  const std::vector<std::string>& CaseIds() const;

  // Who appended the event at `log_index` of world().Log(): the command's
  // principal, or SYSTEM for deadlines and policies.
  const domain::Principal& ActorOf(size_t log_index) const;
  // The day each event of a stream was appended, in stream order.
  const std::vector<absl::CivilDay>& AppendDays(
      const std::string& stream_id) const;

 private:
  v1::Command BuildCaseCommand(v1::Command::CommandCase kind,
                               const std::string& case_id,
                               const domain::CaseState& state,
                               const Step& step);
  v1::Command BuildContractCommand(v1::Command::CommandCase kind, int target,
                                   const Step& step);
  v1::Command BuildMeasurement(const Step& step);
  v1::Command BuildCarePlanReview(const Step& step);
  // RegisterCarePlan or EndCarePlan for one of the care plans reviewed.
  v1::Command BuildCarePlanCommand(v1::Command::CommandCase kind,
                                   const Step& step);
  v1::Command BuildProviderCommand(v1::Command::CommandCase kind,
                                   const Step& step);
  v1::Command::CommandCase NextCaseCommand(const domain::CaseState& state,
                                           const Step& step) const;
  v1::Command::CommandCase NextContractCommand(int target,
                                               const Step& step) const;
  domain::Principal ExpectedActor(const v1::Command& command,
                                  const Step& step) const;
  std::string CaseTarget(int target) const;
  std::vector<std::string> FailedCasesOf(const std::string& provider_id) const;
  std::string Counter(absl::string_view prefix);
  void TrackActors(const domain::Principal& principal);

  World world_;
  absl::CivilDay today_;
  int counter_ = 0;
  std::string transcript_;
  // Parallel to world_.Log().
  std::vector<domain::Principal> actors_;
  std::map<std::string, std::vector<absl::CivilDay>> append_days_;
  std::vector<std::string> case_ids_;
  size_t policies_seen_ = 0;
};

// Spoils `command` as `perturbation` says, choosing the field by `which`;
// returns what it did in words, or "" if there was nothing to spoil.
std::string Perturb(v1::Command& command, Perturbation perturbation, int which);

// One line for the transcript: the command's kind and its identifying
// fields, or the status's code, field and message.
std::string Summarise(const v1::Command& command);
std::string Summarise(const std::vector<v1::Event>& events);
std::string Summarise(const absl::StatusOr<std::vector<v1::Event>>& result);
std::string PrincipalName(const domain::Principal& principal);

// A message on one line, with Swedish text readable (not octal-escaped).
std::string OneLine(const google::protobuf::Message& message);

// The observable fields of an aggregate's state, one per line, so that two
// states compare as text and a difference reads as a diff.
std::string Describe(const domain::AggregateState& state);

// The kind of aggregate a stream id ("<tenant>/<kind>/<id>") holds.
domain::AggregateKind KindOfStream(absl::string_view stream_id);
// The id part of a stream id.
std::string IdOfStream(absl::string_view stream_id);
// The tenant of "<tenant>/<kind>/<id>" (domain::ParseStreamId).
std::string TenantOfStream(absl::string_view stream_id);
// Every stream of the world, in the order of their first event.
std::vector<std::string> StreamIds(const World& world);

// The state of a stream folded from scratch.
domain::AggregateState Fold(absl::string_view stream_id,
                            const std::vector<v1::Event>& events);

// Whether two decisions are the same: equal events in the same order, or
// the same status (code, message and the field it names). If not, says
// how they differ in `difference`.
// What the server's command pipeline answers when the decider answers
// `decided`: a role that issues no commands is refused before anything is
// decided (app::RequireCommandRole), else the decider's answer stands.
absl::StatusOr<std::vector<v1::Event>> ThroughTheHandler(
    const domain::Principal& principal,
    absl::StatusOr<std::vector<v1::Event>> decided);

bool SameDecision(const absl::StatusOr<std::vector<v1::Event>>& a,
                  const absl::StatusOr<std::vector<v1::Event>>& b,
                  std::string* difference);

// How far the fixed cases of each regiform got, for rc::tag: "-", "1",
// "2", "1b", "3", "4", "4 closed", or "closed at <step>".
std::string FurthestReached(const Simulation& simulation,
                            v1::Regiform regiform);

// How many runs of a property reached each late part of the staircase:
// every escalation of each regiform (private 1 → 1b → 4, municipal
// 1 → 2 → 3 → 4), the consequence decided at municipal step 4, a
// sanction, a terminated contract and a case closed on it. A property
// whose histories never get that far checks the rules of those parts
// vacuously, so each property records every run and then requires every
// part reached at least once (STAIRCASE_PROP does both).
class StaircaseCoverage {
 public:
  // Counts the parts `simulation`'s history reached (each once a run).
  void Record(const Simulation& simulation);
  // The parts no recorded run reached, comma-separated; "" if none.
  std::string Missing() const;
  // Every part with the number of runs that reached it.
  std::string Summary() const;

 private:
  int runs_ = 0;
  std::map<std::string, int> reached_;
};

// Like RC_GTEST_PROP(TestCase, Name, ()), for a property over GenSteps()
// histories: the body has a `StaircaseCoverage& coverage` in which it
// records its Simulation at the end of every run, and once rapidcheck
// passed, the test fails unless the runs together reached every part of
// the staircase; it prints how many runs reached each part. The including
// file includes <gtest/gtest.h> and <rapidcheck/gtest.h>.
#define STAIRCASE_PROP(TestCase, Name)                                     \
  void StaircaseProp_##TestCase##_##Name(                                  \
      ::atgard::testing::StaircaseCoverage& coverage);                     \
  TEST(TestCase, Name) {                                                   \
    ::atgard::testing::StaircaseCoverage coverage;                         \
    ::rc::detail::checkGTest(                                              \
        [&coverage] { StaircaseProp_##TestCase##_##Name(coverage); });     \
    std::cout << "staircase reached:\n" << coverage.Summary();             \
    if (!HasFailure()) {                                                   \
      EXPECT_EQ(coverage.Missing(), "")                                    \
          << "no run reached these parts of the staircase (the workflow, " \
             "or the generators' weights, stopped getting there):\n"       \
          << coverage.Summary();                                           \
    }                                                                      \
  }                                                                        \
  void StaircaseProp_##TestCase##_##Name(                                  \
      ::atgard::testing::StaircaseCoverage& coverage)

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_DOMAIN_GENERATORS_H_
