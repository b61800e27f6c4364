#include "eventstore/event_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <list>
#include <map>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "eventstore/canonical.h"
#include "eventstore/key_space.h"
#include "eventstore/keys.h"
#include "eventstore/recovery.h"
#include "eventstore/sync.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/sst_file_manager.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/write_batch.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using internal::DescribeOpenCorruption;
using internal::HeadWitness;
using internal::RecoveryLogger;
using internal::TornTailBytes;
using internal::WalTracker;

// True if every entry of `dir` is a file RocksDB writes while it creates a
// database, so that a creation cut short by a crash can be finished.
bool OnlyRocksDbFiles(const fs::path& dir) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const bool rocksdb_file =
        entry.is_regular_file(ec) &&
        (name == "LOCK" || name == "IDENTITY" || name == "LOG" ||
         absl::StartsWith(name, "LOG.old.") ||
         absl::StartsWith(name, "MANIFEST-") ||
         absl::StartsWith(name, "OPTIONS-") || absl::EndsWith(name, ".log") ||
         absl::EndsWith(name, ".dbtmp"));
    if (!rocksdb_file) return false;
  }
  return !ec;
}

}  // namespace

absl::Status CreatePrivateDirectory(const std::string& path,
                                    absl::string_view what) {
  const fs::path dir(path);
  std::error_code ec;
  if (dir.has_parent_path() && !dir.parent_path().empty()) {
    fs::create_directories(dir.parent_path(), ec);
    if (ec) {
      return absl::PermissionDeniedError(
          absl::StrCat(what, " ", path, " cannot be created: ", ec.message()));
    }
  }
  // mkdir's mode is only ever narrowed by the umask, so 0700 holds
  // whatever the umask is.
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(absl::StrCat(
        what, " ", path, " cannot be created: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

namespace {

// Classifies the directory before RocksDB touches it, so that a wrong path
// gets a clear message instead of a new database inside someone's files.
// With `create` false, a missing or empty directory is NOT_FOUND and
// nothing is created.
absl::Status CheckDirectory(const fs::path& dir, bool create, bool writable,
                            bool* fresh) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return absl::PermissionDeniedError(
        absl::StrCat("data directory ", dir.string(),
                     " cannot be inspected: ", ec.message()));
  }
  if (!fs::exists(st)) {
    if (!create) {
      return absl::NotFoundError(
          absl::StrCat("data directory ", dir.string(), " does not exist"));
    }
    if (absl::Status s = CreatePrivateDirectory(dir.string(), "data directory");
        !s.ok()) {
      return s;
    }
    *fresh = true;
    return absl::OkStatus();
  }
  if (!fs::is_directory(st)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", dir.string(), " is not a directory"));
  }
  if (access(dir.c_str(), writable ? R_OK | W_OK | X_OK : R_OK | X_OK) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("data directory ", dir.string(), " is not ",
                     writable ? "writable" : "readable", " by this user"));
  }
  const bool empty = fs::is_empty(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat(
        "data directory ", dir.string(), " cannot be listed: ", ec.message()));
  }
  if (empty) {
    if (!create) {
      return absl::NotFoundError(absl::StrCat("data directory ", dir.string(),
                                              " is empty: it holds no store"));
    }
    *fresh = true;
    return absl::OkStatus();
  }
  if (!fs::exists(dir / "CURRENT")) {
    if (OnlyRocksDbFiles(dir)) {
      // A creation that was interrupted before RocksDB wrote CURRENT.
      *fresh = true;
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", dir.string(),
        " is not empty and holds no atgard store; refusing to use it"));
  }
  *fresh = false;
  return absl::OkStatus();
}

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = s.ToString();
  if (s.IsIOError() &&
      (absl::StrContains(msg, "lock") || absl::StrContains(msg, "LOCK"))) {
    return absl::FailedPreconditionError(absl::StrCat(
        what, " is in use by another process (its LOCK is held): ", msg));
  }
  if (s.IsCorruption())
    return absl::DataLossError(absl::StrCat(what, ": ", msg));
  return absl::InternalError(absl::StrCat(what, ": ", msg));
}

absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

const char* HashData(const keys::Hash& hash) {
  return reinterpret_cast<const char*>(hash.data());
}

absl::string_view HashView(const keys::Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
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

// Reads fields 2 (stream_id) and 4 (event_type) of a serialized envelope
// without parsing the rest, so that filtered scans skip cheaply.
bool PeekStreamAndType(absl::string_view bytes, absl::string_view* stream_id,
                       absl::string_view* event_type) {
  const char* p = bytes.data();
  const char* end = p + bytes.size();
  auto varint = [&](uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(*p++);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  };
  *stream_id = {};
  *event_type = {};
  while (p < end) {
    uint64_t tag = 0;
    if (!varint(&tag)) return false;
    const uint64_t field = tag >> 3;
    switch (tag & 7) {
      case 0: {
        uint64_t ignored;
        if (!varint(&ignored)) return false;
        break;
      }
      case 1:
        if (end - p < 8) return false;
        p += 8;
        break;
      case 2: {
        uint64_t len = 0;
        if (!varint(&len) || len > static_cast<uint64_t>(end - p)) return false;
        const absl::string_view value(p, len);
        if (field == 2) *stream_id = value;
        if (field == 4) *event_type = value;
        p += len;
        break;
      }
      case 5:
        if (end - p < 4) return false;
        p += 4;
        break;
      default:
        return false;
    }
  }
  return true;
}

// Drops idempotency records older than the retention. Everything else is
// kept: the log is never deleted.
class CommandRetentionFilter : public rocksdb::CompactionFilter {
 public:
  CommandRetentionFilter(std::function<absl::Time()> clock,
                         absl::Duration retention)
      : clock_(std::move(clock)), retention_(retention) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key,
              const rocksdb::Slice& existing_value, std::string* /*new_value*/,
              bool* /*value_changed*/) const override {
    if (key.empty() || key[0] != static_cast<char>(keys::Space::kCommand)) {
      return false;
    }
    keys::CommandRecord record;
    // A record that cannot be read is kept for an operator to look at.
    if (!keys::DecodeCommandRecord(ToView(existing_value), &record)) {
      return false;
    }
    const absl::Time recorded = absl::FromUnixMicros(record.recorded_at_micros);
    return clock_() - recorded > retention_;
  }

  const char* Name() const override { return "atgard.CommandRetention"; }

 private:
  const std::function<absl::Time()> clock_;
  const absl::Duration retention_;
};

// Memtable insertion hints. Every append puts keys in several spaces
// (event, stream index, stream head, idempotency record), so consecutive
// inserts jump across the key range and each would search the skip list
// from the top. A hint remembers where the last insert with the same
// prefix went: event keys (ascending positions) share one and go in next
// to the previous one; each stream's index entries (ascending versions)
// and each stream's head (rewritten in place) have their own, so that a
// stream's next write starts where its last one ended. Idempotency
// records are random and share the space's hint. Hints require memtable
// inserts that are not concurrent (see Open()); the memtable keeps one hint
// per prefix until it is flushed.
class InsertHintPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "atgard.InsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    switch (static_cast<keys::Space>(key[0])) {
      case keys::Space::kStreamIndex: {
        // Up to and including the stream id's terminator.
        const void* end = std::memchr(key.data() + 1, 0, key.size() - 1);
        return end == nullptr
                   ? key
                   : rocksdb::Slice(key.data(), static_cast<const char*>(end) -
                                                    key.data() + 1);
      }
      case keys::Space::kStreamHead:
        return key;
      default:
        return rocksdb::Slice(key.data(), 1);
    }
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return !key.empty();
  }
};

// Stream heads the writer has seen recently, least recently used evicted
// first. Used by the writer thread only.
class HeadCache {
 public:
  explicit HeadCache(size_t capacity)
      : capacity_(std::max<size_t>(capacity, 1)) {}

  const keys::StreamHead* Find(absl::string_view stream_id) {
    auto it = index_.find(stream_id);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->second;
  }

