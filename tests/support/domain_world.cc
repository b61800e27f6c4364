#include "tests/support/domain_world.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/app/aggregate_repository.h"
#include "services/app/append.h"
#include "services/app/command_handler.h"
#include "services/app/event_codec.h"
#include "services/app/memory_event_log.h"
#include "services/domain/calendar.h"
#include "services/domain/policies.h"
#include "services/domain/streams.h"
#include "services/jobs/deadline_scheduler.h"

namespace atgard::testing {
namespace {

const std::vector<v1::Event>& Empty() {
  static const std::vector<v1::Event>* empty = new std::vector<v1::Event>();
  return *empty;
}

}  // namespace

absl::Time NoonInStockholm(absl::CivilDay day) {
  return absl::FromCivil(
      absl::CivilSecond(day.year(), day.month(), day.day(), 12),
      domain::StockholmTimeZone());
}

domain::CommandContext ContextOn(const domain::Principal& principal,
                                 absl::CivilDay day) {
  return domain::MakeContext(principal, NoonInStockholm(day));
}

struct World::Parts {
  // The command's time: noon of the day a test runs it on.
  absl::Time now;
  app::MemoryEventLog log;
  // No cache: every command is decided on the log's state, as after a
  // restart, so that nothing a test reads depends on what was cached.
  app::AggregateRepository repository{&log, 0};
  app::CommandHandler handler{
      &log, &repository,
      app::CommandHandler::Options{.clock = [this] { return now; }}};
};

World::World() : parts_(std::make_unique<Parts>()) {}
World::~World() = default;
World::World(World&&) noexcept = default;
World& World::operator=(World&&) noexcept = default;

void World::Sync() {
  while (true) {
    absl::StatusOr<eventstore::ReadAllResult> read =
        parts_->log.ReadAll(log_.size() + 1, 1024, {});
    ASSERT_TRUE(read.ok()) << read.status();
    for (const v1::EventEnvelope& envelope : read->events) {
      absl::StatusOr<v1::Event> event = app::DecodeEvent(envelope);
      ASSERT_TRUE(event.ok()) << event.status();
      streams_[envelope.stream_id()].push_back(*event);
      log_.push_back({.stream_id = envelope.stream_id(),
                      .stream_version = envelope.stream_version(),
                      .event = *std::move(event)});
    }
    if (read->next_position > read->head_position) return;
  }
}

absl::StatusOr<std::vector<v1::Event>> World::Run(
    const domain::Principal& principal, absl::CivilDay day,
    const v1::Command& command) {
  return Run(principal, day, command, absl::StrCat("world-", ++commands_run_),
             "");
}

absl::StatusOr<std::vector<v1::Event>> World::Run(
    const domain::Principal& principal, absl::CivilDay day,
    const v1::Command& command, const std::string& command_id,
    const std::string& causation_id) {
  parts_->now = NoonInStockholm(day);
  const size_t before = log_.size();
  absl::StatusOr<v1::CommandResult> result =
      parts_->handler.HandleAndWait({.principal = principal,
                                     .command = command,
                                     .command_id = command_id,
                                     .causation_id = causation_id});
  if (!result.ok()) return result.status();
  Sync();
  std::vector<v1::Event> events;
  for (size_t i = before; i < log_.size(); ++i) events.push_back(log_[i].event);
  return events;
}

std::vector<v1::Event> World::MustRun(const domain::Principal& principal,
                                      absl::CivilDay day,
                                      const v1::Command& command) {
  absl::StatusOr<std::vector<v1::Event>> events = Run(principal, day, command);
  EXPECT_TRUE(events.ok()) << events.status()
                           << "\ncommand: " << command.ShortDebugString();
  return events.ok() ? *events : std::vector<v1::Event>{};
}

std::vector<v1::Event> World::RunDeadlines(absl::string_view tenant,
                                           absl::CivilDay day) {
  const size_t before = log_.size();
  const std::string prefix = domain::TenantPrefix(tenant);
  std::vector<std::string> ids;
  for (const auto& [id, events] : streams_) {
    if (absl::StartsWith(id, prefix) && domain::AggregateOfStream(id).ok()) {
      ids.push_back(id);
    }
  }
  for (const std::string& id : ids) {
    size_t appended = 0;
    const absl::Status done = jobs::AppendDueDeadlines(
        parts_->log, parts_->repository, id, day, &appended);
    EXPECT_TRUE(done.ok()) << done;
  }
  Sync();
  std::vector<v1::Event> all;
  for (size_t i = before; i < log_.size(); ++i) all.push_back(log_[i].event);
  return all;
}

std::vector<v1::Event> World::RunPolicies(absl::string_view tenant,
                                          absl::CivilDay day) {
  std::vector<v1::Event> produced;
  while (policies_seen_ < log_.size()) {
    const WorldEvent seen = log_[policies_seen_++];
    // Each event's commands run as SYSTEM of the event's own tenant.
    absl::StatusOr<domain::StreamName> name =
        domain::ParseStreamId(seen.stream_id);
    EXPECT_TRUE(name.ok()) << name.status();
    if (!name.ok()) continue;
    const std::string event_tenant = name->tenant;
    if (event_tenant != tenant) continue;
    // As the policy runner issues them (services/jobs/policy_runner.cc).
    const domain::Principal system{.subject = "policy",
                                   .role = v1::ROLE_SYSTEM,
                                   .tenant = std::string(event_tenant)};
    for (const domain::PolicyCommand& pc : domain::PolicyCommandsFor(
             seen.stream_id, seen.stream_version, seen.event)) {
      absl::StatusOr<std::vector<v1::Event>> events =
          Run(system, day, pc.command, pc.command_id,
              domain::EventReference(seen.stream_id, seen.stream_version));
      if (events.ok()) {
        produced.insert(produced.end(), events->begin(), events->end());
      }
    }
  }
  return produced;
}

const std::vector<v1::Event>& World::Stream(
    const std::string& stream_id) const {
  auto it = streams_.find(stream_id);
  return it == streams_.end() ? Empty() : it->second;
}

const std::vector<v1::Event>& World::Stream(
    absl::string_view tenant, const domain::AggregateRef& ref) const {
  return Stream(domain::StreamId(tenant, ref));
}

domain::AggregateState World::State(absl::string_view tenant,
                                    const domain::AggregateRef& ref) const {
  domain::AggregateState state = domain::InitialState(ref.kind);
  for (const v1::Event& e : Stream(tenant, ref)) domain::Evolve(state, e);
  return state;
}

domain::CaseState World::Case(absl::string_view tenant,
                              const std::string& id) const {
  return std::get<domain::CaseState>(
      State(tenant, {.kind = domain::AggregateKind::kCase, .id = id}));
}

domain::ContractState World::Contract(absl::string_view tenant,
                                      const std::string& id) const {
  return std::get<domain::ContractState>(
      State(tenant, {.kind = domain::AggregateKind::kContract, .id = id}));
}

domain::ProviderState World::Provider(absl::string_view tenant,
                                      const std::string& id) const {
  return std::get<domain::ProviderState>(
      State(tenant, {.kind = domain::AggregateKind::kProvider, .id = id}));
}

domain::References World::LoadReferences(
    absl::string_view tenant, const v1::Command& command,
    const domain::AggregateState* target) const {
  absl::StatusOr<domain::References> refs =
      parts_->repository.LoadReferences(tenant, command, target);
  EXPECT_TRUE(refs.ok()) << refs.status();
  return refs.ok() ? *std::move(refs) : domain::References{};
}

void World::Append(const std::string& stream_id,
                   const std::vector<v1::Event>& events) {
  if (events.empty()) return;
  absl::StatusOr<domain::StreamName> name = domain::ParseStreamId(stream_id);
  ASSERT_TRUE(name.ok()) << name.status();
  absl::StatusOr<eventstore::AppendRequest> append =
      app::MakeAppend({.actor = {.subject = "given",
                                 .role = v1::ROLE_SYSTEM,
                                 .tenant = name->tenant}},
                      stream_id, eventstore::ExpectedVersion::Any(), events);
  ASSERT_TRUE(append.ok()) << append.status();
  absl::StatusOr<eventstore::AppendResult> appended =
      parts_->log.Append(*std::move(append));
  ASSERT_TRUE(appended.ok()) << appended.status();
  Sync();
}

}  // namespace atgard::testing
