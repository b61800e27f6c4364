// The core's life: its threads, the hand-over of appends between callers,
// the writer and the notifier, failure, close, and compaction on demand.
#include "eventstore/store_core.h"

#include <utility>

#include "eventstore/rocksdb_status.h"

namespace atgard::eventstore::internal {

StoreCore::StoreCore(Options options, std::string path,
                     std::unique_ptr<rocksdb::DB> db,
                     std::unique_ptr<rocksdb::CompactionFilter> filter,
                     std::unique_ptr<WalTracker> tracker,
                     const keys::ChainHead& chain,
                     std::unique_ptr<HeadWitness> witness,
                     RecoveryReport recovery)
    : options_(std::move(options)),
      path_(std::move(path)),
      filter_(std::move(filter)),
      tracker_(std::move(tracker)),
      witness_(std::move(witness)),
      recovery_(std::move(recovery)),
      db_(std::move(db)),
      disk_({.path = path_,
             .reserve = options_.disk_reserve,
             .interval = options_.disk_check_interval,
             .probe = options_.disk_space_probe,
             .on_change = options_.on_disk_reserve}),
      heads_(options_.stream_cache_entries),
      next_position_(chain.position + 1),
      chain_hash_(chain.hash),
      published_head_(chain.position) {
  writer_ = std::thread([this] { WriterLoop(); });
  notifier_ = std::thread([this] { NotifierLoop(); });
}

void StoreCore::OnFailure(std::function<void(const absl::Status&)> callback) {
  absl::Status already;
  {
    MutexLock l(&state_mu_);
    if (failure_.ok() || !callback) {
      failure_callback_ = std::move(callback);
      return;
    }
    already = failure_;
  }
  callback(already);
}

bool StoreCore::Enqueue(PendingAppend* req) {
  MutexLock l(&queue_mu_);
  if (stopping_) {
    req->status = ClosedError();
    return false;
  }
  if (options_.read_only) {
    req->status = ReadOnlyError();
    return false;
  }
  if (failed()) {
    MutexLock s(&state_mu_);
    req->status = failure_;
    return false;
  }
  queue_.push_back(req);
  // Wake the writer only when it has what it waits for, not for each
  // arrival.
  if (queue_.size() >= wanted_) queue_cv_.Signal();
  return true;
}

void StoreCore::Submit(PendingAppend* req) {
  if (!Enqueue(req)) return;
  // Callers sleep on one shared word that the writer bumps once per
  // batch: a single futex call then wakes the whole batch, where waking
  // each caller in turn took a few µs apiece on the writer's critical
  // path.
  while (req->done.load(std::memory_order_acquire) == 0) {
    const uint32_t epoch = answered_.load(std::memory_order_acquire);
    if (req->done.load(std::memory_order_acquire) != 0) break;
    answered_.wait(epoch, std::memory_order_acquire);
  }
}

void StoreCore::Answer(absl::Span<PendingAppend* const> requests) {
  if (requests.empty()) return;
  bool woke = false;
  bool queued = false;
  for (PendingAppend* req : requests) {
    if (req->callback) {
      MutexLock l(&notifier_mu_);
      async_answers_.push_back(req);
      queued = true;
    } else {
      req->done.store(1, std::memory_order_release);
      woke = true;
    }
  }
  if (woke) {
    answered_.fetch_add(1, std::memory_order_release);
    answered_.notify_all();
  }
  if (queued) {
    MutexLock l(&notifier_mu_);
    notifier_cv_.Signal();
  }
}

void StoreCore::SubmitAsync(PendingAppend* req) {
  if (!Enqueue(req)) AnswerAsync(req);
}

void StoreCore::AnswerAsync(PendingAppend* req) {
  std::function<void(absl::StatusOr<AppendResult>)> callback =
      std::move(req->callback);
  absl::StatusOr<AppendResult> outcome =
      req->status.ok() ? absl::StatusOr<AppendResult>(req->result)
                       : absl::StatusOr<AppendResult>(req->status);
  delete req;
  callback(std::move(outcome));
}

void StoreCore::Close() {
  {
    MutexLock l(&queue_mu_);
    if (stopping_) return;
    stopping_ = true;
    queue_cv_.Signal();
  }
  // The writer finishes what is queued, then stops.
  writer_.join();
  {
    MutexLock l(&notifier_mu_);
    notifier_stopping_ = true;
    notifier_cv_.Signal();
  }
  notifier_.join();
  {
    MutexLock l(&head_mu_);
    closed_.store(true, std::memory_order_release);
    head_cv_.SignalAll();
  }
  FireWaiters(/*all=*/true);
  MutexLock l(&db_mu_);
  if (!options_.read_only && !failed()) {
    // The stop record names the head the next open must find, and the
    // flush puts it with every event into checksummed tables: a log damaged
    // after a clean stop then holds nothing acknowledged, and the next
    // open replays nothing. If either fails, the synced log still holds
    // everything; the next open recovers from it.
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::WriteBatch stop;
    rocksdb::Status s = stop.Put(
        keys::StopKey(), keys::EncodeChainHead({.position = next_position_ - 1,
                                                .hash = chain_hash_}));
    if (s.ok()) s = stop.Delete(keys::RunningKey());
    if (s.ok()) s = db_->Write(sync, &stop);
    if (s.ok()) db_->Flush(rocksdb::FlushOptions()).PermitUncheckedError();
  }
  // Everything acknowledged is durable; Close() releases the lock and
  // files cleanly.
  db_->Close().PermitUncheckedError();
  db_.reset();
}

void StoreCore::NotifierLoop() {
  std::vector<PendingAppend*> answers;
  std::vector<CommitStats> stats;
  while (true) {
    bool fire = false;
    {
      MutexLock l(&notifier_mu_);
      while (!HasNotificationsOrStopping()) notifier_cv_.Wait(&notifier_mu_);
      if (!notify_pending_ && async_answers_.empty() && commit_stats_.empty()) {
        return;  // stopping, and nothing left to deliver
      }
      fire = notify_pending_;
      notify_pending_ = false;
      answers.swap(async_answers_);
      stats.swap(commit_stats_);
    }
    for (const CommitStats& c : stats) {
      ObserveCommit(c.appends, c.events, c.latency);
    }
    stats.clear();
    for (PendingAppend* req : answers) AnswerAsync(req);
    answers.clear();
    if (!fire) continue;
    FireWaiters(/*all=*/false);
  }
}

void StoreCore::LatchFailure(const absl::Status& cause) {
  std::function<void(const absl::Status&)> callback;
  {
    MutexLock l(&state_mu_);
    failure_ = cause;
    callback = std::move(failure_callback_);
    failure_callback_ = nullptr;
  }
  {
    MutexLock l(&head_mu_);
    failed_.store(true, std::memory_order_release);
    head_cv_.SignalAll();
  }
  // Nothing queued may be acknowledged any more.
  std::vector<PendingAppend*> queued;
  {
    MutexLock l(&queue_mu_);
    queued.swap(queue_);
  }
  for (PendingAppend* req : queued) req->status = cause;
  Answer(queued);
  FireWaiters(/*all=*/true);
  if (callback) callback(cause);
}

absl::Status StoreCore::CompactAll() {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  rocksdb::CompactRangeOptions compact;
  // The compaction filter only runs where data is rewritten; force the
  // bottommost level too.
  compact.bottommost_level_compaction =
      rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(compact, nullptr, nullptr),
                   absl::StrCat("compacting event store ", path_));
}

}  // namespace atgard::eventstore::internal
