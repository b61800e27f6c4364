// Group commit: the writer thread decides, encodes and writes appends in
// batches, one synced write making each batch durable (see StoreCore).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/canonical.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore::internal {
namespace {

const char* HashData(const keys::Hash& hash) {
  return reinterpret_cast<const char*>(hash.data());
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* ts) {
  const int64_t ns = absl::ToUnixNanos(t);
  int64_t seconds = ns / 1000000000;
  int64_t nanos = ns % 1000000000;
  if (nanos < 0) {
    nanos += 1000000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(nanos));
}

}  // namespace

void StoreCore::WriterLoop() {
  // Held for the writer's life: Close() joins the writer before it closes
  // the database.
  ReaderMutexLock db_lock(&db_mu_);
  std::vector<PendingAppend*> batch;
  while (true) {
    batch.clear();
    MutexLock l(&queue_mu_);
    wanted_ = 1;
    while (!HasWorkOrStopping()) {
      if (!disk_.refusing()) {
        queue_cv_.Wait(&queue_mu_);
        continue;
      }
      // Refusing for the disk reserve: look at the disk now and then, so
      // that the end of it is noticed (and reported) without an append.
      if (queue_cv_.WaitWithDeadline(&queue_mu_,
                                     absl::Now() + disk_.interval())) {
        queue_mu_.Unlock();
        disk_.Recheck(db_.get());
        queue_mu_.Lock();
      }
    }
    if (queue_.empty()) return;  // stopping, and nothing left
    // After a batch of several appends, wait a little for as many again:
    // callers that were just answered tend to come straight back, and one
    // sync for all of them beats one for the first few. A single caller
    // never waits.
    const size_t target =
        std::min(last_batch_appends_, options_.max_batch_appends);
    const absl::Time deadline = absl::Now() + options_.group_commit_wait;
    BeginBatch();
    size_t bytes = 0;
    while (true) {
      // Decide the queued appends without holding the queue, so that
      // callers can keep adding to it meanwhile.
      std::vector<PendingAppend*> arrived;
      size_t taken = 0;
      while (taken < queue_.size() &&
             batch.size() + taken < options_.max_batch_appends &&
             ((batch.empty() && taken == 0) ||
              bytes + queue_[taken]->bytes <= options_.max_batch_bytes)) {
        bytes += queue_[taken]->bytes;
        ++taken;
      }
      arrived.assign(queue_.begin(), queue_.begin() + taken);
      queue_.erase(queue_.begin(), queue_.begin() + taken);
      const bool full = !queue_.empty();  // a limit stopped us
      queue_mu_.Unlock();
      for (PendingAppend* req : arrived) Prepare(req);
      batch.insert(batch.end(), arrived.begin(), arrived.end());
      // More are on their way: write what is encoded now, so that the
      // memtable work overlaps their arrival instead of adding to the
      // synced write at the end.
      if (!full && batch.size() < target) WritePrepared(/*sync=*/false);
      queue_mu_.Lock();
      if (full || stopping_ || batch.size() >= target) break;
      // Sleep until a quarter of those still expected have arrived rather
      // than wake for each one: on few cores every wake-up of the writer
      // delays the callers it waits for, while writing the group in a few
      // parts keeps the synced write at its end short.
      wanted_ = (target - batch.size() + 3) / 4;
      bool timed_out = false;
      while (!HasEnoughOrStopping() && !timed_out) {
        timed_out = queue_cv_.WaitWithDeadline(&queue_mu_, deadline);
      }
      if (timed_out && queue_.empty()) break;
    }
    queue_mu_.Unlock();
    Commit(&batch);
    last_batch_appends_ = batch.size();
    queue_mu_.Lock();
  }
}