  void Put(absl::string_view stream_id, const keys::StreamHead& head) {
    auto it = index_.find(stream_id);
    if (it != index_.end()) {
      it->second->second = head;
      entries_.splice(entries_.begin(), entries_, it->second);
      return;
    }
    entries_.emplace_front(std::string(stream_id), head);
    index_.emplace(entries_.front().first, entries_.begin());
    if (entries_.size() > capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
  }

 private:
  using Entry = std::pair<std::string, keys::StreamHead>;
  const size_t capacity_;
  std::list<Entry> entries_;
  // Keys point into the list nodes, which never move.
  absl::flat_hash_map<absl::string_view, std::list<Entry>::iterator> index_;
};

// Most events one ReadAvailable() examines, so that a filtered subscription
// far behind does not hold its caller for long.
constexpr size_t kMaxScanPerPoll = 4096;

// Keeps RocksDB's background writes within the disk reserve (see
// disk_reserve.h): one compaction may read no more than CompactionBound()
// of it, and the SstFileManager holds back compactions that would leave
// less than the reserve once RocksDB has met a full disk (and lets it try
// to recover from one by itself). Tells Options::on_disk_reserve_sizing when
// the reserve cannot hold a flush and a compaction together.
void ConfigureForDiskReserve(const Options& options,
                             rocksdb::Options* db_options) {
  if (options.read_only || options.disk_reserve.off()) return;
  const absl::StatusOr<DiskSpace> space = options.disk_space_probe
                                              ? options.disk_space_probe()
                                              : ProbeDiskSpace(options.path);
  // The guard leaves a file system that cannot say its size alone, too.
  if (!space.ok()) return;
  const uint64_t reserve = options.disk_reserve.BytesOf(space->total_bytes);
  if (reserve == 0) return;
  const uint64_t bound = CompactionBound(reserve);
  db_options->max_compaction_bytes = bound;
  std::shared_ptr<rocksdb::SstFileManager> tables(
      rocksdb::NewSstFileManager(db_options->env));
  tables->SetCompactionBufferSize(reserve);
  db_options->sst_file_manager = std::move(tables);
  const uint64_t minimum =
      MinimumSensibleReserve(reserve, db_options->write_buffer_size);
  if (reserve < minimum && options.on_disk_reserve_sizing) {
    options.on_disk_reserve_sizing(absl::StrCat(
        "the disk reserve of ", FormatMiB(reserve), " on ", options.path,
        " is smaller than ", FormatMiB(minimum),
        ", what a memtable flush (2 x ",
        FormatMiB(db_options->write_buffer_size),
        ") and one compaction (up to ", FormatMiB(bound),
        ") may write together: even a full reserve may not hold them; raise "
        "the reserve to at least ",
        FormatMiB(minimum)));
  }
}

}  // namespace

namespace internal {

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

// One Append() waiting for the writer. Views point into the caller's
// arguments, which live until `done` is notified.
struct AppendRequest {
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
class StoreCore {
 public:
  StoreCore(Options options, std::string path, std::unique_ptr<rocksdb::DB> db,
            std::unique_ptr<rocksdb::CompactionFilter> filter,
            std::unique_ptr<WalTracker> tracker, const keys::ChainHead& chain,
            std::unique_ptr<HeadWitness> witness, RecoveryReport recovery)
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

