#include "services/app/aggregate_repository.h"

#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "eventstore/base/status_macros.h"
#include "services/app/event_codec.h"
#include "services/domain/validation.h"

namespace atgard::app {
namespace {

// Events read per ReadStream call while folding a long stream.
constexpr size_t kFoldChunk = 512;

}  // namespace

AggregateRepository::AggregateRepository(EventLog* log, size_t capacity)
    : log_(log), capacity_(capacity) {}

std::optional<LoadedAggregate> AggregateRepository::Lend(
    const std::string& stream_id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(stream_id);
  if (it == entries_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  it->second.lent = true;
  return it->second.loaded;
}

std::optional<std::pair<LoadedAggregate, bool>> AggregateRepository::Take(
    const std::string& stream_id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(stream_id);
  if (it == entries_.end()) return std::nullopt;
  std::pair<LoadedAggregate, bool> taken(std::move(it->second.loaded),
                                         it->second.lent);
  lru_.erase(it->second.lru);
  entries_.erase(it);
  return taken;
}

void AggregateRepository::Remember(const std::string& stream_id,
                                   LoadedAggregate loaded) {
  Put(stream_id, std::move(loaded), /*lent=*/false);
}

void AggregateRepository::Put(const std::string& stream_id,
                              LoadedAggregate loaded, bool lent) {
  if (capacity_ == 0) return;
  // What is replaced or evicted is destroyed after the lock is released.
  LoadedAggregate replaced;
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(stream_id);
  if (it != entries_.end()) {
    // Never go back to an older state than one already known.
    if (it->second.loaded.version <= loaded.version) {
      replaced = std::exchange(it->second.loaded, std::move(loaded));
      it->second.lent = lent;
    }
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(stream_id);
  entries_.emplace(stream_id, Entry{std::move(loaded), lent, lru_.begin()});
  if (entries_.size() > capacity_) {
    auto evicted = entries_.find(lru_.back());
    replaced = std::move(evicted->second.loaded);
    entries_.erase(evicted);
    lru_.pop_back();
  }
}

absl::Status AggregateRepository::Fold(const std::string& stream_id,
                                       uint64_t head,
                                       domain::AggregateState& state,
                                       uint64_t* version,
                                       uint64_t* last_position) {
  while (*version < head) {
    ASSIGN_OR_RETURN(std::vector<v1::EventEnvelope> envelopes,
                     log_->ReadStream(stream_id, *version + 1, kFoldChunk,
                                      eventstore::Direction::kForward));
    if (envelopes.empty()) break;
    for (const v1::EventEnvelope& envelope : envelopes) {
      ASSIGN_OR_RETURN(v1::Event event, DecodeEvent(envelope));
      domain::Evolve(state, event);
      *version = envelope.stream_version();
      *last_position = envelope.global_position();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LoadedAggregate> AggregateRepository::Load(
    const std::string& stream_id, domain::AggregateKind kind) {
  absl::StatusOr<eventstore::StreamInfo> info = log_->GetStreamInfo(stream_id);
  if (absl::IsNotFound(info.status())) {
    return LoadedAggregate{.state = std::make_shared<domain::AggregateState>(
                               domain::InitialState(kind)),
                           .version = 0,
                           .last_position = 0};
  }
  if (!info.ok()) return info.status();

  std::optional<LoadedAggregate> cached = Lend(stream_id);
  if (cached.has_value() && cached->version == info->version) return *cached;

  // Fold from the cached version (when it is behind) or from the start.
  domain::AggregateState state = domain::InitialState(kind);
  uint64_t version = 0;
  uint64_t last_position = 0;
  if (cached.has_value() && cached->version < info->version) {
    state = *cached->state;
    version = cached->version;
    last_position = cached->last_position;
  }
  RETURN_IF_ERROR(
      Fold(stream_id, info->version, state, &version, &last_position));
  LoadedAggregate loaded{
      .state = std::make_shared<const domain::AggregateState>(std::move(state)),
      .version = version,
      .last_position = last_position};
  Put(stream_id, loaded, /*lent=*/true);
  return loaded;
}

absl::StatusOr<AggregateRepository::Working> AggregateRepository::CheckOut(
    const std::string& stream_id, domain::AggregateKind kind, bool verify) {
  std::optional<std::pair<LoadedAggregate, bool>> taken = Take(stream_id);
  Working working;
  if (taken.has_value()) {
    const auto& [cached, lent] = *taken;
    // A state nobody else has seen is changed in place; one that readers
    // may hold is copied.
    working.state =
        lent ? std::make_shared<domain::AggregateState>(*cached.state)
             : std::const_pointer_cast<domain::AggregateState>(cached.state);
    working.version = cached.version;
    working.last_position = cached.last_position;
    if (!verify) return working;
  }
  absl::StatusOr<eventstore::StreamInfo> info = log_->GetStreamInfo(stream_id);
  if (absl::IsNotFound(info.status())) {
    return Working{.state = std::make_shared<domain::AggregateState>(
                       domain::InitialState(kind)),
                   .verified = true};
  }
  if (!info.ok()) return info.status();
  if (working.state == nullptr || working.version > info->version) {
    working = Working{.state = std::make_shared<domain::AggregateState>(
                          domain::InitialState(kind))};
  }
  RETURN_IF_ERROR(Fold(stream_id, info->version, *working.state,
                       &working.version, &working.last_position));
  working.verified = true;
  return working;
}

absl::StatusOr<std::vector<std::string>> AggregateRepository::StreamsWithPrefix(
    const std::string& prefix) const {
  // The log has no index of stream names: one filtered scan of the log,
  // which the yearly adoption of a plan can afford.
  eventstore::ReadAllFilter filter;
  filter.stream_prefixes = {prefix};
  std::set<std::string> ids;
  uint64_t from = 1;
  while (true) {
    ASSIGN_OR_RETURN(eventstore::ScanResult scanned,
                     log_->ScanAll(from, kFoldChunk, filter,
                                   [&](const v1::EventEnvelope& envelope) {
                                     ids.insert(envelope.stream_id());
                                     return true;
                                   }));
    if (scanned.next_position > scanned.head_position) break;
    from = scanned.next_position;
  }
  return std::vector<std::string>(ids.begin(), ids.end());
}

absl::StatusOr<domain::References> AggregateRepository::LoadReferences(
    absl::string_view tenant, const v1::Command& command,
    const domain::AggregateState* target) {
  const domain::ReferenceKeys keys =
      target != nullptr ? domain::ReferencesOf(command, *target)
                        : domain::ReferencesOf(command);
  domain::References refs;
  auto load = [&](domain::AggregateKind kind,
                  const std::string& id) -> absl::StatusOr<LoadedAggregate> {
    return Load(domain::StreamId(tenant, {.kind = kind, .id = id}), kind);
  };
  // Referenced ids are not yet validated by the decider; an id that cannot
  // be a stream name simply refers to nothing.
  auto plausible = [](const std::string& id) {
    return !id.empty() && id.size() <= domain::kMaxIdBytes &&
           !absl::StrContains(id, "/");
  };
  if (keys.provider_id.has_value() && plausible(*keys.provider_id)) {
    ASSIGN_OR_RETURN(LoadedAggregate p,
                     load(domain::AggregateKind::kProvider, *keys.provider_id));
    if (p.version > 0)
      refs.provider = std::get<domain::ProviderState>(*p.state);
  }
  if (keys.contract_id.has_value() && plausible(*keys.contract_id)) {
    ASSIGN_OR_RETURN(LoadedAggregate c,
                     load(domain::AggregateKind::kContract, *keys.contract_id));
    if (c.version > 0)
      refs.contract = std::get<domain::ContractState>(*c.state);
  }
  if (keys.organisation) {
    ASSIGN_OR_RETURN(
        LoadedAggregate o,
        load(domain::AggregateKind::kOrganisation, domain::kOrganisationId));
    if (o.version > 0) {
      refs.organisation = std::get<domain::OrganisationState>(*o.state);
    }
  }
  for (const std::string& id : keys.case_ids) {
    if (!plausible(id)) continue;
    ASSIGN_OR_RETURN(LoadedAggregate c, load(domain::AggregateKind::kCase, id));
    if (c.version > 0) refs.cases[id] = std::get<domain::CaseState>(*c.state);
  }
  if (keys.policy_settings) {
    ASSIGN_OR_RETURN(LoadedAggregate s,
                     load(domain::AggregateKind::kPolicySettings,
                          domain::kPolicySettingsId));
    if (s.version > 0) {
      refs.policy_settings = std::get<domain::PolicySettingsState>(*s.state);
    }
  }
  if (keys.follow_up_plan_year.has_value()) {
    const std::string id = domain::FollowUpPlanId(*keys.follow_up_plan_year);
    ASSIGN_OR_RETURN(LoadedAggregate p,
                     load(domain::AggregateKind::kFollowUpPlan, id));
    if (p.version > 0) {
      refs.follow_up_plan = std::get<domain::FollowUpPlanState>(*p.state);
    }
  }
  if (keys.all_providers) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     StreamsWithPrefix(domain::StreamPrefix(
                         tenant, domain::AggregateKind::kProvider)));
    for (const std::string& stream_id : ids) {
      ASSIGN_OR_RETURN(LoadedAggregate p,
                       Load(stream_id, domain::AggregateKind::kProvider));
      const auto& provider = std::get<domain::ProviderState>(*p.state);
      if (p.version > 0) {
        refs.providers[provider.registration.provider_id()] = provider;
      }
    }
  }
  return refs;
}

}  // namespace atgard::app
