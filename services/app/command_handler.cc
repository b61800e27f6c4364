#include "services/app/command_handler.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/canonical.h"
#include "services/app/append.h"
#include "services/app/message_checks.h"
#include "services/app/request_digest.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/decider.h"
#include "services/domain/errors.h"

namespace atgard::app {
namespace {

constexpr size_t kMaxCommandIdBytes = 128;

v1::CommandResult ResultOf(absl::string_view stream_id,
                           const eventstore::AppendResult& appended,
                           const std::vector<v1::Event>& events) {
  v1::CommandResult result;
  result.set_stream_id(std::string(stream_id));
  result.set_stream_version(appended.last_version);
  result.set_global_position(appended.last_position);
  result.set_deduplicated(appended.deduplicated);
  if (!appended.deduplicated) {
    for (const v1::Event& e : events)
      result.add_event_types(domain::EventType(e));
  }
  return result;
}

absl::Status CommandIdReused() {
  return domain::AlreadyExists(
      "options.command_id",
      "was already used for a different command; choose a new id");
}

}  // namespace

absl::Status CheckCommandId(absl::string_view command_id) {
  if (command_id.empty()) {
    return domain::InvalidArgument(
        "options.command_id",
        "is required: choose a unique key per command "
        "(e.g. a UUID) and reuse it when retrying");
  }
  if (command_id.size() > kMaxCommandIdBytes) {
    return domain::InvalidArgument("options.command_id",
                                   "must be at most 128 characters");
  }
  for (unsigned char c : command_id) {
    if (c < 0x21 || c > 0x7e) {
      return domain::InvalidArgument("options.command_id",
                                     "must be printable ASCII without spaces");
    }
  }
  return absl::OkStatus();
}

struct CommandHandler::Call {
  CommandRequest request;
  Done done;
  std::string stream_id;
  domain::AggregateKind kind;
  // The command id as the store keeps it: "<tenant>/<command id>", so that
  // tenants cannot collide.
  std::string store_command_id;
  std::string digest;
  // What the digest was before it was canonical (request_digest.h): a
  // record of that form still answers a retry within the retention.
  std::string legacy_digest;
  // Appends decided on a state checked against the store.
  int attempts = 0;
  // Whether the next attempt checks the cached state against the store
  // first (after an answer or a conflict that a stale cache may explain).
  bool verify = false;
};

CommandHandler::CommandHandler(EventLog* log, AggregateRepository* repository,
                               Options options)
    : log_(log), repository_(repository), options_(std::move(options)) {}

absl::Status RequireCommandRole(const domain::Principal& principal) {
  switch (principal.role) {
    case v1::ROLE_FOLLOW_UP_OFFICER:
    case v1::ROLE_CARE_DIRECTOR:
    case v1::ROLE_ADMINISTRATION_DIRECTOR:
    case v1::ROLE_PROVIDER:
    case v1::ROLE_MEDICAL_OFFICER:
    case v1::ROLE_SYSTEM:
      return absl::OkStatus();
    default:
      return domain::PermissionDenied(
          "", absl::StrCat("role ", domain::RoleName(principal.role),
                           " reads only and issues no commands"));
  }
}

void CommandHandler::Handle(CommandRequest request, Done done) {
  // Who may ever issue commands is decided before anything of the command
  // is looked at: a read-only role must not learn from validation messages
  // (or NOT_FOUND against INVALID_ARGUMENT) what a valid command looks like
  // or which ids exist. The deciders still check the role for each step.
  if (absl::Status s = RequireCommandRole(request.principal); !s.ok()) {
    done(s);
    return;
  }
  // Commands from callers other than the gRPC services (policies, tools)
  // pass the same check: whatever unknown fields a command carries would
  // otherwise be copied into its events.
  if (absl::Status s = CheckNoUnknownFields(request.command, "command");
      !s.ok()) {
    done(s);
    return;
  }
  if (absl::Status s = CheckCommandId(request.command_id); !s.ok()) {
    done(s);
    return;
  }
  absl::StatusOr<domain::AggregateRef> ref = domain::Route(request.command);
  if (!ref.ok()) {
    done(ref.status());
    return;
  }
  auto call = std::make_shared<Call>();
  call->stream_id = domain::StreamId(request.principal.tenant, *ref);
  call->kind = ref->kind;
  call->store_command_id =
      absl::StrCat(request.principal.tenant, "/", request.command_id);
  call->digest =
      RequestDigest(call->stream_id, request.principal, request.command);
  call->legacy_digest =
      LegacyRequestDigest(call->stream_id, request.principal, request.command);
  call->request = std::move(request);
  call->done = std::move(done);

  // No look-up of the command id here: a repeat is recognised where it
  // matters, by the store's writer before anything is appended, and by
  // PreferRecord() for answers that append nothing. The common case, a new
  // command, costs no extra read.
  Admit(std::move(call));
}

void CommandHandler::Admit(std::shared_ptr<Call> call) {
  {
    absl::MutexLock lock(&busy_mu_);
    auto [it, idle] = busy_.try_emplace(call->stream_id);
    if (!idle) {
      it->second.push_back(std::move(call));
      return;
    }
  }
  Attempt(std::move(call));
}

void CommandHandler::Finish(const std::shared_ptr<Call>& call,
                            absl::StatusOr<v1::CommandResult> result) {
  std::shared_ptr<Call> next;
  {
    absl::MutexLock lock(&busy_mu_);
    auto it = busy_.find(call->stream_id);
    if (it->second.empty()) {
      busy_.erase(it);
    } else {
      next = std::move(it->second.front());
      it->second.pop_front();
    }
  }
  // The next command of the aggregate is decided on the state this one
  // left, off the thread that reports this one.
  if (next != nullptr) {
    retries_.Post(
        [this, next = std::move(next)]() mutable { Attempt(std::move(next)); });
  }
  // A refusal names the stream it refused (google.rpc details' subject).
  if (!result.ok()) {
    result = domain::WithSubject(result.status(), call->stream_id);
  }
  call->done(std::move(result));
}

absl::StatusOr<v1::CommandResult> CommandHandler::PreferRecord(
    const Call& call, absl::StatusOr<v1::CommandResult> outcome) const {
  absl::StatusOr<std::optional<eventstore::AppendResult>> record =
      log_->LookupCommand(call.store_command_id, call.digest);
  if (absl::IsAlreadyExists(record.status())) return Reused(call);
  if (record.ok() && record->has_value()) {
    return ResultOf(call.stream_id, **record, {});
  }
  return outcome;
}

absl::StatusOr<v1::CommandResult> CommandHandler::Reused(
    const Call& call) const {
  absl::StatusOr<std::optional<eventstore::AppendResult>> legacy =
      log_->LookupCommand(call.store_command_id, call.legacy_digest);
  if (legacy.ok() && legacy->has_value()) {
    return ResultOf(call.stream_id, **legacy, {});
  }
  // Only a record that answers for another request is a reused id; a
  // failed look-up says nothing, and "choose a new id" could then apply the
  // command twice.
  if (!legacy.ok() && !absl::IsAlreadyExists(legacy.status())) {
    return legacy.status();
  }
  return CommandIdReused();
}

void CommandHandler::Attempt(std::shared_ptr<Call> call) {
  const CommandRequest& request = call->request;
  absl::StatusOr<AggregateRepository::Working> checked_out =
      repository_->CheckOut(call->stream_id, call->kind, call->verify);
  if (!checked_out.ok()) {
    Finish(call, checked_out.status());
    return;
  }
  AggregateRepository::Working working = *std::move(checked_out);
  auto give_back = [&] {
    repository_->Remember(call->stream_id,
                          {.state = std::move(working.state),
                           .version = working.version,
                           .last_position = working.last_position});
  };
  // Answers that append nothing stand only if decided on the store's
  // current state; one decided on what this process remembered is decided
  // again after checking.
  auto settle = [&](absl::StatusOr<v1::CommandResult> outcome) {
    const bool verified = working.verified;
    give_back();
    if (!verified) {
      call->verify = true;
      Attempt(std::move(call));
      return;
    }
    Finish(call, PreferRecord(*call, std::move(outcome)));
  };

  if (request.expected_version.has_value() &&
      *request.expected_version != working.version) {
    settle(absl::AbortedError(absl::StrCat(
        "options.expected_version: ", call->stream_id, " is at version ",
        working.version, ", not ", *request.expected_version,
        "; re-read it and decide again")));
    return;
  }
  absl::StatusOr<domain::References> refs = repository_->LoadReferences(
      request.principal.tenant, request.command, working.state.get());
  if (!refs.ok()) {
    give_back();
    Finish(call, refs.status());
    return;
  }
  const domain::CommandContext context =
      domain::MakeContext(request.principal, options_.clock());
  absl::StatusOr<std::vector<v1::Event>> events =
      domain::Decide(request.command, *working.state, context, *refs);
  if (!events.ok()) {
    settle(events.status());
    return;
  }
  if (events->empty()) {
    // The command had already taken effect: nothing to write.
    const eventstore::AppendResult unchanged{
        .first_version = working.version,
        .last_version = working.version,
        .first_position = working.last_position,
        .last_position = working.last_position};
    settle(ResultOf(call->stream_id, unchanged, {}));
    return;
  }

  absl::StatusOr<eventstore::AppendRequest> append = MakeAppend(
      {.actor = request.principal,
       .command_id = call->store_command_id,
       .correlation_id = request.correlation_id.empty()
                             ? request.command_id
                             : request.correlation_id,
       .causation_id = request.causation_id.empty() ? request.command_id
                                                    : request.causation_id},
      call->stream_id, eventstore::ExpectedVersion::Exact(working.version),
      *events, call->digest);
  if (!append.ok()) {
    give_back();
    Finish(call, append.status());
    return;
  }

  // Conflicts with other writers count against max_attempts; a conflict
  // that only shows this process's memory was stale does not.
  const bool verified = working.verified;
  if (verified) ++call->attempts;
  // The working state is this command's alone: it becomes the state after
  // the append, and goes back to the cache only if the append lands.
  for (const v1::Event& e : *events) domain::Evolve(*working.state, e);
  log_->AppendAsync(
      *std::move(append),
      [this, call, verified, state = std::move(working.state),
       events = std::move(*events)](
          absl::StatusOr<eventstore::AppendResult> appended) mutable {
        if (appended.ok()) {
          // A deduplicated append wrote nothing of this decision: its
          // state is dropped and the next command loads afresh.
          if (!appended->deduplicated) {
            repository_->Remember(call->stream_id,
                                  {.state = std::move(state),
                                   .version = appended->last_version,
                                   .last_position = appended->last_position});
          }
          Finish(call, ResultOf(call->stream_id, *appended, events));
          return;
        }
        if (absl::IsAborted(appended.status()) &&
            (!verified || (!call->request.expected_version.has_value() &&
                           call->attempts < options_.max_attempts))) {
          // This process's memory was stale, or another writer changed the
          // aggregate first: decide again on the store's state.
          call->verify = true;
          retries_.Post([this, call = std::move(call)]() mutable {
            Attempt(std::move(call));
          });
          return;
        }
        if (absl::IsAlreadyExists(appended.status())) {
          Finish(call, Reused(*call));
          return;
        }
        if (absl::IsAborted(appended.status()) &&
            call->request.expected_version.has_value()) {
          Finish(call,
                 absl::AbortedError(absl::StrCat(
                     "options.expected_version: ", appended.status().message(),
                     "; re-read it and decide again")));
          return;
        }
        Finish(call, appended.status());
      });
}

absl::StatusOr<v1::CommandResult> CommandHandler::HandleAndWait(
    CommandRequest request) {
  std::promise<absl::StatusOr<v1::CommandResult>> promise;
  std::future<absl::StatusOr<v1::CommandResult>> future = promise.get_future();
  Handle(std::move(request), [&promise](absl::StatusOr<v1::CommandResult> r) {
    promise.set_value(std::move(r));
  });
  return future.get();
}

}  // namespace atgard::app