  void OnFailure(std::function<void(const absl::Status&)> callback) {
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

  // Queues `req` for the writer. False, with req->status set, if the store
  // is closing or has failed.
  bool Enqueue(AppendRequest* req) {
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

  // Queues `req` for the writer and waits until it is decided.
  void Submit(AppendRequest* req) {
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

  // Makes the decisions in `requests` visible to their callers and wakes
  // them; AppendAsync() requests go to the notifier thread, which runs
  // their callbacks off the writer's critical path. A waited-for request
  // may be gone as soon as its flag is set.
  void Answer(absl::Span<AppendRequest* const> requests) {
    if (requests.empty()) return;
    bool woke = false;
    bool queued = false;
    for (AppendRequest* req : requests) {
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

  // Queues an AppendAsync() request; if it cannot be queued, answers it at
  // once on this thread.
  void SubmitAsync(AppendRequest* req) {
    if (!Enqueue(req)) AnswerAsync(req);
  }

  // Runs an AppendAsync() request's callback with its outcome and frees it.
  static void AnswerAsync(AppendRequest* req) {
    std::function<void(absl::StatusOr<AppendResult>)> callback =
        std::move(req->callback);
    absl::StatusOr<AppendResult> outcome =
        req->status.ok() ? absl::StatusOr<AppendResult>(req->result)
                         : absl::StatusOr<AppendResult>(req->status);
    delete req;
    callback(std::move(outcome));
  }

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
  void Prepare(AppendRequest* req) ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  // Writes what the batch encoded since the last write, with the heads of
  // the streams it touched and the chain head, so that each write leaves
  // a consistent store: a crash between two of them loses only appends
  // that were never acknowledged. With `sync`, also syncs the WAL (and so
  // every earlier unsynced write). False once the store has failed.
  bool WritePrepared(bool sync) ABSL_SHARED_LOCKS_REQUIRED(db_mu_);
  void Commit(std::vector<AppendRequest*>* batch)
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
  std::vector<AppendRequest*> queue_ ABSL_GUARDED_BY(queue_mu_);
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
  std::vector<AppendRequest*> async_answers_ ABSL_GUARDED_BY(notifier_mu_);
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
  absl::flat_hash_map<absl::string_view, AppendRequest*> batch_commands_;
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

void StoreCore::WriterLoop() {
  // Held for the writer's life: Close() joins the writer before it closes
  // the database.
  ReaderMutexLock db_lock(&db_mu_);
  std::vector<AppendRequest*> batch;
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
      std::vector<AppendRequest*> arrived;
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
      for (AppendRequest* req : arrived) Prepare(req);
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

namespace {

std::string ConflictMessage(absl::string_view stream_id,
                            const ExpectedVersion& expected, uint64_t actual) {
  return absl::StrCat(
      "wrong expected version for stream ", stream_id, ": expected ",
      expected.ToString(), ", actual ",
      actual == 0 ? std::string("no stream") : absl::StrCat(actual));
}

bool VersionMatches(const ExpectedVersion& expected, uint64_t actual) {
  switch (expected.kind()) {
    case ExpectedVersion::Kind::kAny:
      return true;
    case ExpectedVersion::Kind::kNoStream:
      return actual == 0;
    case ExpectedVersion::Kind::kStreamExists:
      return actual > 0;
    case ExpectedVersion::Kind::kExact:
      return actual == expected.version();
  }
  return false;
}

AppendResult FromRecord(const keys::CommandRecord& r) {
  return AppendResult{.first_version = r.first_version,
                      .last_version = r.last_version,
                      .first_position = r.first_position,
                      .last_position = r.last_position,
                      .deduplicated = true};
}

absl::Status CommandReused(absl::string_view command_id) {
  return absl::AlreadyExistsError(
      absl::StrCat("command id \"", command_id,
                   "\" was already used for a different command"));
}

}  // namespace

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

void StoreCore::Prepare(AppendRequest* req) {
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
  if (!VersionMatches(req->expected, head.version)) {
    req->status = absl::AbortedError(
        ConflictMessage(req->stream_id, req->expected, head.version));
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

void StoreCore::Commit(std::vector<AppendRequest*>* batch) {
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
    for (AppendRequest* req : *batch) req->status = failure;
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

void StoreCore::NotifierLoop() {
  std::vector<AppendRequest*> answers;
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
    for (AppendRequest* req : answers) AnswerAsync(req);
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
  std::vector<AppendRequest*> queued;
  {
    MutexLock l(&queue_mu_);
    queued.swap(queue_);
  }
  for (AppendRequest* req : queued) req->status = cause;
  Answer(queued);
  FireWaiters(/*all=*/true);
  if (callback) callback(cause);
}

void StoreCore::FireWaiters(bool all) {
  std::vector<std::shared_ptr<SubscriptionState>> due;
  {
    MutexLock l(&notify_mu_);
    const uint64_t reached = head();
    auto end = all ? waiters_.end() : waiters_.upper_bound(reached);
    for (auto it = waiters_.begin(); it != end; ++it) {
      it->second->registered = false;
      due.push_back(std::move(it->second));
    }
    waiters_.erase(waiters_.begin(), end);
    waiter_count_.store(waiters_.size());
  }
  for (const std::shared_ptr<SubscriptionState>& state : due) {
    std::function<void()> callback;
    {
      MutexLock l(&state->mu);
      if (!state->callback) continue;
      callback = std::move(state->callback);
      state->callback = nullptr;
      state->running = true;
      state->running_thread = std::this_thread::get_id();
    }
    callback();
    MutexLock l(&state->mu);
    state->running = false;
    state->cv.SignalAll();
  }
}

bool StoreCore::Register(const std::shared_ptr<SubscriptionState>& state,
                         uint64_t position, std::function<void()> callback) {
  MutexLock l(&notify_mu_);
  if (closed() || failed() || head() >= position) return false;
  {
    MutexLock s(&state->mu);
    // Cancelled: nothing will ever be delivered through a callback, and
    // the caller must not take "false" as "read again" and spin.
    if (state->cancelled) return true;
    state->callback = std::move(callback);
  }
  if (state->registered) waiters_.erase(state->where);
  state->where = waiters_.emplace(position, state);
  state->registered = true;
  waiter_count_.store(waiters_.size());
  // The writer publishes the head, then looks for waiters; here it is the
  // other way round. Either it sees this registration or this sees its
  // head (both sequentially consistent), so no wake-up is lost.
  if (head() >= position) {
    waiters_.erase(state->where);
    state->registered = false;
    waiter_count_.store(waiters_.size());
    MutexLock s(&state->mu);
    state->callback = nullptr;
    return false;
  }
  return true;
}

void StoreCore::Unregister(const std::shared_ptr<SubscriptionState>& state) {
  {
    MutexLock l(&notify_mu_);
    if (state->registered) {
      waiters_.erase(state->where);
      state->registered = false;
      waiter_count_.store(waiters_.size());
    }
  }
  MutexLock s(&state->mu);
  state->callback = nullptr;
  state->cancelled = true;
  // A callback that already started on another thread must finish before
  // its subscription goes away; on its own thread it is the caller.
  while (state->running &&
         state->running_thread != std::this_thread::get_id()) {
    state->cv.Wait(&state->mu);
  }
}

void StoreCore::WaitForHead(uint64_t position, absl::Time deadline) const {
  MutexLock l(&head_mu_);
  bool timed_out = false;
  while (!HeadReached(position) && !timed_out) {
    timed_out = head_cv_.WaitWithDeadline(&head_mu_, deadline);
  }
}

absl::StatusOr<ScanResult> StoreCore::Scan(
    uint64_t from, size_t max_count, const ReadAllFilter& filter,
    size_t max_scan,
    absl::FunctionRef<absl::Status(uint64_t, absl::string_view)> visit) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  from = std::max<uint64_t>(from, 1);
  ScanResult result{.next_position = from, .head_position = head()};
  if (from > result.head_position) return result;

  const std::string lower = keys::EventKey(from);
  const std::string upper = keys::EventKey(result.head_position + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  // Scans pass through history once (catch-up, rebuilds, audits): reading
  // around the block cache keeps it for the command path's point reads
  // (stream heads, idempotency records, streams) and spares inserting and
  // evicting a block for every few events read.
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  const bool filtered = !filter.empty();
  uint64_t expected = from;
  size_t delivered = 0;
  bool stopped = false;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (delivered >= max_count || expected - from >= max_scan) {
      stopped = true;
      break;
    }
    uint64_t position = 0;
    if (!keys::ParseEventKey(ToView(it->key()), &position) ||
        position != expected) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_,
                       ": the log has no event at position ", expected));
    }
    const absl::string_view value = ToView(it->value());
    ++expected;
    if (filtered) {
      absl::string_view stream_id, event_type;
      if (!PeekStreamAndType(value, &stream_id, &event_type)) {
        return absl::DataLossError(absl::StrCat("event store ", path_,
                                                ": the event at position ",
                                                position, " does not parse"));
      }
      if (!filter.Matches(stream_id, event_type)) continue;
    }
    ++delivered;
    if (absl::Status s = visit(position, value); !s.ok()) {
      if (absl::IsCancelled(s)) {  // the visitor is done
        stopped = true;
        break;
      }
      return s;
    }
  }
  if (!it->status().ok()) {
    return FromRocks(
        it->status(),
        absl::StrCat("event store ", path_, ", reading position ", expected));
  }
  if (!stopped && expected <= result.head_position) {
    return absl::DataLossError(
        absl::StrCat("event store ", path_,
                     ": the log has no event at position ", expected));
  }
  result.next_position = expected;
  return result;
}

absl::StatusOr<ReadAllResult> StoreCore::ReadRange(uint64_t from,
                                                   size_t max_count,
                                                   const ReadAllFilter& filter,
                                                   size_t max_scan) const {
  ReadAllResult result;
  if (filter.empty() && head() >= from) {
    result.events.reserve(std::min<uint64_t>(max_count, head() - from + 1));
  }
  absl::StatusOr<ScanResult> scan =
      Scan(from, max_count, filter, max_scan,
           [&](uint64_t position, absl::string_view value) {
             if (!result.events.emplace_back().ParseFromArray(
                     value.data(), static_cast<int>(value.size()))) {
               return UnparsableEvent(position);
             }
             return absl::OkStatus();
           });
  if (!scan.ok()) return scan.status();
  result.next_position = scan->next_position;
  result.head_position = scan->head_position;
  return result;
}

absl::StatusOr<std::vector<v1::EventEnvelope>> StoreCore::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  return ReadStreamLocked(stream_id, from_version, max_count, direction);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> StoreCore::ReadStreamLocked(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  const uint64_t head_position = head();
  const std::string prefix = keys::StreamIndexPrefix(stream_id);
  std::string upper = prefix;
  upper.back() = '\x01';
  const rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower_slice;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));

  std::vector<uint64_t> versions;
  std::vector<std::string> event_keys;
  const std::string start =
      keys::StreamIndexKey(stream_id, std::max<uint64_t>(from_version, 1));
  if (direction == Direction::kForward) {
    it->Seek(start);
  } else {
    it->SeekForPrev(start);
  }
  for (; it->Valid() && event_keys.size() < max_count;
       direction == Direction::kForward ? it->Next() : it->Prev()) {
    absl::string_view id;
    uint64_t version = 0;
    if (!keys::ParseStreamIndexKey(ToView(it->key()), &id, &version) ||
        it->value().size() != 8) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_,
                       ": malformed index entry of stream ", stream_id));
    }
    const uint64_t position = keys::DecodeFixed64(it->value().data());
    // Not yet acknowledged (or never will be): invisible.
    if (position > head_position) {
      if (direction == Direction::kForward) break;
      continue;
    }
    versions.push_back(version);
    event_keys.push_back(keys::EventKey(position));
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), absl::StrCat("event store ", path_));
  }
  const size_t n = event_keys.size();
  std::vector<rocksdb::Slice> key_slices(event_keys.begin(), event_keys.end());
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n,
                key_slices.data(), values.data(), statuses.data(),
                /*sorted_input=*/false);
  std::vector<v1::EventEnvelope> events(n);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_, ": stream ", stream_id,
                       " version ", versions[i], " names a missing event"));
    }
    if (!statuses[i].ok()) {
      return FromRocks(statuses[i], absl::StrCat("event store ", path_));
    }
    if (!events[i].ParseFromArray(values[i].data(),
                                  static_cast<int>(values[i].size())) ||
        events[i].stream_id() != stream_id ||
        events[i].stream_version() != versions[i]) {
      return absl::DataLossError(absl::StrCat(
          "event store ", path_, ": stream ", stream_id, " version ",
          versions[i], " names an event that does not match"));
    }
  }
  return events;
}

absl::StatusOr<StreamInfo> StoreCore::GetStreamInfo(
    absl::string_view stream_id) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::StreamHeadKey(stream_id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("stream ", stream_id, " has no events"));
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("event store ", path_));
  keys::StreamHead head;
  if (!keys::DecodeStreamHead(value, &head)) {
    return absl::DataLossError(
        absl::StrCat("the stored head of stream ", stream_id, " is malformed"));
  }
  const uint64_t published = this->head();
  if (head.last_position > published) {
    // The stored head includes a batch that is written but not yet
    // acknowledged: report the stream as of the published head.
    if (head.first_position > published) {
      return absl::NotFoundError(
          absl::StrCat("stream ", stream_id, " has no events"));
    }
    absl::StatusOr<std::vector<v1::EventEnvelope>> last =
        ReadStreamLocked(stream_id, head.version, 1, Direction::kBackward);
    if (!last.ok()) return last.status();
    if (last->empty()) {
      return absl::DataLossError(absl::StrCat(
          "event store ", path_, ": stream ", stream_id,
          " has no acknowledged event though its first is at position ",
          head.first_position));
    }
    head.version = last->front().stream_version();
    head.last_position = last->front().global_position();
  }
  return StreamInfo{.stream_id = std::string(stream_id),
                    .version = head.version,
                    .first_position = head.first_position,
                    .last_position = head.last_position};
}

