#include "tests/support/domain_world.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/policies.h"

namespace atgard::testing {
namespace {

const std::vector<v1::Event>& Empty() {
  static const std::vector<v1::Event>* empty = new std::vector<v1::Event>();
  return *empty;
}

// The kind is the second segment of "<tenant>/<kind>/<id>"; the id may
// itself contain '/' and even another kind's name.
domain::AggregateKind KindOfStream(absl::string_view stream_id) {
  const size_t first = stream_id.find('/');
  const size_t second = stream_id.find('/', first + 1);
  const absl::string_view kind =
      stream_id.substr(first + 1, second - first - 1);
  for (domain::AggregateKind k :
       {domain::AggregateKind::kProvider, domain::AggregateKind::kContract,
        domain::AggregateKind::kCase, domain::AggregateKind::kIndicatorSeries,
        domain::AggregateKind::kCarePlan}) {
    if (kind == domain::KindName(k)) return k;
  }
  return domain::AggregateKind::kCase;
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

absl::StatusOr<std::vector<v1::Event>> World::Run(
    const domain::Principal& principal, absl::CivilDay day,
    const v1::Command& command) {
  absl::StatusOr<domain::AggregateRef> ref = domain::Route(command);
  if (!ref.ok()) return ref.status();
  const std::string stream_id = domain::StreamId(principal.tenant, *ref);
  domain::AggregateState state = domain::InitialState(ref->kind);
  for (const v1::Event& e : Stream(stream_id)) domain::Evolve(state, e);
  domain::References refs = LoadReferences(principal.tenant, command);
  absl::StatusOr<std::vector<v1::Event>> events =
      domain::Decide(command, state, ContextOn(principal, day), refs);
  if (events.ok()) Append(stream_id, *events);
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
  std::vector<v1::Event> all;
  const std::string prefix = domain::TenantPrefix(tenant);
  std::vector<std::string> ids;
  for (const auto& [id, events] : streams_) {
    if (absl::string_view(id).substr(0, prefix.size()) == prefix)
      ids.push_back(id);
  }
  for (const std::string& id : ids) {
    domain::AggregateState state = domain::InitialState(KindOfStream(id));
    for (const v1::Event& e : streams_[id]) domain::Evolve(state, e);
    std::vector<v1::Event> due = domain::DueDeadlines(state, day);
    Append(id, due);
    all.insert(all.end(), due.begin(), due.end());
  }
  return all;
}

std::vector<v1::Event> World::RunPolicies(absl::string_view tenant,
                                          absl::CivilDay day) {
  std::vector<v1::Event> produced;
  while (policies_seen_ < log_.size()) {
    const WorldEvent seen = log_[policies_seen_++];
    // Each event's commands run as SYSTEM of the event's own tenant.
    const absl::string_view event_tenant =
        absl::string_view(seen.stream_id).substr(0, seen.stream_id.find('/'));
    if (event_tenant != tenant) continue;
    const domain::Principal system{.subject = "system",
                                   .role = v1::ROLE_SYSTEM,
                                   .tenant = std::string(event_tenant)};
    for (const domain::PolicyCommand& pc : domain::PolicyCommandsFor(
             seen.stream_id, seen.stream_version, seen.event)) {
      absl::StatusOr<std::vector<v1::Event>> events =
          Run(system, day, pc.command);
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

domain::References World::LoadReferences(absl::string_view tenant,
                                         const v1::Command& command) const {
  const domain::ReferenceKeys keys = domain::ReferencesOf(command);
  domain::References refs;
  if (keys.provider_id.has_value()) {
    const auto& events =
        Stream(tenant, {domain::AggregateKind::kProvider, *keys.provider_id});
    if (!events.empty()) refs.provider = Provider(tenant, *keys.provider_id);
  }
  if (keys.contract_id.has_value()) {
    const auto& events =
        Stream(tenant, {domain::AggregateKind::kContract, *keys.contract_id});
    if (!events.empty()) refs.contract = Contract(tenant, *keys.contract_id);
  }
  for (const std::string& id : keys.case_ids) {
    if (!Stream(tenant, {domain::AggregateKind::kCase, id}).empty()) {
      refs.cases[id] = Case(tenant, id);
    }
  }
  return refs;
}

void World::Append(const std::string& stream_id,
                   const std::vector<v1::Event>& events) {
  std::vector<v1::Event>& stream = streams_[stream_id];
  for (const v1::Event& e : events) {
    stream.push_back(e);
    log_.push_back(
        {.stream_id = stream_id, .stream_version = stream.size(), .event = e});
  }
}

}  // namespace atgard::testing
