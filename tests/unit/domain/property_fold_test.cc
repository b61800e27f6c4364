// Property: folding the produced events always gives the decider's state.
//
// Random command sequences (tests/support/domain_generators.h) run against
// an in-memory world exactly as the server runs them. For every command the
// property decides it itself against the stream folded from scratch and
// checks that the world appended exactly those events to exactly that
// stream; and for every stream an event lands in, that the state kept up to
// date event by event since the start equals the state folded from scratch,
// and that a case moved only along the transition table
// (services/domain/CASE_WORKFLOW.md).
//
// Running more or other cases: rapidcheck reads RC_PARAMS, e.g.
//   RC_PARAMS="max_success=2000" build/tests/domain_property_test
//   RC_PARAMS="max_success=500 max_size=200"
//     build/tests/domain_property_test --gtest_filter='FoldProperty.*'
// (the size bounds the length of a sequence: about 40 + 4 * size steps).
// A failure prints the concrete command sequence (day, principal, command,
// outcome) and a line `RC_PARAMS="reproduce=…"`; run the binary with that
// (and --gtest_filter naming the property) to replay the same, already
// shrunk, counterexample.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/case_workflow.h"
#include "services/domain/decider.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_generators.h"

namespace atgard::testing {
namespace {

// The states of every stream, kept up to date event by event.
class IncrementalStates {
 public:
  // Applies the world's log from where it stopped last time; returns the
  // streams that changed.
  std::vector<std::string> CatchUp(const World& world) {
    std::vector<std::string> touched;
    const std::vector<WorldEvent>& log = world.Log();
    for (; applied_ < log.size(); ++applied_) {
      const WorldEvent& e = log[applied_];
      auto it = states_.find(e.stream_id);
      if (it == states_.end()) {
        it = states_
                 .emplace(e.stream_id,
                          domain::InitialState(KindOfStream(e.stream_id)))
                 .first;
      }
      domain::Evolve(it->second, e.event);
      if (touched.empty() || touched.back() != e.stream_id) {
        touched.push_back(e.stream_id);
      }
    }
    return touched;
  }

  const domain::AggregateState& at(const std::string& stream_id) const {
    return states_.at(stream_id);
  }