absl::StatusOr<std::optional<AppendResult>> StoreCore::LookupCommand(
    absl::string_view command_id, const keys::Hash& digest) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::CommandKey(command_id), &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return FromRocks(s, "reading an idempotency record");
  keys::CommandRecord record;
  if (!keys::DecodeCommandRecord(value, &record)) {
    return absl::DataLossError(
        absl::StrCat("the idempotency record of command id \"", command_id,
                     "\" is malformed"));
  }
  // Written but not yet acknowledged: unknown to readers. An append that
  // resubmits it is decided by the writer, which sees the record.
  if (record.last_position > head()) return std::optional<AppendResult>();
  if (record.digest != digest) return CommandReused(command_id);
  return std::optional<AppendResult>(FromRecord(record));
}

absl::StatusOr<uint64_t> StoreCore::GetCheckpoint(
    absl::string_view name) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::CheckpointKey(name), &value);
  if (s.IsNotFound()) return 0;
  if (!s.ok()) return FromRocks(s, "reading a checkpoint");
  if (value.size() != 8) {
    return absl::DataLossError(
        absl::StrCat("checkpoint \"", name, "\" is malformed"));
  }
  return keys::DecodeFixed64(value.data());
}

absl::Status StoreCore::PutCheckpoint(absl::string_view name,
                                      uint64_t position) {
  if (failed() || closed()) return failed() ? Health() : ClosedError();
  if (options_.read_only) return ReadOnlyError();
  // Small and not synced, like the read log: they may use half the disk
  // reserve, but not the rest.
  if (disk_.reserve_exhausted()) {
    if (absl::Status s = disk_.status(); !s.ok()) return s;
  }
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  keys::PutFixed64(&value, position);
  const std::string key = keys::CheckpointKey(name);
  // Counted like an append (with the record's overhead), so that many
  // checkpoints cannot spend the reserve unseen between two probes.
  disk_.Spend(key.size() + value.size() + 64);
  // Not synced: a checkpoint lost in a crash only means that its reader
  // processes a few events again, which it must tolerate anyway.
  const rocksdb::Status s = db_->Put(rocksdb::WriteOptions(), key, value);
  if (!s.ok()) return FromRocks(s, "writing a checkpoint");
  return absl::OkStatus();
}

absl::StatusOr<VerifyReport> StoreCore::Verify(uint64_t from,
                                               uint64_t to) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  // One snapshot, so appends that continue meanwhile do not interfere.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    ~Release() { db->ReleaseSnapshot(s); }
  } release{db_.get(), snapshot};
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  const std::string where = absl::StrCat("event store ", path_);

  std::string value;
  keys::ChainHead chain;
  rocksdb::Status s = db_->Get(read_options, keys::ChainKey(), &value);
  if (s.ok()) {
    if (!keys::DecodeChainHead(value, &chain)) {
      return VerifyReport{.ok = false,
                          .problem = "the chain head is malformed"};
    }
  } else if (!s.IsNotFound()) {
    return FromRocks(s, where);
  }
  const uint64_t last = chain.position;
  if (from == 0) from = 1;
  if (to == 0) to = last;
  if (to > last) {
    return absl::InvalidArgumentError(
        absl::StrCat("verify up to position ", to, ": the head is at ", last));
  }
  if (from > to && !(from == 1 && to == 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("verify from ", from, " to ", to, ": empty range"));
  }

  VerifyReport report;
  auto bad = [&report](uint64_t position, std::string problem) {
    report.ok = false;
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return report;
  };

  keys::Hash previous{};
  if (from > 1) {
    v1::EventEnvelope before;
    s = db_->Get(read_options, keys::EventKey(from - 1), &value);
    if (!s.ok() || !before.ParseFromString(value) ||
        before.hash().size() != keys::kHashSize) {
      return bad(from - 1, "the event before the range cannot be read");
    }
    std::memcpy(previous.data(), before.hash().data(), keys::kHashSize);
  }

  struct Seen {
    uint64_t version;
    uint64_t first_position;
    uint64_t last_position;
  };
  absl::flat_hash_map<std::string, Seen> streams;
  v1::EventEnvelope event;
  std::string scratch;
  std::string reserialized;
  std::string index_value;
  const std::string upper = keys::EventKey(to + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions scan_options = read_options;
  scan_options.iterate_upper_bound = &upper_slice;
  scan_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan_options));
  uint64_t expected = from;
  for (it->Seek(keys::EventKey(from)); it->Valid() && expected <= to;
       it->Next()) {
    uint64_t position = 0;
    if (!keys::ParseEventKey(ToView(it->key()), &position) ||
        position != expected) {
      return bad(expected, "event missing");
    }
    if (!event.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return bad(position, "the stored event does not parse");
    }
    if (event.global_position() != position) {
      return bad(position, absl::StrCat("the envelope names position ",
                                        event.global_position()));
    }
    if (event.previous_hash() != HashView(previous)) {
      return bad(position,
                 "chain link broken: previous_hash differs from the hash of "
                 "the event before");
    }
    const keys::Hash recomputed = EventHash(event, &scratch);
    if (event.hash() != HashView(recomputed)) {
      return bad(position, absl::StrCat("hash mismatch: recomputed ",
                                        HexHash(recomputed)));
    }
    // The hash covers the fields; this covers the bytes. Protobuf parsing
    // forgives some changes (an int32's excess varint bits, a repeated
    // singular field), and a stored byte must not change unnoticed either.
    reserialized.clear();
    event.AppendToString(&reserialized);
    if (reserialized != ToView(it->value())) {
      return bad(position,
                 "the stored bytes are not the envelope's own encoding "
                 "(changed without changing a field)");
    }
    std::memcpy(previous.data(), event.hash().data(), keys::kHashSize);

    s = db_->Get(
        read_options,
        keys::StreamIndexKey(event.stream_id(), event.stream_version()),
        &index_value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
    if (s.IsNotFound() || index_value.size() != 8 ||
        keys::DecodeFixed64(index_value.data()) != position) {
      return bad(
          position,
          absl::StrCat("stream index entry of ", event.stream_id(), " version ",
                       event.stream_version(), " missing or wrong"));
    }
    auto [seen, inserted] = streams.try_emplace(
        event.stream_id(), Seen{event.stream_version(), position, position});
    if (inserted) {
      if (from == 1 && event.stream_version() != 1) {
        return bad(position,
                   absl::StrCat("stream ", event.stream_id(),
                                " starts at version ", event.stream_version()));
      }
    } else {
      if (event.stream_version() != seen->second.version + 1) {
        return bad(position,
                   absl::StrCat("stream ", event.stream_id(), " version ",
                                event.stream_version(), " follows version ",
                                seen->second.version));
      }
      seen->second.version = event.stream_version();
      seen->second.last_position = position;
    }
    ++report.events_checked;
    ++expected;
  }
  if (it->status().IsCorruption()) {
    // A damaged table block: find how far it reaches by reading on, one
    // event at a time, and whose streams it holds from the stream index
    // (kept in other blocks).
    uint64_t last_bad = expected;
    while (last_bad < to) {
      rocksdb::Status probe =
          db_->Get(read_options, keys::EventKey(last_bad + 1), &value);
      if (probe.ok() || probe.IsNotFound()) break;
      ++last_bad;
    }
    std::vector<std::string> affected;
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *db_, keys::Space::kStreamIndex, scan_options);
    for (; ix->Valid(); ix->Next()) {
      if (ix->value().size() != 8) continue;
      const uint64_t position = keys::DecodeFixed64(ix->value().data());
      absl::string_view id;
      uint64_t version = 0;
      if (position < expected || position > last_bad ||
          !keys::ParseStreamIndexKey(ToView(ix->key()), &id, &version)) {
        continue;
      }
      if (std::find(affected.begin(), affected.end(), id) == affected.end()) {
        affected.emplace_back(id);
      }
    }
    const std::string streams_text =
        !ix->status().ok() ? "unknown: the stream index is unreadable too"
                           : absl::StrJoin(affected, ", ");
    return bad(expected, absl::StrCat("positions ", expected, "..", last_bad,
                                      " cannot be read (streams ", streams_text,
                                      "): ", it->status().ToString()));
  }
  if (!it->status().ok()) return FromRocks(it->status(), where);
  if (expected <= to) return bad(expected, "event missing");

  // Index entries whose position lies in the range: each event above has
  // its own, so any more are strays.
  uint64_t index_entries = 0;
  uint64_t stray_position = 0;
  {
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *db_, keys::Space::kStreamIndex, scan_options);
    for (; ix->Valid(); ix->Next()) {
      if (ix->value().size() != 8) {
        return bad(0, absl::StrCat("malformed stream index entry under ",
                                   ToView(ix->key()).substr(1)));
      }
      const uint64_t position = keys::DecodeFixed64(ix->value().data());
      if (position > last) {
        return bad(position, "stream index entry beyond the chain head");
      }
      if (position < from || position > to) continue;
      ++index_entries;
      absl::string_view id;
      uint64_t version = 0;
      if (!keys::ParseStreamIndexKey(ToView(ix->key()), &id, &version)) {
        if (stray_position == 0 || position < stray_position) {
          stray_position = position;
        }
        continue;
      }
      auto found = streams.find(id);
      if (found == streams.end() || version > found->second.version) {
        if (stray_position == 0 || position < stray_position) {
          stray_position = position;
        }
      }
    }
    if (!ix->status().ok()) return FromRocks(ix->status(), where);
  }
  if (index_entries != report.events_checked) {
    return bad(stray_position,
               absl::StrCat("the stream index has ", index_entries,
                            " entries in the range for ", report.events_checked,
                            " events"));
  }

  if (to == last) {
    if (last > 0 && chain.hash != previous) {
      return bad(last, "the chain head's hash differs from the last event's");
    }
    // Nothing may follow the chain head.
    rocksdb::ReadOptions tail_options = read_options;
    const std::string events_end = keys::EventKeyUpperBound();
    const rocksdb::Slice events_end_slice(events_end);
    tail_options.iterate_upper_bound = &events_end_slice;
    std::unique_ptr<rocksdb::Iterator> tail(db_->NewIterator(tail_options));
    tail->Seek(keys::EventKey(last + 1));
    if (tail->Valid()) {
      uint64_t position = 0;
      keys::ParseEventKey(ToView(tail->key()), &position);
      return bad(position, "an event follows the chain head");
    }
    if (!tail->status().ok()) return FromRocks(tail->status(), where);

    // Every stream seen ends where its head says.
    uint64_t bad_head = 0;
    std::string bad_stream;
    for (const auto& [id, seen] : streams) {
      keys::StreamHead head;
      s = db_->Get(read_options, keys::StreamHeadKey(id), &value);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
      const bool matches =
          s.ok() && keys::DecodeStreamHead(value, &head) &&
          head.version == seen.version &&
          head.last_position == seen.last_position &&
          (from > 1 || head.first_position == seen.first_position);
      if (!matches && (bad_head == 0 || seen.last_position < bad_head)) {
        bad_head = seen.last_position;
        bad_stream = id;
      }
    }
    if (bad_head != 0) {
      return bad(bad_head, absl::StrCat("the stream head of ", bad_stream,
                                        " does not match its last event"));
    }
    if (from == 1) {
      // No head without events.
      std::unique_ptr<rocksdb::Iterator> hx = internal::NewSpaceIterator(
          *db_, keys::Space::kStreamHead, scan_options);
      for (; hx->Valid(); hx->Next()) {
        const absl::string_view id = ToView(hx->key()).substr(1);
        if (!streams.contains(id)) {
          return bad(0,
                     absl::StrCat("stream ", id, " has a head but no events"));
        }
      }
      if (!hx->status().ok()) return FromRocks(hx->status(), where);
      // Every block of every table, also those of no event (idempotency
      // records, checkpoints), must pass its checksum.
      s = db_->VerifyChecksum(read_options);
      if (s.IsCorruption()) {
        return bad(0, absl::StrCat("a table fails its checksum outside the "
                                   "log's events: ",
                                   s.ToString()));
      }
      if (!s.ok()) return FromRocks(s, where);
    }
  }
  return report;
}

