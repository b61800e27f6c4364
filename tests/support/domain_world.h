// An in-memory world of aggregates for testing the domain through the
// server's own application layer: commands go through the real
// CommandHandler and AggregateRepository (routing, folding, references,
// deciding, appending), deadlines through the scheduler's
// AppendDueDeadlines(), and policy commands as the policy runner issues
// them — over a MemoryEventLog instead of the store. World keeps a mirror
// of the log as decoded events for the tests to read.
#ifndef ATGARD_TESTS_SUPPORT_DOMAIN_WORLD_H_
#define ATGARD_TESTS_SUPPORT_DOMAIN_WORLD_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/decider.h"
#include "services/domain/principal.h"

namespace atgard::testing {

// One appended event with where it went.
struct WorldEvent {
  std::string stream_id;
  uint64_t stream_version;
  v1::Event event;
};

class World {
 public:
  World();
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;
  World(World&&) noexcept;
  World& operator=(World&&) noexcept;

  // Runs `command` as `principal` on `day` (at noon, Stockholm time).
  // Appends and returns the events, or returns the decider's error and
  // appends nothing.
  absl::StatusOr<std::vector<v1::Event>> Run(const domain::Principal& principal,
                                             absl::CivilDay day,
                                             const v1::Command& command);

  // Run() with the caller's command id (idempotency: a repeat appends
  // nothing and returns no events) and causation.
  absl::StatusOr<std::vector<v1::Event>> Run(const domain::Principal& principal,
                                             absl::CivilDay day,
                                             const v1::Command& command,
                                             const std::string& command_id,
                                             const std::string& causation_id);

  // Like Run(), but fails the current test if the command is refused.
  std::vector<v1::Event> MustRun(const domain::Principal& principal,
                                 absl::CivilDay day,
                                 const v1::Command& command);

  // Appends the deadline events due on `day` in every stream of `tenant`.
  std::vector<v1::Event> RunDeadlines(absl::string_view tenant,
                                      absl::CivilDay day);

  // Runs the automatic policies on the events of `tenant` appended since
  // the last call, as SYSTEM of that tenant, on `day`; returns the
  // commands' events. (Events of other tenants are passed over.)
  // Refusals (e.g. a case already closed) are skipped, as the process
  // manager does.
  std::vector<v1::Event> RunPolicies(absl::string_view tenant,
                                     absl::CivilDay day);

  // The events of a stream (empty if none).
  const std::vector<v1::Event>& Stream(const std::string& stream_id) const;
  const std::vector<v1::Event>& Stream(absl::string_view tenant,
                                       const domain::AggregateRef& ref) const;

  // The folded state of a stream.
  domain::AggregateState State(absl::string_view tenant,
                               const domain::AggregateRef& ref) const;
  domain::CaseState Case(absl::string_view tenant, const std::string& id) const;
  domain::ContractState Contract(absl::string_view tenant,
                                 const std::string& id) const;
  domain::ProviderState Provider(absl::string_view tenant,
                                 const std::string& id) const;

  // The references a command needs, loaded as the command handler loads
  // them (AggregateRepository::LoadReferences).
  domain::References LoadReferences(
      absl::string_view tenant, const v1::Command& command,
      const domain::AggregateState* target = nullptr) const;

  // Every event in append order.
  const std::vector<WorldEvent>& Log() const { return log_; }

  // Appends events to a stream without deciding (for Given steps).
  void Append(const std::string& stream_id,
              const std::vector<v1::Event>& events);

 private:
  struct Parts;
  // Brings the mirror up to the log's head.
  void Sync();

  std::unique_ptr<Parts> parts_;
  std::map<std::string, std::vector<v1::Event>> streams_;
  std::vector<WorldEvent> log_;
  size_t policies_seen_ = 0;
  uint64_t commands_run_ = 0;
};

// Noon of `day` in Stockholm, and a command context there.
absl::Time NoonInStockholm(absl::CivilDay day);
domain::CommandContext ContextOn(const domain::Principal& principal,
                                 absl::CivilDay day);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_DOMAIN_WORLD_H_
