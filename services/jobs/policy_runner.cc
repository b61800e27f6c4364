#include "services/jobs/policy_runner.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/app/command_handler.h"
#include "services/app/event_codec.h"
#include "services/app/event_log.h"
#include "services/app/metrics.h"
#include "services/common/log.h"
#include "services/domain/policies.h"
#include "services/domain/streams.h"
#include "services/domain/trigger_policies.h"

namespace atgard::jobs {
namespace {

constexpr size_t kBatch = 64;
// Back-off after a failed run.
constexpr absl::Duration kRetryAfter = absl::Seconds(5);

// The event types some policy acts on.
eventstore::ReadAllFilter PolicyFilter() {
  eventstore::ReadAllFilter filter;
  filter.event_types = domain::PolicyEventTypes();
  return filter;
}

}  // namespace

PolicyRunner::PolicyRunner(app::EventLog* log, app::CommandHandler* commands,
                           app::Metrics* metrics, Options options)
    : log_(log),
      commands_(commands),
      metrics_(metrics),
      options_(std::move(options)) {}

PolicyRunner::~PolicyRunner() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

uint64_t PolicyRunner::checkpoint() const {
  absl::MutexLock lock(&mu_);
  return checkpoint_;
}

absl::Status PolicyRunner::EnsureSubscribed() {
  if (subscription_ != nullptr) return absl::OkStatus();
  ASSIGN_OR_RETURN(checkpoint_, log_->GetCheckpoint(options_.checkpoint));
  ASSIGN_OR_RETURN(subscription_,
                   log_->Subscribe(eventstore::SubscriptionStart::AtPosition(
                                       checkpoint_ + 1),
                                   PolicyFilter()));
  return absl::OkStatus();
}

absl::Status PolicyRunner::Start() {
  {
    absl::MutexLock lock(&mu_);
    RETURN_IF_ERROR(EnsureSubscribed());
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

absl::StatusOr<size_t> PolicyRunner::RunAvailable() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<size_t> issued = ProcessAvailable();
  // The subscription has moved past the event that failed: start again
  // from the stored checkpoint (re-running policies is harmless).
  if (!issued.ok()) subscription_.reset();
  return issued;
}

absl::StatusOr<size_t> PolicyRunner::ProcessAvailable() {
  RETURN_IF_ERROR(EnsureSubscribed());
  size_t total = 0;
  while (true) {
    ASSIGN_OR_RETURN(size_t issued, ProcessBatch());
    total += issued;
    if (subscription_->caught_up()) return total;
  }
}

absl::StatusOr<size_t> PolicyRunner::ProcessBatch() {
  ASSIGN_OR_RETURN(std::vector<v1::EventEnvelope> batch,
                   subscription_->ReadAvailable(kBatch));
  size_t issued = 0;
  for (const v1::EventEnvelope& envelope : batch) {
    ASSIGN_OR_RETURN(v1::Event event, app::DecodeEvent(envelope));
    ASSIGN_OR_RETURN(const domain::StreamName stream,
                     domain::ParseStreamId(envelope.stream_id()));
    for (domain::PolicyCommand& pc : domain::PolicyCommandsFor(
             envelope.stream_id(), envelope.stream_version(), event)) {
      app::CommandRequest request{
          .principal = {.subject = "policy",
                        .role = v1::ROLE_SYSTEM,
                        .tenant = stream.tenant},
          .command = std::move(pc.command),
          .command_id = pc.command_id,
          .correlation_id = envelope.metadata().correlation_id(),
          .causation_id = domain::EventReference(envelope.stream_id(),
                                                 envelope.stream_version())};
      absl::StatusOr<v1::CommandResult> result =
          commands_->HandleAndWait(std::move(request));
      ++issued;
      if (result.ok()) {
        log::Info("policy_command", {{"command_id", pc.command_id},
                                     {"stream", result->stream_id()}});
      } else if (absl::IsUnavailable(result.status()) ||
                 absl::IsResourceExhausted(result.status()) ||
                 absl::IsAborted(result.status()) ||
                 absl::IsDataLoss(result.status()) ||
                 absl::IsInternal(result.status())) {
        // The store refuses writes (failed, or the disk is at its
        // reserve), other writers kept changing the aggregate, or the
        // aggregate could not be read: nothing is decided yet. Stop here
        // and retry from this event, so that damage holds the policies
        // (and shows in the logs and health) instead of being skipped.
        return result.status();
      } else {
        // The domain refused (e.g. the case was already closed): nothing
        // to do, and nothing to retry.
        log::Warn("policy_command_refused",
                  {{"command_id", pc.command_id}, {"error", result.status()}});
      }
    }
    checkpoint_ = envelope.global_position();
  }
  if (!batch.empty()) {
    RETURN_IF_ERROR(log_->PutCheckpoint(options_.checkpoint, checkpoint_));
  } else if (subscription_->caught_up() &&
             subscription_->next_position() > checkpoint_ + 1) {
    // Skipped events advance the checkpoint too, so a restart does not
    // rescan them.
    checkpoint_ = subscription_->next_position() - 1;
    RETURN_IF_ERROR(log_->PutCheckpoint(options_.checkpoint, checkpoint_));
  }
  if (metrics_ != nullptr && issued > 0)
    metrics_->Count(app::Counter::kPolicyCommands, issued);
  return issued;
}

void PolicyRunner::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    absl::StatusOr<size_t> issued = ProcessAvailable();
    absl::Duration pause = options_.poll;
    if (!issued.ok()) {
      log::Error("policy_run_failed", {{"error", issued.status()}});
      // Start again from the stored checkpoint (re-running policies is
      // harmless), after a back-off.
      subscription_.reset();
      pause = std::max(pause, kRetryAfter);
    }
    // Polls rather than waking on every append: policies are not urgent,
    // and a wake-up per group commit costs the writers more than a short
    // delay costs the policies. Wakes at once for a stop.
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), pause);
  }
}

}  // namespace atgard::jobs