absl::Status StoreCore::CreateBackup(absl::string_view backup_dir) {
  MutexLock backup_lock(&backup_mu_);
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  const std::string what = absl::StrCat("backup into ", backup_dir);
  // Backups hold case contents like the store itself: nobody else reads.
  if (absl::Status s =
          CreatePrivateDirectory(std::string(backup_dir), "backup directory");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckBackupSpace(std::string(backup_dir)); !s.ok()) {
    return s;
  }
  rocksdb::BackupEngine* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngine::Open(
      db_->GetEnv(), rocksdb::BackupEngineOptions(std::string(backup_dir)),
      &raw);
  if (!s.ok()) return FromRocks(s, what);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  // The WAL is copied with the tables, so acknowledged appends that are
  // still only in the memtable are in the backup without a flush.
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  s = engine->CreateNewBackup(create, db_.get(), &id);
  if (!s.ok()) return FromRocks(s, what);
  s = engine->VerifyBackup(id, /*verify_with_checksum=*/true);
  return FromRocks(s, what);
}

absl::Status StoreCore::CheckBackupSpace(const std::string& backup_dir) {
  const absl::StatusOr<DiskSpace> space =
      options_.backup_disk_space_probe
          ? options_.backup_disk_space_probe(backup_dir)
          : ProbeDiskSpace(backup_dir);
  // A file system that cannot say how full it is is left to the copy.
  if (!space.ok()) return absl::OkStatus();
  // What a backup copies: the live tables, the write-ahead log and the
  // small files, as the backup engine will list them (without a flush).
  // Tables a previous backup in the directory holds already are not
  // copied again, so this is the most a backup takes.
  rocksdb::LiveFilesStorageInfoOptions list;
  list.wal_size_for_flush = std::numeric_limits<uint64_t>::max();
  std::vector<rocksdb::LiveFileStorageInfo> files;
  if (const rocksdb::Status s = db_->GetLiveFilesStorageInfo(list, &files);
      !s.ok()) {
    return FromRocks(
        s, absl::StrCat("listing the files to back up into ", backup_dir));
  }
  uint64_t live = 0;
  for (const rocksdb::LiveFileStorageInfo& file : files) {
    live += file.size;
  }
  // On the data directory's file system the backup may not take the
  // reserve: RocksDB would meet the full disk, not the backup.
  uint64_t reserve = 0;
  struct stat target {};
  struct stat data {};
  if (stat(backup_dir.c_str(), &target) == 0 &&
      stat(path_.c_str(), &data) == 0 && target.st_dev == data.st_dev) {
    reserve = disk_.reserve().BytesOf(space->total_bytes);
  }
  if (space->available_bytes >= live &&
      space->available_bytes - live >= reserve) {
    return absl::OkStatus();
  }
  std::string needed =
      absl::StrCat("the store's live size of ", FormatMiB(live));
  if (reserve > 0) {
    absl::StrAppend(&needed, " plus the disk reserve of ", FormatMiB(reserve),
                    " (it is the data directory's file system)");
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "backup directory ", backup_dir, ": ", FormatMiB(space->available_bytes),
      " free, less than ", needed,
      "; free space there or back up to another file system"));
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

}  // namespace internal

// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------

Subscription::Subscription(std::shared_ptr<internal::StoreCore> core,
                           uint64_t next_position, ReadAllFilter filter)
    : core_(std::move(core)),
      state_(std::make_shared<internal::SubscriptionState>()),
      next_position_(next_position),
      filter_(std::move(filter)) {}

Subscription::~Subscription() { Cancel(); }

void Subscription::Cancel() { core_->Unregister(state_); }

bool Subscription::caught_up() const { return next_position_ > core_->head(); }

