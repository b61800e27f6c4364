#include "services/app/memory_event_log.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/canonical.h"
#include "google/protobuf/util/time_util.h"

namespace atgard::app {

struct MemoryEventLog::Shared {
  struct Record {
    eventstore::keys::Hash digest;
    eventstore::AppendResult result;
  };
  struct Waiter {
    uint64_t position = 0;
    std::function<void()> callback;
  };

  std::function<absl::Time()> clock;
  mutable absl::Mutex mu;
  bool closed ABSL_GUARDED_BY(mu) = false;
  // The event at position p is log[p - 1].
  std::vector<v1::EventEnvelope> log ABSL_GUARDED_BY(mu);
  // Each stream's positions, by version - 1.
  absl::flat_hash_map<std::string, std::vector<uint64_t>> streams
      ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, Record> commands ABSL_GUARDED_BY(mu);
  absl::flat_hash_map<std::string, uint64_t> checkpoints ABSL_GUARDED_BY(mu);
  // Pending notifications by subscription, and the subscriptions whose
  // callback is running (with its thread, so that a callback may cancel
  // its own subscription).
  std::map<uint64_t, Waiter> waiters ABSL_GUARDED_BY(mu);
  std::map<uint64_t, std::thread::id> running ABSL_GUARDED_BY(mu);
  uint64_t next_subscription = 1 ABSL_GUARDED_BY(mu);
  eventstore::keys::Hash chain_head ABSL_GUARDED_BY(mu){};

  uint64_t head() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return log.size(); }

  // Runs the callbacks of subscriptions that the head has reached (or all,
  // once closed), outside the lock. A subscription's callback never runs
  // on two threads at once: one re-armed while it runs waits here until it
  // has returned, so that Cancel() can wait for it.
  void Notify() ABSL_LOCKS_EXCLUDED(mu) {
    while (true) {
      std::vector<std::pair<uint64_t, std::function<void()>>> due;
      {
        absl::MutexLock lock(&mu);
        for (auto it = waiters.begin(); it != waiters.end();) {
          if (!running.contains(it->first) &&
              (closed || it->second.position <= head())) {
            running[it->first] = std::this_thread::get_id();
            due.emplace_back(it->first, std::move(it->second.callback));
            it = waiters.erase(it);
          } else {
            ++it;
          }
        }
      }
      if (due.empty()) return;
      for (auto& [id, callback] : due) {
        callback();
        absl::MutexLock lock(&mu);
        running.erase(id);
      }
    }
  }
};

namespace {

using eventstore::AppendRequest;
using eventstore::AppendResult;

// The shape of an append; the byte limits are the store's alone.
absl::Status CheckShape(const AppendRequest& request) {
  if (request.stream_id.empty() ||
      request.stream_id.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(
        "stream_id must be non-empty without a NUL byte");
  }
  if (request.events.empty()) {
    return absl::InvalidArgumentError("events is empty: nothing to append");
  }
  for (const eventstore::NewEvent& e : request.events) {
    if (e.event_type.empty()) {
      return absl::InvalidArgumentError("an event_type is empty");
    }
  }
  if (!request.metadata.command_id().empty() &&
      request.metadata.command_id() != request.command_id) {
    return absl::InvalidArgumentError(
        "metadata.command_id differs from command_id");
  }
  return absl::OkStatus();
}

class MemorySubscription final : public LogSubscription {
 public:
  MemorySubscription(std::shared_ptr<MemoryEventLog::Shared> shared,
                     uint64_t id, uint64_t next, eventstore::ReadAllFilter f)
      : shared_(std::move(shared)),
        id_(id),
        next_(next),
        filter_(std::move(f)) {}
  ~MemorySubscription() override { Cancel(); }

  absl::StatusOr<std::vector<v1::EventEnvelope>> ReadAvailable(
      size_t max_count) override {
    if (max_count == 0) {
      return absl::InvalidArgumentError("max_count must be at least 1");
    }
    absl::MutexLock lock(&shared_->mu);
    std::vector<v1::EventEnvelope> out;
    while (next_ <= shared_->head() && out.size() < max_count) {
      const v1::EventEnvelope& e = shared_->log[next_ - 1];
      ++next_;
      if (filter_.Matches(e.stream_id(), e.event_type())) out.push_back(e);
    }
    if (out.empty() && shared_->closed) {
      return absl::UnavailableError("the event log is closed");
    }
    return out;
  }

  bool NotifyWhenAvailable(std::function<void()> callback) override {
    absl::MutexLock lock(&shared_->mu);
    if (cancelled_) return true;
    if (shared_->closed || next_ <= shared_->head()) return false;
    shared_->waiters[id_] = {.position = next_,
                             .callback = std::move(callback)};
    return true;
  }