bool StoreCore::LoadHead(absl::string_view stream_id, keys::StreamHead* head,
                         absl::Status* error) {
  if (const keys::StreamHead* cached = heads_.Find(stream_id)) {
    *head = *cached;
    return true;
  }
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::StreamHeadKey(stream_id), &value);
  if (s.IsNotFound()) {
    *head = keys::StreamHead();
  } else if (!s.ok()) {
    *error =
        FromRocks(s, absl::StrCat("reading the head of stream ", stream_id));
    return false;
  } else if (!keys::DecodeStreamHead(value, head)) {
    *error = absl::DataLossError(
        absl::StrCat("the stored head of stream ", stream_id, " is malformed"));
    return false;
  }
  heads_.Put(stream_id, *head);
  return true;
}

void StoreCore::BeginBatch() {
  batch_.Clear();
  dirty_streams_.clear();
  unsynced_ = false;
  batch_write_time_ = absl::ZeroDuration();
  batch_heads_.clear();
  batch_commands_.clear();
  batch_position_ = next_position_;
  written_position_ = next_position_;
  batch_previous_ = chain_hash_;
  const absl::Time now = options_.clock();
  SetTimestamp(now, &batch_recorded_at_);
  batch_micros_ = absl::ToUnixMicros(now);
}

void StoreCore::Prepare(PendingAppend* req) {
  if (failed()) return;  // Commit() answers it
  if (!req->command_id.empty()) {
    if (auto it = batch_commands_.find(req->command_id);
        it != batch_commands_.end()) {
      if (it->second->digest == req->digest) {
        req->result = it->second->result;
        req->result.deduplicated = true;
      } else {
        req->status = CommandReused(req->command_id);
      }
      return;
    }
    const rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), keys::CommandKey(req->command_id),
                 &command_value_);
    if (s.ok()) {
      keys::CommandRecord record;
      if (!keys::DecodeCommandRecord(command_value_, &record)) {
        req->status = absl::DataLossError(
            absl::StrCat("the idempotency record of command id \"",
                         req->command_id, "\" is malformed"));
      } else if (record.digest == req->digest) {
        req->result = FromRecord(record);
      } else {
        req->status = CommandReused(req->command_id);
      }
      return;
    }
    if (!s.IsNotFound()) {
      req->status = FromRocks(s, "reading an idempotency record");
      return;
    }
  }

  keys::StreamHead head;
  if (auto it = batch_heads_.find(req->stream_id); it != batch_heads_.end()) {
    head = it->second;
  } else if (!LoadHead(req->stream_id, &head, &req->status)) {
    return;
  }
  if (!req->expected.Matches(head.version)) {
    req->status = absl::AbortedError(
        WrongVersionMessage(req->stream_id, req->expected, head.version));
    return;
  }
  // Decided last, so that a conflict or a repeated command id is answered
  // as such whatever the disk. A generous estimate of what the append
  // writes: per event its envelope (with the metadata and two hashes), its
  // index entry and key overhead.
  if (absl::Status s = disk_.Admit(
          db_.get(),
          req->bytes +
              req->events.size() * (req->stream_id.size() +
                                    req->metadata->ByteSizeLong() + 256) +
              req->command_id.size() + 512,
          req->may_use_reserve);
      !s.ok()) {
    req->status = std::move(s);
    return;
  }

  // Everything in the envelope but the per-event fields is set once.
  envelope_.Clear();
  envelope_.set_stream_id(req->stream_id.data(), req->stream_id.size());
  *envelope_.mutable_metadata() = *req->metadata;
  envelope_.mutable_metadata()->set_command_id(req->command_id.data(),
                                               req->command_id.size());
  *envelope_.mutable_recorded_at() = batch_recorded_at_;

  req->result.first_version = head.version + 1;
  req->result.first_position = batch_position_;
  std::string index_value;
  for (const NewEvent& event : req->events) {
    ++head.version;
    if (head.first_position == 0) head.first_position = batch_position_;
    head.last_position = batch_position_;
    envelope_.set_global_position(batch_position_);
    envelope_.set_stream_version(head.version);
    envelope_.set_event_type(event.event_type);
    envelope_.set_schema_version(event.schema_version);
    envelope_.set_payload(event.payload);
    envelope_.set_previous_hash(HashData(batch_previous_),
                                batch_previous_.size());
    envelope_.clear_hash();
    batch_previous_ = EventHash(envelope_, &scratch_);
    envelope_.set_hash(HashData(batch_previous_), batch_previous_.size());
    value_.clear();
    envelope_.AppendToString(&value_);
    batch_.Put(keys::EventKey(batch_position_), value_);
    index_value.clear();
    keys::PutFixed64(&index_value, batch_position_);
    batch_.Put(keys::StreamIndexKey(req->stream_id, head.version), index_value);
    ++batch_position_;
  }
  req->result.last_version = head.version;
  req->result.last_position = batch_position_ - 1;
  batch_heads_[req->stream_id] = head;
  dirty_streams_.push_back(req->stream_id);
  if (!req->command_id.empty()) {
    const keys::CommandRecord record{
        .recorded_at_micros = batch_micros_,
        .digest = req->digest,
        .first_version = req->result.first_version,
        .last_version = req->result.last_version,
        .first_position = req->result.first_position,
        .last_position = req->result.last_position};
    batch_.Put(keys::CommandKey(req->command_id),
               keys::EncodeCommandRecord(record));
    batch_commands_[req->command_id] = req;
  }
}