absl::StatusOr<std::vector<v1::EventEnvelope>> Subscription::ReadAvailable(
    size_t max_count) {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  if (core_->closed()) return core_->ClosedError();
  if (next_position_ > core_->head()) {
    if (core_->failed()) return core_->Health();
    return std::vector<v1::EventEnvelope>();
  }
  absl::StatusOr<ReadAllResult> read = core_->Noticed(
      core_->ReadRange(next_position_, max_count, filter_, kMaxScanPerPoll));
  if (!read.ok()) return read.status();
  next_position_ = read->next_position;
  return std::move(read->events);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> Subscription::Next(
    size_t max_count, absl::Time deadline) {
  while (true) {
    absl::StatusOr<std::vector<v1::EventEnvelope>> events =
        ReadAvailable(max_count);
    if (!events.ok() || !events->empty()) return events;
    if (next_position_ <= core_->head()) continue;  // skipped, not caught up
    if (absl::Now() >= deadline) return events;
    core_->WaitForHead(next_position_, deadline);
  }
}

bool Subscription::NotifyWhenAvailable(std::function<void()> callback) {
  return core_->Register(state_, next_position_, std::move(callback));
}

// ---------------------------------------------------------------------------

namespace {

// What OpenAndCheck() found in the store.
struct StoreState {
  keys::ChainHead chain;
  RecoveryReport recovery;
};

// The name of the MANIFEST that CURRENT names; "the MANIFEST" if unknown.
std::string CurrentManifest(const fs::path& dir) {
  std::ifstream in(dir / "CURRENT");
  std::string name;
  if (!std::getline(in, name) || name.empty()) return "the MANIFEST";
  return name;
}

// Whether every event in the table `path` (one the MANIFEST does not list)
// is also in `db`, byte for byte. A crash in the middle of a flush or a
// compaction leaves such a table behind, holding nothing that is not also
// in the log or in the tables it was compacted from; a MANIFEST that lost
// track of a table does not. A table that cannot be read at all was still
// being written: RocksDB never used it.
absl::Status CheckUnlistedTable(const rocksdb::Options& options,
                                rocksdb::DB& db, const fs::path& path,
                                const std::string& where,
                                const std::string& manifest) {
  rocksdb::SstFileReader reader(options);
  if (!reader.Open(path.string()).ok()) return absl::OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(
      reader.NewIterator(rocksdb::ReadOptions()));
  std::string value;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t position = 0;
    if (!keys::ParseEventKey(ToView(it->key()), &position)) continue;
    rocksdb::Status rs = db.Get(rocksdb::ReadOptions(), it->key(), &value);
    if (rs.ok() && value == it->value().ToString()) continue;
    if (!rs.ok() && !rs.IsNotFound()) return FromRocks(rs, where);
    return absl::DataLossError(absl::StrCat(
        where, ": ", manifest, " does not list ", path.filename().string(),
        ", which holds position ", position,
        " that the store does not otherwise hold: the MANIFEST has lost "
        "track of data (damaged or cut?). The store refuses to open and "
        "changed nothing: restore the latest backup, or salvage the intact "
        "part deliberately (see the operations guide)"));
  }
  return absl::OkStatus();
}

// Every table in the directory must be one the MANIFEST lists, or hold
// nothing the store would miss: a read-write open deletes the others,
// with whatever they hold (see CheckUnlistedTable()).
absl::Status CheckFilesKnown(const rocksdb::Options& options, rocksdb::DB& db,
                             const fs::path& dir, const std::string& where) {
  std::vector<rocksdb::LiveFileMetaData> live;
  db.GetLiveFilesMetaData(&live);
  std::set<std::string> tables;
  for (const rocksdb::LiveFileMetaData& f : live) {
    tables.insert(fs::path(f.name).filename().string());
  }
  std::vector<fs::path> unlisted;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (absl::EndsWith(name, ".sst") && tables.count(name) == 0) {
      unlisted.push_back(entry.path());
    }
  }
  if (ec) {
    return absl::PermissionDeniedError(
        absl::StrCat(where, " cannot be listed: ", ec.message()));
  }
  std::sort(unlisted.begin(), unlisted.end());
  for (const fs::path& table : unlisted) {
    if (absl::Status s =
            CheckUnlistedTable(options, db, table, where, CurrentManifest(dir));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Opens the database (read-only: replaying the log into memory and
// changing no file) and checks what it recovered against the store's own
// records: the format, the chain head, the clean-stop record, the witness
// and, read-only, that no table the MANIFEST does not list holds events
// the store would lose. Only a read-write open of a fresh or format-less
// store writes (the format).
absl::Status OpenAndCheck(const rocksdb::Options& base, const fs::path& dir,
                          const std::string& where, bool read_only, bool fresh,
                          WalTracker* tracker,
                          std::unique_ptr<rocksdb::DB>* out,
                          StoreState* state) {
  rocksdb::Options db_options = base;
  db_options.wal_filter = tracker;
  std::shared_ptr<rocksdb::Logger> rocks_log;
  if (!read_only) {
    // RocksDB's own LOG, seen on its way for the lines that name damage.
    rocksdb::CreateLoggerFromOptions(dir.string(), db_options, &rocks_log)
        .PermitUncheckedError();
  }
  auto logger = std::make_shared<RecoveryLogger>(std::move(rocks_log));
  db_options.info_log = logger;

  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir.string(), &raw)
                : rocksdb::DB::Open(db_options, dir.string(), &raw);
  if (rs.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(
        where, ": ", DescribeOpenCorruption(rs.ToString(), *logger, *tracker)));
  }
  if (rs.IsPathNotFound()) {
    // A file that CURRENT or the MANIFEST names is gone.
    return absl::DataLossError(absl::StrCat(
        where,
        ": a file the store's records name is missing: ", rs.ToString()));
  }
  if (!rs.ok()) return FromRocks(rs, where);
  std::unique_ptr<rocksdb::DB> db(raw);

  if (read_only) {
    if (absl::Status s = CheckFilesKnown(db_options, *db, dir, where);
        !s.ok()) {
      return s;
    }
  }

  std::string value;
  rs = db->Get(rocksdb::ReadOptions(), keys::FormatKey(), &value);
  if (rs.IsNotFound()) {
    if (!fresh) {
      // Without a single key it is a creation interrupted before the
      // format was written (nothing to lose); with any, someone else's.
      std::unique_ptr<rocksdb::Iterator> it(
          db->NewIterator(rocksdb::ReadOptions()));
      it->SeekToFirst();
      if (it->Valid() || !it->status().ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat(where,
                         " holds a RocksDB database without the atgard "
                         "format record: not an atgard store, or one whose "
                         "files are damaged"));
      }
    }
    if (!read_only) {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      rs = db->Put(sync, keys::FormatKey(), keys::kFormatValue);
      if (!rs.ok()) return FromRocks(rs, where);
    }
  } else if (!rs.ok()) {
    return FromRocks(rs, where);
  } else if (value != keys::kFormatValue) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, " holds store format \"", value,
                     "\"; this server reads \"", keys::kFormatValue, "\""));
  }

  // The chain head names the last acknowledged position; the log must end
  // exactly there.
  keys::ChainHead chain;
  rs = db->Get(rocksdb::ReadOptions(), keys::ChainKey(), &value);
  if (rs.ok()) {
    if (!keys::DecodeChainHead(value, &chain)) {
      return absl::DataLossError(
          absl::StrCat(where, ": the hash-chain head is malformed"));
    }
  } else if (!rs.IsNotFound()) {
    return FromRocks(rs, where);
  }
  {
    const std::string upper = keys::EventKeyUpperBound();
    const std::string lower(1, static_cast<char>(keys::Space::kEvent));
    const rocksdb::Slice upper_slice(upper), lower_slice(lower);
    rocksdb::ReadOptions ro;
    ro.iterate_lower_bound = &lower_slice;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
    it->SeekToLast();
    uint64_t last = 0;
    if (it->Valid() && !keys::ParseEventKey(ToView(it->key()), &last)) {
      return absl::DataLossError(
          absl::StrCat(where, ": malformed key in the event log"));
    }
    if (!it->status().ok()) return FromRocks(it->status(), where);
    if (last != chain.position) {
      return absl::DataLossError(absl::StrCat(
          where, ": the log ends at position ", last,
          " but its hash-chain head names position ", chain.position));
    }
  }

  // The log must reach the head recorded at the last clean stop and the
  // one the witness saw acknowledged (recovery.h): a log cut short or
  // deleted looks like a shorter log to RocksDB.
  RecoveryReport recovery{.head_position = chain.position};
  keys::ChainHead stopped;
  rs = db->Get(rocksdb::ReadOptions(), keys::StopKey(), &value);
  if (rs.ok()) {
    if (!keys::DecodeChainHead(value, &stopped)) {
      return absl::DataLossError(
          absl::StrCat(where, ": the clean-stop record is malformed"));
    }
  } else if (!rs.IsNotFound()) {
    return FromRocks(rs, where);
  }
  absl::StatusOr<std::optional<keys::ChainHead>> witnessed =
      HeadWitness::Read(dir.string(), &recovery.witness_zeroed);
  if (!witnessed.ok()) return witnessed.status();
  const std::pair<const char*, std::optional<keys::ChainHead>> claims[] = {
      {"the last clean stop",
       rs.ok() ? std::optional<keys::ChainHead>(stopped) : std::nullopt},
      {"the last synced commit", *witnessed}};
  for (const auto& [when, claim] : claims) {
    if (!claim.has_value() || claim->position == 0) continue;
    if (claim->position > chain.position) {
      return absl::DataLossError(absl::StrCat(
          where, ": position ", claim->position, " was acknowledged (", when,
          ") but the log recovered from disk ends at position ", chain.position,
          "; positions ", chain.position + 1, "..", claim->position,
          " are missing. The store refuses to open: restore the latest "
          "backup, or salvage the intact part deliberately (see the "
          "operations guide)"));
    }
    v1::EventEnvelope event;
    rs = db->Get(rocksdb::ReadOptions(), keys::EventKey(claim->position),
                 &value);
    if (!rs.ok() && !rs.IsNotFound()) return FromRocks(rs, where);
    if (!rs.ok() || !event.ParseFromString(value) ||
        event.hash() != HashView(claim->hash)) {
      return absl::DataLossError(
          absl::StrCat(where, ": the event at position ", claim->position,
                       " is not the one acknowledged (", when, ")"));
    }
  }
  rs = db->Get(rocksdb::ReadOptions(), keys::RunningKey(), &value);
  if (!rs.ok() && !rs.IsNotFound()) return FromRocks(rs, where);
  recovery.clean_stop = claims[0].second.has_value() &&
                        claims[0].second->position == chain.position &&
                        rs.IsNotFound();
  recovery.torn_tail_bytes = TornTailBytes(*tracker);
  if (recovery.torn_tail_bytes > 0) {
    recovery.torn_tail_file = fs::path(tracker->last_file()).filename();
  }
  state->chain = chain;
  state->recovery = std::move(recovery);
  *out = std::move(db);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(
    const Options& options_in) {
  Options options = options_in;
  if (!options.clock) options.clock = [] { return absl::Now(); };
  if (options.command_id_retention <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("command_id_retention must be positive");
  }
  if (options.max_events_per_append == 0 || options.max_batch_appends == 0 ||
      options.max_stream_id_bytes == 0 || options.max_command_id_bytes == 0) {
    return absl::InvalidArgumentError("event store limits must be positive");
  }

  if (options.read_only) options.create_if_missing = false;
  const fs::path dir(options.path);
  const std::string where = absl::StrCat("data directory ", dir.string());
  bool fresh = false;
  if (absl::Status s = CheckDirectory(dir, options.create_if_missing,
                                      !options.read_only, &fresh);
      !s.ok()) {
    return s;
  }

  auto filter = std::make_unique<CommandRetentionFilter>(
      options.clock, options.command_id_retention);
  rocksdb::Options db_options;
  db_options.create_if_missing = fresh;
  if (options.env != nullptr) db_options.env = options.env;
  db_options.compaction_filter = filter.get();
  db_options.max_background_jobs = 2;
  db_options.level_compaction_dynamic_level_bytes = true;
  db_options.write_buffer_size = 64 << 20;
  db_options.memtable_insert_with_hint_prefix_extractor =
      std::make_shared<InsertHintPrefix>();
  // One writer thread inserts into the memtable (checkpoints aside), and
  // insertion hints work only for writes that are not concurrent.
  db_options.allow_concurrent_memtable_write = false;
  // Idempotency and stream-head lookups are point reads that mostly miss
  // (a new command id, a new stream): bloom filters answer those cheaply,
  // in the memtable and in the tables.
  db_options.memtable_prefix_bloom_size_ratio = 0.02;
  db_options.memtable_whole_key_filtering = true;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  ConfigureForDiskReserve(options, &db_options);
  // A torn tail (an incomplete last record: a write cut off by a crash) is
  // dropped; a record that fails its checksum fails the open. The default,
  // kPointInTimeRecovery, would drop everything from the damage on and
  // open as if the log were shorter (see eventstore/recovery.h).
  db_options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;

  // Two phases. A read-write open of RocksDB changes the directory before
  // any of the checks below can run: it flushes the replayed log into a
  // new table, deletes the log, the old MANIFEST and every table the
  // MANIFEST does not list, and writes a new MANIFEST, OPTIONS and LOG.
  // So an existing store is first opened read-only (the log is replayed
  // into memory, no file is written or deleted) and checked; only a store
  // that passes every check is reopened read-write. A refused open leaves
  // every file as it was. A fresh directory holds nothing to protect.
  std::unique_ptr<WalTracker> tracker;
  std::unique_ptr<rocksdb::DB> db;
  StoreState state;
  if (!fresh) {
    tracker = std::make_unique<WalTracker>();
    absl::Status s = OpenAndCheck(db_options, dir, where, /*read_only=*/true,
                                  /*fresh=*/false, tracker.get(), &db, &state);
    if (!s.ok()) return s;
  }
  RecoveryReport recovery = state.recovery;
  if (!options.read_only) {
    // The read-only handle (and its tracker) goes before the read-write
    // open replays the same log again with a tracker of its own.
    db.reset();
    tracker = std::make_unique<WalTracker>();
    absl::Status s = OpenAndCheck(db_options, dir, where, /*read_only=*/false,
                                  fresh, tracker.get(), &db, &state);
    if (!s.ok()) return s;
    // The first phase saw the log before the read-write open flushed it.
    if (fresh) recovery = state.recovery;
  }
  const keys::ChainHead chain = state.chain;

  if (!options.read_only) {
    // From now on a crash must not pass for a clean stop (keys.h).
    rocksdb::WriteOptions sync;
    sync.sync = true;
    if (rocksdb::Status rs = db->Put(sync, keys::RunningKey(), ""); !rs.ok()) {
      return FromRocks(rs, where);
    }
  }

  std::unique_ptr<HeadWitness> witness;
  if (!options.read_only) {
    absl::StatusOr<std::unique_ptr<HeadWitness>> opened =
        HeadWitness::Open(dir.string());
    if (!opened.ok()) return opened.status();
    witness = std::move(*opened);
    witness->Record(chain);
  }

  auto core = std::make_shared<internal::StoreCore>(
      std::move(options), dir.string(), std::move(db), std::move(filter),
      std::move(tracker), chain, std::move(witness), std::move(recovery));
  return std::unique_ptr<EventStore>(new EventStore(std::move(core)));
}