  void Cancel() override {
    absl::MutexLock lock(&shared_->mu);
    cancelled_ = true;
    shared_->waiters.erase(id_);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_->mu) {
      auto it = shared_->running.find(id_);
      return it == shared_->running.end() ||
             it->second == std::this_thread::get_id();
    };
    shared_->mu.Await(absl::Condition(&idle));
  }

  uint64_t next_position() const override {
    absl::MutexLock lock(&shared_->mu);
    return next_;
  }
  bool caught_up() const override {
    absl::MutexLock lock(&shared_->mu);
    return next_ > shared_->head();
  }

 private:
  const std::shared_ptr<MemoryEventLog::Shared> shared_;
  const uint64_t id_;
  uint64_t next_;
  bool cancelled_ = false;
  const eventstore::ReadAllFilter filter_;
};

}  // namespace

MemoryEventLog::MemoryEventLog(std::function<absl::Time()> clock)
    : shared_(std::make_shared<Shared>()) {
  if (clock == nullptr) {
    auto tick = std::make_shared<std::atomic<int64_t>>(0);
    clock = [tick] {
      return absl::FromCivil(absl::CivilSecond(2024, 1, 1, 8, 0, 0),
                             absl::UTCTimeZone()) +
             absl::Seconds(tick->fetch_add(1));
    };
  }
  shared_->clock = std::move(clock);
}

MemoryEventLog::~MemoryEventLog() {
  {
    absl::MutexLock lock(&shared_->mu);
    shared_->closed = true;
  }
  shared_->Notify();
}

absl::StatusOr<AppendResult> MemoryEventLog::Append(AppendRequest request) {
  if (absl::Status s = CheckShape(request); !s.ok()) return s;
  const eventstore::keys::Hash digest = eventstore::RecordDigest(
      request.stream_id, request.expected, request.events, request.metadata,
      request.request_digest);
  AppendResult result;
  {
    absl::MutexLock lock(&shared_->mu);
    if (!request.command_id.empty()) {
      auto it = shared_->commands.find(request.command_id);
      if (it != shared_->commands.end()) {
        if (it->second.digest != digest) {
          return absl::AlreadyExistsError(
              absl::StrCat("command id ", request.command_id,
                           " was used for a different command"));
        }
        AppendResult repeated = it->second.result;
        repeated.deduplicated = true;
        return repeated;
      }
    }
    std::vector<uint64_t>& stream = shared_->streams[request.stream_id];
    if (!request.expected.Matches(stream.size())) {
      const uint64_t actual = stream.size();
      if (stream.empty()) shared_->streams.erase(request.stream_id);
      return absl::AbortedError(eventstore::WrongVersionMessage(
          request.stream_id, request.expected, actual));
    }
    request.metadata.set_command_id(request.command_id);
    const absl::Time now = shared_->clock();
    result.first_version = stream.size() + 1;
    result.first_position = shared_->head() + 1;
    std::string scratch;
    for (eventstore::NewEvent& e : request.events) {
      v1::EventEnvelope& envelope = shared_->log.emplace_back();
      envelope.set_global_position(shared_->log.size());
      envelope.set_stream_id(request.stream_id);
      envelope.set_stream_version(stream.size() + 1);
      envelope.set_event_type(std::move(e.event_type));
      envelope.set_schema_version(e.schema_version);
      envelope.set_payload(std::move(e.payload));
      *envelope.mutable_metadata() = request.metadata;
      *envelope.mutable_recorded_at() =
          google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
              absl::ToUnixNanos(now));
      envelope.set_previous_hash(shared_->chain_head.data(),
                                 shared_->chain_head.size());
      shared_->chain_head = eventstore::EventHash(envelope, &scratch);
      envelope.set_hash(shared_->chain_head.data(), shared_->chain_head.size());
      stream.push_back(envelope.global_position());
    }
    result.last_version = stream.size();
    result.last_position = shared_->head();
    if (!request.command_id.empty()) {
      shared_->commands[request.command_id] = {.digest = digest,
                                               .result = result};
    }
  }
  shared_->Notify();
  return result;
}

void MemoryEventLog::AppendAsync(
    AppendRequest request,
    std::function<void(absl::StatusOr<AppendResult>)> done) {
  done(Append(std::move(request)));
}

absl::StatusOr<std::optional<AppendResult>> MemoryEventLog::LookupCommand(
    absl::string_view command_id, absl::string_view request_digest) const {
  if (command_id.empty() || request_digest.empty()) {
    return absl::InvalidArgumentError(
        "command_id and request_digest must not be empty");
  }
  const eventstore::keys::Hash digest = eventstore::RecordDigest(
      "", eventstore::ExpectedVersion::Any(), {}, {}, request_digest);
  absl::MutexLock lock(&shared_->mu);
  auto it = shared_->commands.find(command_id);
  if (it == shared_->commands.end()) return std::nullopt;
  if (it->second.digest != digest) {
    return absl::AlreadyExistsError(absl::StrCat(
        "command id ", command_id, " was used for a different command"));
  }
  AppendResult repeated = it->second.result;
  repeated.deduplicated = true;
  return repeated;
}

