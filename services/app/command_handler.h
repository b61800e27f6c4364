// Carries out a domain command: loads the aggregate it targets (and the
// ones it refers to), asks the pure decider, and appends the events with
// optimistic concurrency. The one place where commands meet storage.
//
//   idempotency: a command id seen before (kept by the event store across
//   restarts) with the same content returns the stored result; with other
//   content it is ALREADY_EXISTS;
//   concurrency: commands for one aggregate are carried out one after the
//   other within a handler (the next is decided once the previous is
//   durable), so that callers of one server never conflict with each
//   other. A command is decided on the state the repository remembers,
//   without reading the store first; the append expects the version the
//   decision was based on, so a stale memory shows as a conflict, and the
//   command is decided again on the store's state. An answer that appends
//   nothing (a refusal, a repeat, a wrong expected version) is given only
//   when decided on the store's state. When another writer (another
//   server, the deadline scheduler) got there first, the command is
//   decided again (deciders are pure, so that is safe) up to a bound,
//   unless the caller gave an expected version, in which case it gets
//   ABORTED.
//
// Thread-safe. Handle() does its reads on the calling thread (or, for a
// command that waited behind another of its aggregate or is decided again,
// on the handler's own thread) and hands the write to the store's batching
// writer without blocking; `done` runs once, on the store's completer
// thread, the handler's thread or the calling thread.
#ifndef ATGARD_SERVICES_APP_COMMAND_HANDLER_H_
#define ATGARD_SERVICES_APP_COMMAND_HANDLER_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "atgard/v1/api.pb.h"
#include "atgard/v1/commands.pb.h"
#include "services/app/aggregate_repository.h"
#include "services/app/event_log.h"
#include "services/common/serial_executor.h"
#include "services/domain/principal.h"

namespace atgard::app {

struct CommandRequest {
  domain::Principal principal;
  v1::Command command;
  // The caller's idempotency key (CommandOptions.command_id).
  std::string command_id;
  std::optional<uint64_t> expected_version;
  std::string correlation_id;
  // What caused the command when it was not a person: a policy's
  // triggering event, a deadline.
  std::string causation_id;
};

class CommandHandler {
 public:
  struct Options {
    // How often a command is decided when its appends conflict with other
    // writers and the caller gave no expected version.
    int max_attempts = 5;
    std::function<absl::Time()> clock = [] { return absl::Now(); };
  };

  using Done = std::function<void(absl::StatusOr<v1::CommandResult>)>;

  // `log` and `repository` must outlive the handler.
  CommandHandler(EventLog* log, AggregateRepository* repository,
                 Options options);
  CommandHandler(const CommandHandler&) = delete;
  CommandHandler& operator=(const CommandHandler&) = delete;

  // Carries out `request` and calls `done` with where its events went, or:
  //   PERMISSION_DENIED, before anything else, for a role that never
  //   issues commands (AUDITOR, SUPERVISOR, OPERATOR);
  //   INVALID_ARGUMENT for a command with fields its schema does not
  //   declare, naming options.command_id, or a field of the command;
  //   INTERNAL, writing nothing, if a decided event would carry unknown
  //   fields (see event_codec.h);
  //   the decider's errors (see services/domain/decider.h);
  //   ABORTED when an expected version was given and does not match, or
  //   conflicts persisted past max_attempts;
  //   ALREADY_EXISTS when the command id was used for another command;
  //   UNAVAILABLE when the store refuses writes.
  void Handle(CommandRequest request, Done done);

  // Blocking form, for tools and tests (not for gRPC threads).
  [[nodiscard]] absl::StatusOr<v1::CommandResult> HandleAndWait(
      CommandRequest request);

 private:
  struct Call;
  // Starts `call` at once if no other command of its aggregate is under
  // way, else queues it behind them.
  void Admit(std::shared_ptr<Call> call);
  void Attempt(std::shared_ptr<Call> call);
  // Answers `call` and starts the next command queued for its aggregate.
  void Finish(const std::shared_ptr<Call>& call,
              absl::StatusOr<v1::CommandResult> result);
  // For an outcome decided on state that may already include this very
  // command (a client's retry that raced its original): the original
  // result if the store has recorded the command id for this request,
  // else `outcome`.
  absl::StatusOr<v1::CommandResult> PreferRecord(
      const Call& call, absl::StatusOr<v1::CommandResult> outcome) const;
  // For a command id the log says was used for another request: the
  // original result if that request was this one under the digest's
  // earlier form, else ALREADY_EXISTS.
  absl::StatusOr<v1::CommandResult> Reused(const Call& call) const;

  EventLog* const log_;
  AggregateRepository* const repository_;
  const Options options_;

  absl::Mutex busy_mu_;
  // Aggregates (by stream id) with a command under way, and the commands
  // waiting behind it.
  absl::flat_hash_map<std::string, std::deque<std::shared_ptr<Call>>> busy_
      ABSL_GUARDED_BY(busy_mu_);
  // Queued commands and conflicts are decided here, not on the store's
  // completer thread that reports the previous outcome.
  SerialExecutor retries_;
};

// OK for the roles that may issue some command (everyone but AUDITOR,
// SUPERVISOR and OPERATOR); PERMISSION_DENIED otherwise.
[[nodiscard]] absl::Status RequireCommandRole(
    const domain::Principal& principal);

// The checks a client-chosen command id must pass: 1-128 printable ASCII
// characters. INVALID_ARGUMENT naming options.command_id otherwise.
[[nodiscard]] absl::Status CheckCommandId(absl::string_view command_id);

}  // namespace atgard::app

#endif  // ATGARD_SERVICES_APP_COMMAND_HANDLER_H_