EventStore::EventStore(std::shared_ptr<internal::StoreCore> core)
    : core_(std::move(core)) {}

EventStore::~EventStore() { core_->Close(); }

const std::string& EventStore::path() const { return core_->path(); }

const RecoveryReport& EventStore::Recovery() const { return core_->recovery(); }

namespace {

// Checks an append's arguments against the store's limits; sets *bytes to
// the size the writer accounts for.
absl::Status CheckAppend(const Options& o, absl::string_view stream_id,
                         absl::Span<const NewEvent> events,
                         absl::string_view command_id,
                         const v1::EventMetadata& metadata, size_t* bytes) {
  if (stream_id.empty()) {
    return absl::InvalidArgumentError("stream_id is empty");
  }
  if (stream_id.size() > o.max_stream_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "stream_id is longer than ", o.max_stream_id_bytes, " bytes"));
  }
  if (stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("stream_id contains a NUL byte");
  }
  if (command_id.size() > o.max_command_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "command_id is longer than ", o.max_command_id_bytes, " bytes"));
  }
  if (!metadata.command_id().empty() && metadata.command_id() != command_id) {
    return absl::InvalidArgumentError(
        "metadata.command_id differs from command_id");
  }
  if (metadata.ByteSizeLong() > o.max_metadata_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "metadata is larger than ", o.max_metadata_bytes, " bytes"));
  }
  if (events.empty()) {
    return absl::InvalidArgumentError("events is empty: nothing to append");
  }
  if (events.size() > o.max_events_per_append) {
    return absl::InvalidArgumentError(
        absl::StrCat("events has ", events.size(), " events; at most ",
                     o.max_events_per_append, " per append"));
  }
  size_t total = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const NewEvent& e = events[i];
    if (e.event_type.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].event_type is empty"));
    }
    if (e.event_type.size() > o.max_stream_id_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].event_type is longer than ",
                       o.max_stream_id_bytes, " bytes"));
    }
    if (e.payload.size() > o.max_payload_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].payload is larger than ",
                       o.max_payload_bytes, " bytes"));
    }
    total += e.payload.size() + e.event_type.size();
  }
  if (total > o.max_append_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("events total ", total, " bytes; at most ",
                     o.max_append_bytes, " per append"));
  }
  *bytes = total + stream_id.size() * events.size();
  return absl::OkStatus();
}

