// The event store's implementation behind EventStore and Subscription
// (event_store.h): the shared core and what its parts pass each other.
// Internal to the event store; nothing outside eventstore/ includes it.
//
// StoreCore's methods live in one file per concern:
//   store_core.cc   life: start, queue and answer appends, notify, fail,
//                   close; compaction on demand
//   writer.cc       group commit on the writer thread
//   subscription.cc waiting for the head, and Subscription
//   reader.cc       scans, stream reads, stream info, command lookups
//   checkpoints.cc  readers' checkpoints
//   verify.cc       Verify()
//   backup.cc       CreateBackup() and RestoreBackup()
//   open.cc         EventStore::Open(), with open_checks.cc
// event_store.cc keeps the public EventStore methods, which check their
// arguments (append_checks.cc) and hand over to the core.
#ifndef ATGARD_EVENTSTORE_STORE_CORE_H_
#define ATGARD_EVENTSTORE_STORE_CORE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "atgard/v1/event_envelope.pb.h"
#include "eventstore/disk_reserve.h"
#include "eventstore/event_store.h"
#include "eventstore/head_cache.h"
#include "eventstore/keys.h"
#include "eventstore/recovery.h"
#include "eventstore/sync.h"
#include "eventstore/types.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace atgard::eventstore::internal {

inline absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

