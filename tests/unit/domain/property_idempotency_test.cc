// Properties: every repeated command yields nothing.
//
// A client that did not hear the answer sends its command again; the
// deadline scheduler may run twice on a day; the policies' process manager
// may see an event again after a restart. None of these may change the
// history. Random sequences as in property_fold_test.cc (which says how to
// run more cases or replay a failure).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"
#include "services/domain/decider.h"
#include "services/domain/policies.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_generators.h"

namespace atgard::testing {
namespace {

// How many accepted commands a case repeated, for rapidcheck's summary.
const char* RepeatTag(int repeated) {
  return repeated == 0   ? "no command accepted"
         : repeated < 10 ? "1-9 commands repeated"
         : repeated < 30 ? "10-29 commands repeated"
                         : "30 or more commands repeated";
}

// An accepted command, sent again at once by the same principal on the same
// day, is accepted and yields no events: both against the state a running
// server holds (the state the decider started from plus the new events)
// and after a restart (the stream folded from scratch).
STAIRCASE_PROP(IdempotencyProperty, EveryRepeatedCommandYieldsNothing) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  int repeated = 0;
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    if (sim.RunUnlessCommand(action)) continue;
    absl::StatusOr<domain::AggregateRef> ref = domain::Route(action.command);
    if (!ref.ok()) {
      (void)sim.Execute(action);
      continue;
    }
    const std::string stream = domain::StreamId(action.principal.tenant, *ref);
    domain::AggregateState state = Fold(stream, sim.world().Stream(stream));
    const absl::StatusOr<std::vector<v1::Event>> first = sim.Execute(action);
    if (!first.ok() || first->empty()) continue;
    ++repeated;

    for (const v1::Event& e : *first) domain::Evolve(state, e);
    const absl::StatusOr<std::vector<v1::Event>> in_memory = domain::Decide(
        action.command, state, ContextOn(action.principal, sim.today()),
        sim.world().LoadReferences(action.principal.tenant, action.command));
    sim.Note(absl::StrCat("repeated against the state in memory -> ",
                          Summarise(in_memory)));
    PROPERTY_CHECK(in_memory.ok() && in_memory->empty(), sim,
                   absl::StrCat("repeating ", OneLine(action.command),
                                "\nagainst the state in memory gave ",
                                Summarise(in_memory)));

    const size_t log_before = sim.world().Log().size();
    const absl::StatusOr<std::vector<v1::Event>> restarted =
        sim.Execute(action);
    PROPERTY_CHECK(
        restarted.ok() && restarted->empty(), sim,
        absl::StrCat("repeating ", OneLine(action.command),
                     "\nafter a restart gave ", Summarise(restarted)));
    PROPERTY_CHECK(sim.world().Log().size() == log_before, sim,
                   "a repeat appended events");
  }
  coverage.Record(sim);
  RC_TAG(RepeatTag(repeated));
}

// A client's retry may arrive after the deadline scheduler and the policies
// have run on the same day. It may then be refused (a contract the
// scheduler has just expired accepts no command at all, not even a repeat),
// but it never appends anything.
STAIRCASE_PROP(IdempotencyProperty, ARepeatAfterTheSchedulerRanAppendsNothing) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  int repeated = 0;
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    if (sim.RunUnlessCommand(action)) continue;
    const absl::StatusOr<std::vector<v1::Event>> first = sim.Execute(action);
    if (!first.ok() || first->empty()) continue;
    ++repeated;
    sim.RunDeadlines();
    sim.RunPolicies();
    const size_t log_before = sim.world().Log().size();
    const absl::StatusOr<std::vector<v1::Event>> again = sim.Execute(action);
    PROPERTY_CHECK(!again.ok() || again->empty(), sim,
                   absl::StrCat("repeating ", OneLine(action.command),
                                "\nafter the scheduler and the policies ran "
                                "gave ",
                                Summarise(again)));
    PROPERTY_CHECK(sim.world().Log().size() == log_before, sim,
                   "a repeat appended events");
  }
  coverage.Record(sim);
  RC_TAG(RepeatTag(repeated));
}

// The deadline scheduler run twice on the same day appends nothing the
// second time: each deadline event is emitted once.
STAIRCASE_PROP(IdempotencyProperty, DeadlinesTwiceOnADayYieldNothingTheSecond) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  int emitted = 0;
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    switch (action.type) {
      case Action::Type::kNothing:
        break;
      case Action::Type::kCommand:
        (void)sim.Execute(action);
        break;
      case Action::Type::kPolicies:
        sim.RunPolicies();
        break;
      case Action::Type::kDeadlines: {
        emitted += static_cast<int>(sim.RunDeadlines().size());
        const std::vector<v1::Event> again = sim.RunDeadlines();
        PROPERTY_CHECK(
            again.empty(), sim,
            absl::StrCat("the second run on ", domain::FormatDay(sim.today()),
                         " appended ", Summarise(again)));
        break;
      }
    }
  }
  coverage.Record(sim);
  RC_TAG(emitted == 0 ? "no deadline passed" : "deadline events emitted");
}

// The policies run again on every event seen so far (as after a restart of
// the process manager that lost its position) yield nothing new: the
// commands they issue are repeats.
STAIRCASE_PROP(IdempotencyProperty, PoliciesRerunOnTheSameEventsYieldNothing) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  int policy_commands = 0;
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    switch (action.type) {
      case Action::Type::kNothing:
        break;
      case Action::Type::kCommand:
        (void)sim.Execute(action);
        break;
      case Action::Type::kDeadlines:
        sim.RunDeadlines();
        break;
      case Action::Type::kPolicies: {
        sim.RunPolicies();
        const std::vector<WorldEvent> log = sim.world().Log();
        for (const WorldEvent& seen : log) {
          const std::string tenant = TenantOfStream(seen.stream_id);
          for (const domain::PolicyCommand& pc : domain::PolicyCommandsFor(
                   seen.stream_id, seen.stream_version, seen.event)) {
            ++policy_commands;
            const absl::StatusOr<std::vector<v1::Event>> again =
                sim.world().Run(System(tenant), sim.today(), pc.command);
            PROPERTY_CHECK(!again.ok() || again->empty(), sim,
                           absl::StrCat("policy ", pc.command_id,
                                        " run again gave ", Summarise(again)));
          }
        }
        break;
      }
    }
  }
  coverage.Record(sim);
  RC_TAG(policy_commands == 0 ? "no policy fired" : "policies fired");
}

}  // namespace
}  // namespace atgard::testing