 private:
  std::map<std::string, domain::AggregateState> states_;
  size_t applied_ = 0;
};

void CheckStreamsAgree(const Simulation& sim, IncrementalStates& states) {
  for (const std::string& stream : states.CatchUp(sim.world())) {
    const std::string incremental = Describe(states.at(stream));
    const std::string scratch =
        Describe(Fold(stream, sim.world().Stream(stream)));
    PROPERTY_CHECK(
        incremental == scratch, sim,
        absl::StrCat("stream ", stream, ": state kept event by event\n",
                     incremental,
                     "differs from the state folded from scratch\n", scratch));
  }
}

// The case moved along an arrow of the transition table: `events` were
// produced by `command` from a case in `before`.
void CheckCaseTransition(const Simulation& sim, const v1::Command& command,
                         const domain::CaseState& before,
                         const domain::CaseState& after) {
  const domain::CaseTransition* t =
      domain::FindTransition(command.command_case(), before.status);
  PROPERTY_CHECK(
      t != nullptr, sim,
      absl::StrCat(domain::CommandName(command.command_case()),
                   " produced events although the table allows it only from ",
                   "other statuses than ", domain::StatusName(before.status)));
  if (t->keeps_status) {
    PROPERTY_CHECK(after.status == before.status, sim,
                   absl::StrCat(domain::CommandName(command.command_case()),
                                " changed the status to ",
                                domain::StatusName(after.status)));
  } else {
    PROPERTY_CHECK(
        std::find(t->to.begin(), t->to.end(), after.status) != t->to.end(), sim,
        absl::StrCat(domain::CommandName(command.command_case()), " led from ",
                     domain::StatusName(before.status), " to ",
                     domain::StatusName(after.status),
                     ", which the table does not allow"));
  }
}

STAIRCASE_PROP(FoldProperty, FoldingTheProducedEventsGivesTheDecidersState) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  IncrementalStates states;
  states.CatchUp(sim.world());
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    const size_t log_before = sim.world().Log().size();
    switch (action.type) {
      case Action::Type::kNothing:
        continue;
      case Action::Type::kPolicies:
        sim.RunPolicies();
        break;
      case Action::Type::kDeadlines: {
        // The scheduler appends, per stream, exactly what DueDeadlines says
        // of the stream's folded state.
        std::map<std::string, std::vector<v1::Event>> due;
        for (const std::string& stream : StreamIds(sim.world())) {
          std::vector<v1::Event> events = domain::DueDeadlines(
              Fold(stream, sim.world().Stream(stream)), sim.today());
          if (!events.empty()) due[stream] = std::move(events);
        }
        const std::map<std::string, domain::AggregateState> before = [&] {
          std::map<std::string, domain::AggregateState> out;
          for (const auto& [stream, events] : due) {
            out.emplace(stream, Fold(stream, sim.world().Stream(stream)));
          }
          return out;
        }();
        sim.RunDeadlines();
        std::map<std::string, std::vector<v1::Event>> appended;
        for (size_t i = log_before; i < sim.world().Log().size(); ++i) {
          appended[sim.world().Log()[i].stream_id].push_back(
              sim.world().Log()[i].event);
        }
        PROPERTY_CHECK(appended.size() == due.size(), sim,
                       "the scheduler appended to other streams than those "
                       "with deadlines due");
        for (const auto& [stream, events] : due) {
          std::string difference;
          PROPERTY_CHECK(SameDecision(events, appended[stream], &difference),
                         sim,
                         absl::StrCat("stream ", stream, ": ", difference));
          if (KindOfStream(stream) != domain::AggregateKind::kCase) continue;
          const auto& case_before =
              std::get<domain::CaseState>(before.at(stream));
          for (const v1::Event& e : events) {
            PROPERTY_CHECK(domain::FindDeadlineTransition(
                               e.event_case(), case_before.status) != nullptr,
                           sim,
                           absl::StrCat(domain::EventType(e), " while ",
                                        domain::StatusName(case_before.status),
                                        " in ", stream));
          }
          const auto after = std::get<domain::CaseState>(
              Fold(stream, sim.world().Stream(stream)));
          PROPERTY_CHECK(
              after.status == case_before.status, sim,
              absl::StrCat("a deadline changed the status of ", stream));
        }
        break;
      }
      case Action::Type::kCommand: {
        absl::StatusOr<domain::AggregateRef> ref =
            domain::Route(action.command);
        if (!ref.ok()) {
          const auto result = sim.Execute(action);
          std::string difference;
          PROPERTY_CHECK(
              SameDecision(result,
                           ThroughTheHandler(action.principal, ref.status()),
                           &difference),
              sim, difference);
          PROPERTY_CHECK(sim.world().Log().size() == log_before, sim,
                         "an unroutable command appended events");
          break;
        }
        const std::string stream =
            domain::StreamId(action.principal.tenant, *ref);
        const std::vector<v1::Event> history = sim.world().Stream(stream);
        const domain::AggregateState before = Fold(stream, history);
        // The server's pipeline: a role that issues no commands is refused
        // before anything is decided, then the decider decides.
        const absl::StatusOr<std::vector<v1::Event>> decided =
            ThroughTheHandler(
                action.principal,
                domain::Decide(action.command, before,
                               ContextOn(action.principal, sim.today()),
                               sim.world().LoadReferences(
                                   action.principal.tenant, action.command)));
        const absl::StatusOr<std::vector<v1::Event>> result =
            sim.Execute(action);
        std::string difference;
        PROPERTY_CHECK(SameDecision(decided, result, &difference), sim,
                       absl::StrCat("the world's outcome differs from the "
                                    "decider's:\n",
                                    difference));
        const size_t produced = result.ok() ? result->size() : 0;
        PROPERTY_CHECK(sim.world().Log().size() == log_before + produced, sim,
                       "the world appended other events than the decider's");
        if (produced == 0) break;
        std::vector<v1::Event> expected = history;
        expected.insert(expected.end(), result->begin(), result->end());
        PROPERTY_CHECK(
            SameDecision(expected, sim.world().Stream(stream), &difference),
            sim,
            absl::StrCat("stream ", stream,
                         " is not its history plus the decided events:\n",
                         difference));
        // The decider's state plus its events is the state of the stream.
        domain::AggregateState incremental = before;
        for (const v1::Event& e : *result) domain::Evolve(incremental, e);
        const domain::AggregateState scratch =
            Fold(stream, sim.world().Stream(stream));
        PROPERTY_CHECK(
            Describe(incremental) == Describe(scratch), sim,
            absl::StrCat("state after ", Summarise(action.command), ":\n",
                         Describe(incremental), "differs from the fold:\n",
                         Describe(scratch)));
        if (ref->kind == domain::AggregateKind::kCase &&
            action.command.command_case() != v1::Command::kRegisterCase) {
          CheckCaseTransition(sim, action.command,
                              std::get<domain::CaseState>(before),
                              std::get<domain::CaseState>(scratch));
        }
        break;
      }
    }
    CheckStreamsAgree(sim, states);
  }
  coverage.Record(sim);
  // How far the municipal cases got: rapidcheck prints the distribution.
  RC_TAG(absl::StrCat("municipal: ",
                      FurthestReached(sim, v1::REGIFORM_MUNICIPAL)));
}

}  // namespace
}  // namespace atgard::testing