inline absl::string_view HashView(const keys::Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

// The answer to an append whose command id was seen before, from its
// idempotency record.
inline AppendResult FromRecord(const keys::CommandRecord& r) {
  return AppendResult{.first_version = r.first_version,
                      .last_version = r.last_version,
                      .first_position = r.first_position,
                      .last_position = r.last_position,
                      .deduplicated = true};
}

// ALREADY_EXISTS for a command id reused for a different command.
inline absl::Status CommandReused(absl::string_view command_id) {
  return absl::AlreadyExistsError(
      absl::StrCat("command id \"", command_id,
                   "\" was already used for a different command"));
}

// Checks an append's arguments against the store's limits `o`: OK and
// *bytes set to the size the writer accounts for, or INVALID_ARGUMENT
// naming the first argument out of bounds (*bytes unchanged).
[[nodiscard]] absl::Status CheckAppend(const Options& o,
                                       absl::string_view stream_id,
                                       absl::Span<const NewEvent> events,
                                       absl::string_view command_id,
                                       const v1::EventMetadata& metadata,
                                       size_t* bytes);

// What a Subscription shares with the core's registry of notifications
// (StoreCore::Register()): its one pending callback and whether it runs.
struct SubscriptionState {
  Mutex mu;
  CondVar cv;
  std::function<void()> callback ABSL_GUARDED_BY(mu);
  bool running ABSL_GUARDED_BY(mu) = false;
  std::thread::id running_thread ABSL_GUARDED_BY(mu);
  bool cancelled ABSL_GUARDED_BY(mu) = false;
  // Registration in StoreCore::waiters_; guarded by StoreCore::notify_mu_.
  bool registered = false;
  std::multimap<uint64_t, std::shared_ptr<SubscriptionState>>::iterator where;
};

// One append queued for the writer, from Append() or AppendAsync() (unlike
// the public AppendRequest, it owns nothing but in `owned`). Views point
// into the caller's arguments, which live until `done` is notified.
struct PendingAppend {
  absl::string_view stream_id;
  ExpectedVersion expected = ExpectedVersion::Any();
  absl::Span<const NewEvent> events;
  absl::string_view command_id;
  const v1::EventMetadata* metadata = nullptr;
  keys::Hash digest{};
  size_t bytes = 0;
  bool may_use_reserve = false;

  absl::Status status;
  AppendResult result;
  // Set to 1 once status and result are final (StoreCore::Answer).
  std::atomic<uint32_t> done{0};

  // AppendAsync(): the request owns its arguments (the views above point
  // into `owned`) and is answered through `callback` on the notifier thread
  // instead of waking a caller. Heap-allocated; AnswerAsync() deletes it.
  std::unique_ptr<eventstore::AppendRequest> owned;
  std::function<void(absl::StatusOr<AppendResult>)> callback;
};

// The shared state of a store: the database, the writer thread and what
// subscriptions wait on. Subscriptions keep it alive after the EventStore is
// gone, so they can report that it is closed.
//
// Thread-safe: the public methods may be called from any thread; the batch
// being built belongs to the writer thread alone (see the members).
class StoreCore {
 public:
  // Takes over the opened database (and what RocksDB's options point to:
  // `filter`, `tracker`) and starts the writer and notifier threads.
  // `chain` is the recovered head; `witness` is null when read-only.
  StoreCore(Options options, std::string path, std::unique_ptr<rocksdb::DB> db,
            std::unique_ptr<rocksdb::CompactionFilter> filter,
            std::unique_ptr<WalTracker> tracker, const keys::ChainHead& chain,
            std::unique_ptr<HeadWitness> witness, RecoveryReport recovery);

  ~StoreCore() { Close(); }

  const std::string& path() const { return path_; }
  const Options& options() const { return options_; }

  // Tells Options::on_data_loss of a read that met damaged data; returns
  // `result` unchanged.
  template <typename T>
  T Noticed(T result) const {
    if (!result.ok() && absl::IsDataLoss(result.status()) &&
        options_.on_data_loss) {
      options_.on_data_loss(result.status());
    }
    return result;
  }
  const RecoveryReport& recovery() const { return recovery_; }

  // Sequentially consistent: Register() relies on it.
  uint64_t head() const { return published_head_.load(); }
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

  absl::Status Health() const {
    if (closed()) return ClosedError();
    MutexLock l(&state_mu_);
    return failure_;
  }

  absl::Status DiskReserveStatus() const { return disk_.status(); }

  absl::Status ClosedError() const {
    return absl::UnavailableError(
        absl::StrCat("event store ", path_, " is closed"));
  }

  absl::Status ReadOnlyError() const {
    return absl::FailedPreconditionError(
        absl::StrCat("event store ", path_, " is open read-only"));
  }

  void OnFailure(std::function<void(const absl::Status&)> callback);

  // Queues `req` for the writer. False, with req->status set, if the store
  // is closing or has failed.
  bool Enqueue(PendingAppend* req);

  // Queues `req` for the writer and waits until it is decided.
  void Submit(PendingAppend* req);

  // Makes the decisions in `requests` visible to their callers and wakes
  // them; AppendAsync() requests go to the notifier thread, which runs
  // their callbacks off the writer's critical path. A waited-for request
  // may be gone as soon as its flag is set.
  void Answer(absl::Span<PendingAppend* const> requests);

  // Queues an AppendAsync() request; if it cannot be queued, answers it at
  // once on this thread.
  void SubmitAsync(PendingAppend* req);

  // Runs an AppendAsync() request's callback with its outcome and frees it.
  static void AnswerAsync(PendingAppend* req);

  // Observer of group commits (Options::on_commit), run by the notifier.
  void ObserveCommit(size_t appends, size_t events, absl::Duration latency) {
    if (options_.on_commit) options_.on_commit(appends, events, latency);
  }

  absl::StatusOr<std::optional<AppendResult>> LookupCommand(
      absl::string_view command_id, const keys::Hash& digest) const;
  absl::StatusOr<uint64_t> GetCheckpoint(absl::string_view name) const;
  absl::Status PutCheckpoint(absl::string_view name, uint64_t position);

  void Close();

  // Hands the stored bytes of each matching event in [from, head] to
  // `visit`, at most `max_count` of them and examining at most `max_scan`.
  // A CANCELLED status from `visit` stops the scan after that event.
  absl::StatusOr<ScanResult> Scan(
      uint64_t from, size_t max_count, const ReadAllFilter& filter,
      size_t max_scan,
      absl::FunctionRef<absl::Status(uint64_t, absl::string_view)> visit) const;
  absl::StatusOr<ReadAllResult> ReadRange(uint64_t from, size_t max_count,
                                          const ReadAllFilter& filter,
                                          size_t max_scan) const;
  absl::Status UnparsableEvent(uint64_t position) const {
    return absl::DataLossError(absl::StrCat("event store ", path_,
                                            ": the event at position ",
                                            position, " does not parse"));
  }
  absl::StatusOr<std::vector<v1::EventEnvelope>> ReadStream(
      absl::string_view stream_id, uint64_t from_version, size_t max_count,
      Direction direction) const;
  absl::StatusOr<StreamInfo> GetStreamInfo(absl::string_view stream_id) const;
  // ReadStream() with db_mu_ held and the database open.
  absl::StatusOr<std::vector<v1::EventEnvelope>> ReadStreamLocked(
      absl::string_view stream_id, uint64_t from_version, size_t max_count,
      Direction direction) const ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  absl::StatusOr<VerifyReport> Verify(uint64_t from, uint64_t to) const;
  absl::Status CreateBackup(absl::string_view backup_dir);
  // OK if `backup_dir`'s file system has room for a full copy of the
  // store, and the disk reserve too if it is the data directory's.
  absl::Status CheckBackupSpace(const std::string& backup_dir)
      ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  absl::Status CompactAll();

  // Subscriptions.
  bool Register(const std::shared_ptr<SubscriptionState>& state,
                uint64_t position, std::function<void()> callback);
  void Unregister(const std::shared_ptr<SubscriptionState>& state);
  // Waits until the head reaches `position`, the store closes or fails, or
  // `deadline` passes.
  void WaitForHead(uint64_t position, absl::Time deadline) const;

 private:
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return !queue_.empty() || stopping_;
  }
  bool HasEnoughOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
    return queue_.size() >= wanted_ || stopping_;
  }
  bool HasNotificationsOrStopping() const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(notifier_mu_) {
    return notify_pending_ || !async_answers_.empty() ||
           !commit_stats_.empty() || notifier_stopping_;
  }
  bool HeadReached(uint64_t position) const {
    return head() >= position || closed() || failed();
  }

  void WriterLoop();
  // Group commit, in steps on the writer thread: start a batch; decide and
  // encode each append into it as it arrives, writing what is encoded
  // (unsynced) while the rest of the batch is still on its way; then write
  // the remainder with one sync that makes the whole batch durable, and
  // only then publish and answer it.
  void BeginBatch();
  void Prepare(PendingAppend* req) ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  // Writes what the batch encoded since the last write, with the heads of
  // the streams it touched and the chain head, so that each write leaves
  // a consistent store: a crash between two of them loses only appends
  // that were never acknowledged. With `sync`, also syncs the WAL (and so
  // every earlier unsynced write). False once the store has failed.
  bool WritePrepared(bool sync) ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  void Commit(std::vector<PendingAppend*>* batch)
      ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  // Reads a stream's head (cache, then disk). False with *error on failure.
  bool LoadHead(absl::string_view stream_id, keys::StreamHead* head,
                absl::Status* error) ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  void LatchFailure(const absl::Status& cause);
  // Runs the subscriptions' notifications off the writer thread, so that
  // the next batch can start meanwhile.
  void NotifierLoop();
  // Runs every registered notification whose position is reached (all of
  // them when `all`).
  void FireWaiters(bool all);

  const Options options_;
  const std::string path_;
  // Must outlive db_.
  const std::unique_ptr<rocksdb::CompactionFilter> filter_;
  // The log replay's filter, whose address RocksDB keeps in its options:
  // must outlive db_ too.
  const std::unique_ptr<WalTracker> tracker_;
  // Null when read-only. Written by the writer thread only.
  const std::unique_ptr<HeadWitness> witness_;
  const RecoveryReport recovery_;

  // Readers hold it shared; Close() exclusively, to close the database.
  mutable Mutex db_mu_;
  std::unique_ptr<rocksdb::DB> db_ ABSL_GUARDED_BY(db_mu_);

  Mutex queue_mu_;
  // Signalled when the queue holds what the writer waits for.
  CondVar queue_cv_;
  std::vector<PendingAppend*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  // How many queued appends the writer waits for.
  size_t wanted_ ABSL_GUARDED_BY(queue_mu_) = 1;
  std::thread writer_;

  // Bumped once per answered batch; callers wait on it (see Submit).
  std::atomic<uint32_t> answered_{0};

  Mutex notifier_mu_;
  CondVar notifier_cv_;
  bool notify_pending_ ABSL_GUARDED_BY(notifier_mu_) = false;
  bool notifier_stopping_ ABSL_GUARDED_BY(notifier_mu_) = false;
  // AppendAsync() requests whose callbacks the notifier runs.
  std::vector<PendingAppend*> async_answers_ ABSL_GUARDED_BY(notifier_mu_);
  // Committed batches not yet reported to Options::on_commit.
  struct CommitStats {
    size_t appends;
    size_t events;
    absl::Duration latency;
  };
  std::vector<CommitStats> commit_stats_ ABSL_GUARDED_BY(notifier_mu_);
  std::thread notifier_;
  // waiters_.size(), readable without notify_mu_.
  std::atomic<size_t> waiter_count_{0};

  // Admit() and Recheck() on the writer thread only.
  DiskGuard disk_;
  // Writer thread only.
  HeadCache heads_;
  uint64_t next_position_;
  keys::Hash chain_hash_;
  size_t last_batch_appends_ = 0;
  // The batch being built. batch_ holds what is encoded but not yet
  // written; positions below written_position_ are written (not
  // necessarily synced, see unsynced_). Written but unsynced data is in
  // the database yet invisible to readers: they stop at the published
  // head.
  rocksdb::WriteBatch batch_;
  uint64_t written_position_ = 0;
  bool unsynced_ = false;
  // Streams whose head batch_ must carry (may repeat).
  std::vector<absl::string_view> dirty_streams_;
  absl::Duration batch_write_time_;
  uint64_t batch_position_ = 0;
  keys::Hash batch_previous_{};
  google::protobuf::Timestamp batch_recorded_at_;
  int64_t batch_micros_ = 0;
  // What the batch changes, seen by later appends in the same batch; merged
  // into the cache only once the batch is durable. Keys point into the
  // requests, which live until they are completed.
  absl::flat_hash_map<absl::string_view, keys::StreamHead> batch_heads_;
  absl::flat_hash_map<absl::string_view, PendingAppend*> batch_commands_;
  v1::EventEnvelope envelope_;
  std::string scratch_;
  std::string value_;
  std::string command_value_;

  // Changed under head_mu_ so that WaitForHead() wakes up.
  mutable Mutex head_mu_;
  mutable CondVar head_cv_;
  std::atomic<uint64_t> published_head_;
  std::atomic<bool> failed_{false};
  std::atomic<bool> closed_{false};

  mutable Mutex state_mu_;
  absl::Status failure_ ABSL_GUARDED_BY(state_mu_);
  std::function<void(const absl::Status&)> failure_callback_
      ABSL_GUARDED_BY(state_mu_);

  Mutex backup_mu_;

  mutable Mutex notify_mu_;
  std::multimap<uint64_t, std::shared_ptr<SubscriptionState>> waiters_
      ABSL_GUARDED_BY(notify_mu_);
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_STORE_CORE_H_
