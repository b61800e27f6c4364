// Property: the deciders are pure.
//
// Deciding the same command against the same state gives the same result
// every time (the same events, or the same status with the same message and
// field), whether the state is the one folded a moment ago, folded again
// from scratch, or kept up to date event by event since the start; and the
// deadline scheduler and the policies are functions of their input too.
// Random sequences as in property_fold_test.cc (which says how to run more
// cases or replay a failure).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/domain/decider.h"
#include "services/domain/policies.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_generators.h"

namespace atgard::testing {
namespace {

STAIRCASE_PROP(DeterminismProperty, DecidingTwiceGivesTheSameResult) {
  const std::vector<Step> steps = *GenSteps();
  Simulation sim;
  // Every stream's state, evolved event by event as the log grows.
  std::map<std::string, domain::AggregateState> kept;
  size_t applied = 0;
  auto catch_up = [&] {
    for (; applied < sim.world().Log().size(); ++applied) {
      const WorldEvent& e = sim.world().Log()[applied];
      auto it = kept.find(e.stream_id);
      if (it == kept.end()) {
        it = kept.emplace(e.stream_id,
                          domain::InitialState(KindOfStream(e.stream_id)))
                 .first;
      }
      domain::Evolve(it->second, e.event);
    }
  };
  catch_up();
  for (const Step& step : steps) {
    const Action action = sim.Materialise(step);
    switch (action.type) {
      case Action::Type::kNothing:
        continue;
      case Action::Type::kDeadlines: {
        for (const std::string& stream : StreamIds(sim.world())) {
          const domain::AggregateState state =
              Fold(stream, sim.world().Stream(stream));
          std::string difference;
          PROPERTY_CHECK(
              SameDecision(domain::DueDeadlines(state, sim.today()),
                           domain::DueDeadlines(kept.at(stream), sim.today()),
                           &difference),
              sim, absl::StrCat("deadlines of ", stream, ":\n", difference));
        }
        sim.RunDeadlines();
        break;
      }
      case Action::Type::kPolicies: {
        for (const WorldEvent& e : sim.world().Log()) {
          const std::vector<domain::PolicyCommand> a =
              domain::PolicyCommandsFor(e.stream_id, e.stream_version, e.event);
          const std::vector<domain::PolicyCommand> b =
              domain::PolicyCommandsFor(e.stream_id, e.stream_version, e.event);
          bool same = a.size() == b.size();
          for (size_t i = 0; same && i < a.size(); ++i) {
            same = a[i].command_id == b[i].command_id &&
                   google::protobuf::util::MessageDifferencer::Equals(
                       a[i].command, b[i].command);
          }
          PROPERTY_CHECK(same, sim,
                         absl::StrCat("policies of ", e.stream_id, "@",
                                      e.stream_version, " differ"));
        }
        sim.RunPolicies();
        break;
      }
      case Action::Type::kCommand: {
        absl::StatusOr<domain::AggregateRef> ref =
            domain::Route(action.command);
        if (!ref.ok()) {
          const absl::StatusOr<domain::AggregateRef> again =
              domain::Route(action.command);
          PROPERTY_CHECK(!again.ok() && again.status() == ref.status(), sim,
                         "routing the same command twice differs");
          (void)sim.Execute(action);
          break;
        }
        const std::string stream =
            domain::StreamId(action.principal.tenant, *ref);
        const v1::Command command = action.command;
        const domain::AggregateState state =
            Fold(stream, sim.world().Stream(stream));
        const domain::References refs =
            sim.world().LoadReferences(action.principal.tenant, command);
        const domain::CommandContext context =
            ContextOn(action.principal, sim.today());
        const absl::StatusOr<std::vector<v1::Event>> first =
            domain::Decide(command, state, context, refs);
        const absl::StatusOr<std::vector<v1::Event>> second =
            domain::Decide(command, state, context, refs);
        std::string difference;
        PROPERTY_CHECK(SameDecision(first, second, &difference), sim,
                       absl::StrCat("deciding ", OneLine(command), " twice:\n",
                                    difference));
        const domain::AggregateState refolded =
            Fold(stream, sim.world().Stream(stream));
        const absl::StatusOr<std::vector<v1::Event>> third = domain::Decide(
            command, refolded, ContextOn(action.principal, sim.today()),
            sim.world().LoadReferences(action.principal.tenant, command));
        PROPERTY_CHECK(SameDecision(first, third, &difference), sim,
                       absl::StrCat("deciding ", OneLine(command),
                                    " against a fresh fold:\n", difference));
        const domain::AggregateState kept_state =
            kept.contains(stream) ? kept.at(stream)
                                  : domain::InitialState(ref->kind);
        const absl::StatusOr<std::vector<v1::Event>> fourth =
            domain::Decide(command, kept_state, context, refs);
        PROPERTY_CHECK(SameDecision(first, fourth, &difference), sim,
                       absl::StrCat("deciding ", OneLine(command),
                                    " against the state kept event by "
                                    "event:\n",
                                    difference));
        PROPERTY_CHECK(google::protobuf::util::MessageDifferencer::Equals(
                           command, action.command),
                       sim, "deciding changed the command");
        const absl::StatusOr<std::vector<v1::Event>> run = sim.Execute(action);
        PROPERTY_CHECK(
            SameDecision(ThroughTheHandler(action.principal, first), run,
                         &difference),
            sim, absl::StrCat("the world decided otherwise:\n", difference));
        break;
      }
    }
    catch_up();
  }
  coverage.Record(sim);
  // How far the private cases got: rapidcheck prints the distribution.
  RC_TAG(absl::StrCat("private: ", FurthestReached(sim, v1::REGIFORM_PRIVATE)));
}

}  // namespace
}  // namespace atgard::testing