// The digest an idempotency record keeps: of the caller's own request
// digest when it gives one, else of the append's content.
keys::Hash RecordDigest(absl::string_view stream_id,
                        const ExpectedVersion& expected,
                        absl::Span<const NewEvent> events,
                        const v1::EventMetadata& metadata,
                        absl::string_view request_digest) {
  if (!request_digest.empty()) {
    return Sha256(absl::StrCat("atgard.request-digest",
                               absl::string_view("\0", 1), request_digest));
  }
  return CommandDigest(stream_id, expected, events, metadata);
}

}  // namespace

absl::StatusOr<AppendResult> EventStore::Append(
    absl::string_view stream_id, const ExpectedVersion& expected,
    absl::Span<const NewEvent> events, absl::string_view command_id,
    const v1::EventMetadata& metadata) {
  internal::AppendRequest req;
  if (absl::Status s = CheckAppend(core_->options(), stream_id, events,
                                   command_id, metadata, &req.bytes);
      !s.ok()) {
    return s;
  }
  req.stream_id = stream_id;
  req.expected = expected;
  req.events = events;
  req.command_id = command_id;
  req.metadata = &metadata;
  if (!command_id.empty()) {
    req.digest = RecordDigest(stream_id, expected, events, metadata, "");
  }
  core_->Submit(&req);
  if (!req.status.ok()) return req.status;
  return req.result;
}

absl::StatusOr<AppendResult> EventStore::Append(AppendRequest request) {
  internal::AppendRequest req;
  if (absl::Status s =
          CheckAppend(core_->options(), request.stream_id, request.events,
                      request.command_id, request.metadata, &req.bytes);
      !s.ok()) {
    return s;
  }
  req.stream_id = request.stream_id;
  req.expected = request.expected;
  req.events = request.events;
  req.command_id = request.command_id;
  req.metadata = &request.metadata;
  req.may_use_reserve = request.may_use_reserve;
  if (!request.command_id.empty()) {
    req.digest =
        RecordDigest(request.stream_id, request.expected, request.events,
                     request.metadata, request.request_digest);
  }
  core_->Submit(&req);
  if (!req.status.ok()) return req.status;
  return req.result;
}

void EventStore::AppendAsync(
    AppendRequest request,
    std::function<void(absl::StatusOr<AppendResult>)> done) {
  auto req = std::make_unique<internal::AppendRequest>();
  if (absl::Status s =
          CheckAppend(core_->options(), request.stream_id, request.events,
                      request.command_id, request.metadata, &req->bytes);
      !s.ok()) {
    done(s);
    return;
  }
  req->owned = std::make_unique<AppendRequest>(std::move(request));
  const AppendRequest& owned = *req->owned;
  req->stream_id = owned.stream_id;
  req->expected = owned.expected;
  req->events = owned.events;
  req->command_id = owned.command_id;
  req->metadata = &owned.metadata;
  req->may_use_reserve = owned.may_use_reserve;
  if (!owned.command_id.empty()) {
    req->digest = RecordDigest(owned.stream_id, owned.expected, owned.events,
                               owned.metadata, owned.request_digest);
  }
  req->callback = std::move(done);
  // From here the request frees itself when it is answered.
  core_->SubmitAsync(req.release());
}

absl::StatusOr<std::optional<AppendResult>> EventStore::LookupCommand(
    absl::string_view command_id, absl::string_view request_digest) const {
  if (command_id.empty() || request_digest.empty()) {
    return absl::InvalidArgumentError(
        "command_id and request_digest must not be empty");
  }
  return core_->LookupCommand(
      command_id,
      RecordDigest("", ExpectedVersion::Any(), {}, {}, request_digest));
}

absl::StatusOr<uint64_t> EventStore::GetCheckpoint(
    absl::string_view name) const {
  if (name.empty())
    return absl::InvalidArgumentError("checkpoint name is empty");
  return core_->GetCheckpoint(name);
}

absl::Status EventStore::PutCheckpoint(absl::string_view name,
                                       uint64_t position) {
  if (name.empty())
    return absl::InvalidArgumentError("checkpoint name is empty");
  return core_->PutCheckpoint(name, position);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> EventStore::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  if (stream_id.empty() || stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "stream_id must be non-empty and contain no NUL byte");
  }
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  return core_->Noticed(
      core_->ReadStream(stream_id, from_version, max_count, direction));
}

absl::StatusOr<ReadAllResult> EventStore::ReadAll(
    uint64_t from_position, size_t max_count,
    const ReadAllFilter& filter) const {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  return core_->Noticed(core_->ReadRange(from_position, max_count, filter,
                                         std::numeric_limits<size_t>::max()));
}

absl::StatusOr<ScanResult> EventStore::ScanAll(
    uint64_t from_position, size_t max_count, const ReadAllFilter& filter,
    absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  // One envelope, parsed into again and again: its fields keep their
  // buffers, so a long scan allocates next to nothing.
  v1::EventEnvelope event;
  return core_->Noticed(core_->Scan(
      from_position, max_count, filter, std::numeric_limits<size_t>::max(),
      [&](uint64_t position, absl::string_view value) {
        if (!event.ParseFromArray(value.data(),
                                  static_cast<int>(value.size()))) {
          return core_->UnparsableEvent(position);
        }
        return visit(event) ? absl::OkStatus() : absl::CancelledError();
      }));
}

absl::StatusOr<std::unique_ptr<Subscription>> EventStore::Subscribe(
    const SubscriptionStart& start, ReadAllFilter filter) {
  if (core_->closed()) return core_->ClosedError();
  const uint64_t from = start.is_now() ? core_->head() + 1 : start.position();
  return std::unique_ptr<Subscription>(
      new Subscription(core_, from, std::move(filter)));
}

uint64_t EventStore::HeadPosition() const { return core_->head(); }

absl::StatusOr<StreamInfo> EventStore::GetStreamInfo(
    absl::string_view stream_id) const {
  if (stream_id.empty() || stream_id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        "stream_id must be non-empty and contain no NUL byte");
  }
  return core_->Noticed(core_->GetStreamInfo(stream_id));
}

absl::Status EventStore::Health() const { return core_->Health(); }

absl::Status EventStore::DiskReserveStatus() const {
  return core_->DiskReserveStatus();
}

void EventStore::OnFailure(std::function<void(const absl::Status&)> callback) {
  core_->OnFailure(std::move(callback));
}

absl::StatusOr<VerifyReport> EventStore::Verify(uint64_t from,
                                                uint64_t to) const {
  return core_->Verify(from, to);
}

absl::Status EventStore::CreateBackup(absl::string_view backup_dir) {
  return core_->CreateBackup(backup_dir);
}

absl::Status EventStore::RestoreBackup(absl::string_view backup_dir,
                                       absl::string_view target_dir) {
  const fs::path target{std::string(target_dir)};
  std::error_code ec;
  if (fs::exists(target, ec) && !fs::is_empty(target, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "restore target ", target_dir, " is not empty; refusing to overwrite"));
  }
  if (!fs::exists(fs::path(std::string(backup_dir)), ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " does not exist"));
  }
  // BackupEngine keeps one file per backup under meta/.
  if (!fs::exists(fs::path(std::string(backup_dir)) / "meta", ec) ||
      fs::is_empty(fs::path(std::string(backup_dir)) / "meta", ec)) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " holds no backup"));
  }
  if (absl::Status s =
          CreatePrivateDirectory(target.string(), "restore target");
      !s.ok()) {
    return s;
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::IOStatus s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::Env::Default(),
      rocksdb::BackupEngineOptions(std::string(backup_dir)), &raw);
  if (!s.ok()) {
    return FromRocks(s, absl::StrCat("opening backups in ", backup_dir));
  }
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " holds no backup"));
  }
  const std::string target_string = target.string();
  s = engine->RestoreDBFromLatestBackup(target_string, target_string);
  return FromRocks(
      s, absl::StrCat("restoring ", backup_dir, " into ", target_dir));
}

absl::Status EventStore::CompactAll() { return core_->CompactAll(); }

}  // namespace atgard::eventstore