bool StoreCore::WritePrepared(bool sync) {
  if (failed()) return false;
  const absl::Time started = absl::Now();
  rocksdb::Status s;
  if (written_position_ != batch_position_) {
    for (absl::string_view stream_id : dirty_streams_) {
      batch_.Put(keys::StreamHeadKey(stream_id),
                 keys::EncodeStreamHead(batch_heads_.find(stream_id)->second));
    }
    batch_.Put(keys::ChainKey(),
               keys::EncodeChainHead(
                   {.position = batch_position_ - 1, .hash = batch_previous_}));
    rocksdb::WriteOptions write_options;
    write_options.sync = sync;
    s = db_->Write(write_options, &batch_);
  } else if (sync && unsynced_) {
    s = db_->SyncWAL();
  } else {
    return true;  // nothing to write
  }
  batch_write_time_ += absl::Now() - started;
  batch_.Clear();
  dirty_streams_.clear();
  if (!s.ok()) {
    LatchFailure(absl::UnavailableError(
        absl::StrCat("event store ", path_, " failed to write positions ",
                     next_position_, "..", batch_position_ - 1,
                     " (outcome unknown until reopened): ", s.ToString())));
    return false;
  }
  written_position_ = batch_position_;
  unsynced_ = !sync;
  return true;
}

void StoreCore::Commit(std::vector<PendingAppend*>* batch) {
  absl::Status failure;
  absl::Duration write_latency;
  const uint64_t first_position = next_position_;
  if (failed()) {
    MutexLock l(&state_mu_);
    failure = failure_;
  } else if (batch_position_ != next_position_) {
    const bool written = WritePrepared(/*sync=*/true);
    write_latency = batch_write_time_;
    if (!written) {
      MutexLock l(&state_mu_);
      failure = failure_;
    } else {
      for (const auto& [stream_id, head] : batch_heads_) {
        heads_.Put(stream_id, head);
      }
      next_position_ = batch_position_;
      chain_hash_ = batch_previous_;
      if (witness_ != nullptr) {
        witness_->Record({.position = next_position_ - 1, .hash = chain_hash_});
      }
      // Published before any caller hears of it, so that a caller reads
      // its own write.
      MutexLock l(&head_mu_);
      // Sequentially consistent, paired with Register().
      published_head_.store(batch_position_ - 1);
      head_cv_.SignalAll();
    }
  }
  if (!failure.ok()) {
    for (PendingAppend* req : *batch) req->status = failure;
  }
  Answer(*batch);
  const bool observe =
      failure.ok() && next_position_ != first_position && options_.on_commit;
  if (waiter_count_.load() > 0 || observe) {
    MutexLock l(&notifier_mu_);
    if (waiter_count_.load() > 0) notify_pending_ = true;
    if (observe) {
      commit_stats_.push_back({.appends = batch->size(),
                               .events = next_position_ - first_position,
                               .latency = write_latency});
    }
    notifier_cv_.Signal();
  }
}

}  // namespace atgard::eventstore::internal