absl::StatusOr<std::vector<v1::EventEnvelope>> MemoryEventLog::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    eventstore::Direction direction) const {
  if (stream_id.empty())
    return absl::InvalidArgumentError("stream_id is empty");
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  absl::MutexLock lock(&shared_->mu);
  std::vector<v1::EventEnvelope> out;
  auto it = shared_->streams.find(stream_id);
  if (it == shared_->streams.end() || it->second.empty()) return out;
  const std::vector<uint64_t>& positions = it->second;
  const uint64_t last = positions.size();
  if (direction == eventstore::Direction::kForward) {
    for (uint64_t v = std::max<uint64_t>(from_version, 1);
         v <= last && out.size() < max_count; ++v) {
      out.push_back(shared_->log[positions[v - 1] - 1]);
    }
  } else {
    for (uint64_t v = std::min(from_version, last);
         v >= 1 && out.size() < max_count; --v) {
      out.push_back(shared_->log[positions[v - 1] - 1]);
    }
  }
  return out;
}

absl::StatusOr<eventstore::StreamInfo> MemoryEventLog::GetStreamInfo(
    absl::string_view stream_id) const {
  if (stream_id.empty())
    return absl::InvalidArgumentError("stream_id is empty");
  absl::MutexLock lock(&shared_->mu);
  auto it = shared_->streams.find(stream_id);
  if (it == shared_->streams.end() || it->second.empty()) {
    return absl::NotFoundError(
        absl::StrCat("stream ", stream_id, " has no events"));
  }
  return eventstore::StreamInfo{.stream_id = std::string(stream_id),
                                .version = it->second.size(),
                                .first_position = it->second.front(),
                                .last_position = it->second.back()};
}

absl::StatusOr<eventstore::ReadAllResult> MemoryEventLog::ReadAll(
    uint64_t from_position, size_t max_count,
    const eventstore::ReadAllFilter& filter) const {
  eventstore::ReadAllResult result;
  absl::StatusOr<eventstore::ScanResult> scan = ScanAll(
      from_position, max_count, filter, [&](const v1::EventEnvelope& e) {
        result.events.push_back(e);
        return true;
      });
  if (!scan.ok()) return scan.status();
  result.next_position = scan->next_position;
  result.head_position = scan->head_position;
  return result;
}

absl::StatusOr<eventstore::ScanResult> MemoryEventLog::ScanAll(
    uint64_t from_position, size_t max_count,
    const eventstore::ReadAllFilter& filter,
    absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  // The matching events are copied under the lock and visited outside it,
  // so that a visitor may call into the log and appends go on meanwhile.
  std::vector<v1::EventEnvelope> matching;
  eventstore::ScanResult result{.next_position =
                                    std::max<uint64_t>(from_position, 1)};
  {
    absl::MutexLock lock(&shared_->mu);
    result.head_position = shared_->head();
    while (result.next_position <= result.head_position &&
           matching.size() < max_count) {
      const v1::EventEnvelope& e = shared_->log[result.next_position - 1];
      ++result.next_position;
      if (filter.Matches(e.stream_id(), e.event_type())) matching.push_back(e);
    }
  }
  for (const v1::EventEnvelope& e : matching) {
    if (!visit(e)) {
      result.next_position = e.global_position() + 1;
      break;
    }
  }
  return result;
}

absl::StatusOr<std::unique_ptr<LogSubscription>> MemoryEventLog::Subscribe(
    const eventstore::SubscriptionStart& start,
    eventstore::ReadAllFilter filter) {
  absl::MutexLock lock(&shared_->mu);
  const uint64_t next = start.is_now() ? shared_->head() + 1 : start.position();
  return std::make_unique<MemorySubscription>(
      shared_, shared_->next_subscription++, next, std::move(filter));
}

uint64_t MemoryEventLog::HeadPosition() const {
  absl::MutexLock lock(&shared_->mu);
  return shared_->head();
}

absl::StatusOr<uint64_t> MemoryEventLog::GetCheckpoint(
    absl::string_view name) const {
  if (name.empty()) {
    return absl::InvalidArgumentError("checkpoint name is empty");
  }
  absl::MutexLock lock(&shared_->mu);
  auto it = shared_->checkpoints.find(name);
  return it == shared_->checkpoints.end() ? 0 : it->second;
}

absl::Status MemoryEventLog::PutCheckpoint(absl::string_view name,
                                           uint64_t position) {
  if (name.empty()) {
    return absl::InvalidArgumentError("checkpoint name is empty");
  }
  absl::MutexLock lock(&shared_->mu);
  shared_->checkpoints[std::string(name)] = position;
  return absl::OkStatus();
}

}  // namespace atgard::app
