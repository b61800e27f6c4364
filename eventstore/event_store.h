// The event store: atgard's durable, tamper-evident, append-only log of
// events on RocksDB.
//
// It knows streams, events and metadata, nothing of the workflow that writes
// them. Every event has a global position (gap-free, strictly increasing
// from 1) and a version within its stream (from 1). Events are never changed
// or deleted; each carries a SHA-256 hash chained to the event before it, so
// that Verify() can prove the log unaltered.
//
// Writes are durable before they are acknowledged: Append() returns only
// after the write-ahead log holding the events is synced to disk. Concurrent
// appends share one sync (group commit); while a group gathers, the appends
// that have arrived are already written, unsynced, and stay invisible to
// every reader until the sync that ends the group. Each write holds whole
// appends with their stream heads and the chain head, so a crash at any
// point leaves a consistent log that holds every acknowledged append (and
// perhaps some that were never acknowledged). After a failed write or sync
// the store refuses every later write until it is reopened.
//
// Thread safety: an EventStore may be used from any number of threads
// without external synchronisation. A Subscription is used by one thread at
// a time (see there). The store must outlive every call into it; a
// Subscription may outlive the store and then reports that it is closed.
//
// The key layout is documented in eventstore/keys.h, the hashed encodings in
// eventstore/canonical.h.
#ifndef ATGARD_EVENTSTORE_EVENT_STORE_H_
#define ATGARD_EVENTSTORE_EVENT_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "eventstore/disk_reserve.h"
#include "eventstore/types.h"
// Callers read events as the stored envelope, so its type is part of the
// interface (and the header is light: messages only, no services).
#include "atgard/v1/event_envelope.pb.h"

namespace rocksdb {
class Env;
}

namespace atgard::eventstore {

namespace internal {
class StoreCore;
struct SubscriptionState;
}  // namespace internal

struct Options {
  // Directory of the store. Created (with its parents; the directory itself
  // with mode 0700, whatever the umask) if it does not exist.
  std::string path;

  // If false, a missing or empty `path` is NOT_FOUND and nothing is
  // created: for tools that only read an existing store, where a mistyped
  // path must not pass as an empty log.
  bool create_if_missing = true;

  // Opens the store without changing a byte of its directory (RocksDB's
  // read-only open; nothing is created, flushed or logged there), for
  // tools that inspect a stopped store. Implies create_if_missing false.
  // Append() and PutCheckpoint() then fail with FAILED_PRECONDITION. The
  // store must not be open for writing elsewhere meanwhile.
  bool read_only = false;

  // How long idempotency records (command ids) are kept at least. Records
  // older than this are dropped when RocksDB compacts them; until then a
  // repeated command id is still recognised.
  absl::Duration command_id_retention = absl::Hours(30 * 24);

  // Clock for `recorded_at` and for the retention of command ids. Must be
  // thread-safe (compactions call it from RocksDB's threads). Defaults to
  // absl::Now.
  std::function<absl::Time()> clock;

  // Limits of one Append; larger requests fail with INVALID_ARGUMENT.
  size_t max_events_per_append = 1000;
  size_t max_payload_bytes = 1 << 20;  // one event's payload
  size_t max_append_bytes = 4 << 20;   // all payloads of one append
  size_t max_stream_id_bytes = 512;    // also the limit of event types
  size_t max_command_id_bytes = 512;
  size_t max_metadata_bytes = 16 << 10;  // serialized EventMetadata

  // Stream heads kept in memory by the writer (least recently used are
  // evicted and re-read from disk when needed).
  size_t stream_cache_entries = 100000;

  // After a group commit of several appends, how long the writer waits for
  // as many appends again before it writes the next batch. Callers that
  // were just answered tend to come straight back; one sync for all of
  // them beats one for the first few. A lone caller never waits. Zero
  // writes whatever has arrived at once.
  absl::Duration group_commit_wait = absl::Microseconds(300);

  // Most appends and bytes written in one group commit.
  size_t max_batch_appends = 4096;
  size_t max_batch_bytes = 32 << 20;

  // RocksDB environment, e.g. one that injects faults in tests. Not owned;
  // must outlive the store. Null means the default environment.
  rocksdb::Env* env = nullptr;

  // Free space to leave on the file system of `path` (see disk_reserve.h):
  // an append that would take the free space below it is refused with
  // RESOURCE_EXHAUSTED, and appends are taken again by themselves once
  // space is freed. Appends that set AppendRequest::may_use_reserve may use
  // half of it. DiskReserve::Off() writes until the disk is full, which
  // RocksDB does not survive.
  DiskReserve disk_reserve = DiskReserve::Default();
  // How often at most the writer asks the file system for its free space
  // (in between it counts what it writes), and how soon after space is
  // freed refused appends are taken again. Zero asks for every append.
  absl::Duration disk_check_interval = absl::Milliseconds(100);
  // For tests: replaces statvfs(2) of `path`. Runs on the writer thread,
  // and once in Open().
  std::function<absl::StatusOr<DiskSpace>()> disk_space_probe;
  // Called on the writer thread when appends start being refused for the
  // disk reserve (with the refusal, RESOURCE_EXHAUSTED) and when they are
  // taken again (OK). Must be quick and must not call into the store.
  std::function<void(const absl::Status&)> on_disk_reserve;
  // Called once by Open() when the disk reserve is smaller than what one
  // memtable flush and one compaction may need together
  // (MinimumSensibleReserve() in disk_reserve.h), with what it should be.
  std::function<void(const std::string&)> on_disk_reserve_sizing;
  // For tests: replaces statvfs(2) of a backup directory in CreateBackup().
  std::function<absl::StatusOr<DiskSpace>(const std::string& path)>
      backup_disk_space_probe;

  // Called when a read meets damaged data (the DATA_LOSS it answers, which
  // names the positions or the stream), so that the damage is reported
  // where operators look and not only to the one caller. May run on any
  // reading thread, concurrently; must be quick and must not call into
  // the store.
  std::function<void(const absl::Status&)> on_data_loss;

  // Called after each successful group commit with its number of appends,
  // of events, and the time the synced write took (for metrics). Runs on
  // the store's notifier thread; must be quick and must not call into the
  // store.
  std::function<void(size_t appends, size_t events, absl::Duration latency)>
      on_commit;
};

// Outcome of Verify(). A mismatch is a finding, not an error: the call
// succeeds and `ok` is false.
struct VerifyReport {
  bool ok = true;
  uint64_t events_checked = 0;
  // First position whose event, hash, chain link or index entry does not
  // match; 0 when everything matched (or the problem has no position, see
  // `problem`).
  uint64_t first_bad_position = 0;
  // What did not match, e.g. "hash mismatch: stored …, recomputed …".
  std::string problem;
};

// What Open() found. Logged by the server at start.
struct RecoveryReport {
  // The last acknowledged position the store recovered to.
  uint64_t head_position = 0;
  // True if the store was stopped cleanly the last time (every event was
  // then in checksummed tables, nothing to replay from the log).
  bool clean_stop = false;
  // Bytes dropped from the end of the write-ahead log `torn_tail_file`:
  // the torn tail of a write cut off by a crash, never acknowledged.
  uint64_t torn_tail_bytes = 0;
  std::string torn_tail_file;
  // True if the head witness file held only zero bytes (a power cut before
  // its first write reached the disk): it was taken as absent, so the open
  // could not check the log against the last synced commit.
  bool witness_zeroed = false;
};

// A cursor over the log: delivers every matching event from its start in
// global order, first from history, then live as appends are acknowledged.
// Catch-up and live are the same path (reading the log up to the
// acknowledged head), so there is no gap, no duplicate and no queue that
// could overflow: a slow reader simply reads further behind.
//
// Thread safety: not thread-safe; use from one thread at a time. The
// callback of NotifyWhenAvailable() runs on a thread of the store and may
// call ReadAvailable() as long as no other thread uses the object.
class Subscription {
 public:
  // Cancel(), then releases the subscription.
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Non-blocking. Returns up to `max_count` (>= 1) matching events that are
  // acknowledged and not yet delivered, and advances past them. Returns an
  // empty vector when there is nothing yet (a filtered subscription may
  // also return empty after skipping non-matching events: call again while
  // caught_up() is false).
  //
  // Errors: UNAVAILABLE once the store is closed; once the store has failed
  // (see EventStore::Health()), the failure after every acknowledged event
  // has been delivered; INVALID_ARGUMENT for max_count 0; DATA_LOSS or
  // INTERNAL if stored data cannot be read.
  [[nodiscard]] absl::StatusOr<std::vector<v1::EventEnvelope>> ReadAvailable(
      size_t max_count);

  // Blocking form of ReadAvailable(): waits until at least one matching
  // event is available or `deadline` passes (then returns an empty vector).
  // Same errors.
  [[nodiscard]] absl::StatusOr<std::vector<v1::EventEnvelope>> Next(
      size_t max_count, absl::Time deadline);

  // One-shot: arranges for `callback` to run once the acknowledged head
  // reaches next_position(), or when the store closes or fails. Returns
  // false, without keeping the callback, if that is already the case: then
  // call ReadAvailable() again. After Cancel() it returns true and drops
  // the callback, so that a loop of "read, then ask to be notified" ends
  // instead of polling forever. Replaces a callback registered before.
  //
  // The callback runs on a thread of the store (the one that answers
  // appends, or the one that closes or fails the store) with no lock of the
  // store held. It must be quick and must not block (e.g. schedule a gRPC
  // write); it may call ReadAvailable() or NotifyWhenAvailable() on this
  // subscription.
  bool NotifyWhenAvailable(std::function<void()> callback);

  // Cancels a pending notification for good: afterwards no callback runs
  // (NotifyWhenAvailable() drops them). If the callback is
  // running on another thread, waits until it has returned, so that the
  // owner may then destroy what the callback uses (including the pointer
  // that holds this subscription). Reading goes on working.
  void Cancel();

  // Position of the next event to examine.
  uint64_t next_position() const { return next_position_; }
  // True if every acknowledged event up to the head has been examined.
  bool caught_up() const;

 private:
  friend class EventStore;
  Subscription(std::shared_ptr<internal::StoreCore> core,
               uint64_t next_position, ReadAllFilter filter);

  std::shared_ptr<internal::StoreCore> core_;
  std::shared_ptr<internal::SubscriptionState> state_;
  uint64_t next_position_;
  const ReadAllFilter filter_;
};

// Creates the directory `path` with mode 0700 (whatever the umask), and its
// missing parents with the usual mode; an existing directory is left as it
// is. The store's, its backups' and restores' directories are made this
// way: they hold case contents that no other user may read.
// PERMISSION_DENIED naming `what` and the path if it cannot be created.
[[nodiscard]] absl::Status CreatePrivateDirectory(const std::string& path,
                                                  absl::string_view what);

// What EventStore::Salvage() works on.
struct SalvageOptions {
  // The damaged store's directory. Only read: not a byte of it changes, and
  // it must not be open elsewhere (a server must be stopped first).
  std::string damaged_path;
  // Where the salvaged store is built: missing or empty; created with mode
  // 0700 (CreatePrivateDirectory).
  std::string target_path;
  // Clock for the report's time stamp. Defaults to absl::Now.
  std::function<absl::Time()> clock;
};

// An inclusive range of positions.
struct PositionRange {
  uint64_t first = 0;
  uint64_t last = 0;
  friend bool operator==(const PositionRange&, const PositionRange&) = default;
};

// What a salvage kept and what it gave up; also written, as JSON, into the
// salvaged store's directory (SalvageReport::kFileName).
struct SalvageReport {
  static constexpr char kFileName[] = "SALVAGE-REPORT.json";
  // The verbatim copy of the damaged directory's files inside the salvaged
  // store's directory.
  static constexpr char kCopyDirName[] = "damaged-copy";

  std::string damaged_path;
  std::string target_path;
  // How RocksDB recovered the copy, e.g. "point-in-time replay of the
  // write-ahead log".
  std::string recovery;

  // Positions 1..kept_head are in the salvaged store: the longest prefix of
  // the hash chain that verifies from position 1. 0 if none.
  uint64_t kept_head = 0;
  // Why the chain ends at kept_head (empty if it ends where the damaged
  // store's log ended and nothing is missing).
  std::string chain_end;

  // The highest position the damaged store is known to have acknowledged,
  // and the records that said so ("clean-stop record 300", "ACKNOWLEDGED
  // witness 450", "hash-chain head 319", ...). 0 if none was readable.
  uint64_t acknowledged_head = 0;
  std::vector<std::string> acknowledged_sources;

  // Every position given up: kept_head + 1 up to the higher of
  // acknowledged_head and the last position present in the damaged store.
  // Empty (first == 0) if nothing was given up.
  PositionRange given_up;
  // Within (or beyond) given_up: positions that were still readable in the
  // damaged store but follow a gap or a broken link, so they cannot be
  // trusted as part of the chain (they remain in the copy, as evidence),
  // and positions whose table blocks could not be read.
  std::vector<PositionRange> present_but_unreachable;
  std::vector<PositionRange> unreadable;
  // False if the log was damaged after kept_head and no record of a higher
  // acknowledged head survived: acknowledged events may have followed.
  bool extent_known = true;
  // Streams of given-up positions, as far as the events and the stream
  // index can tell.
  std::vector<std::string> affected_streams;

  // Each damaged file with what was found, e.g. "000009.log: dropping 4128
  // bytes; checksum mismatch".
  std::vector<std::string> damaged_files;
  // Reader checkpoints beyond kept_head, lowered to it: those readers'
  // results include given-up events and must be rebuilt.
  std::vector<std::string> checkpoints_lowered;
  // Idempotency records of given-up appends, dropped so that a retried
  // command is appended again instead of answered with a lost position.
  uint64_t command_records_dropped = 0;
  // True if some idempotency records could not be read (a repeated command
  // id among them would be appended again).
  bool command_records_unreadable = false;

  // Each file copied from the damaged directory, with its size and SHA-256
  // (lower-case hex), so that the copy can be matched to the original.
  struct CopiedFile {
    std::string name;
    uint64_t bytes = 0;
    std::string sha256;
  };
  std::vector<CopiedFile> copied_files;
  // Entries of the damaged directory that were not copied (subdirectories,
  // other non-regular files): not part of the store.
  std::vector<std::string> not_copied;

  // True if anything acknowledged may be lost: exit code 1 for tools.
  bool lost() const { return given_up.first != 0 || !extent_known; }
};

class EventStore {
 public:
  // Opens the store in `options.path`, creating an empty store in a missing
  // or empty directory.
  //
  // Errors, each with a message naming the directory:
  //   NOT_FOUND            with create_if_missing false: the directory is
  //                        missing or empty (nothing is created);
  //   FAILED_PRECONDITION  the directory is locked by another process, is a
  //                        file, is non-empty without being an atgard store,
  //                        or holds a store of an unknown format version;
  //   PERMISSION_DENIED    the directory cannot be created or written;
  //   DATA_LOSS            acknowledged data is damaged or missing: a
  //                        write-ahead log record fails its checksum, or
  //                        the log has a hole (records missing in its
  //                        middle, or a log other than the last cut short;
  //                        the message names the file, the offset where
  //                        its intact records end and the last position
  //                        read intact), the log ends before the head
  //                        recorded at the last clean stop or after the
  //                        last synced commit, the hash-chain head and the
  //                        log disagree, a table or the MANIFEST is damaged
  //                        or missing, or a table in the directory that
  //                        the MANIFEST does not list holds events the
  //                        store does not otherwise hold (it lost track of
  //                        data: the message names the MANIFEST, the table
  //                        and a position; a table left by a crash in the
  //                        middle of a flush or compaction holds nothing
  //                        else and is no damage). Restore a backup or
  //                        salvage deliberately (Salvage()). (A torn log
  //                        tail that was never acknowledged is dropped,
  //                        see Recovery().)
  //   INVALID_ARGUMENT     an option is out of range;
  //   other                RocksDB could not open or recover the database.
  //
  // A refused open of an existing store changes no file in the directory:
  // the store is first opened read-only (RocksDB replays the log into
  // memory and writes or deletes nothing) and every check above runs
  // there; only a store that passes them all is reopened read-write, and
  // only then does RocksDB flush the replayed log, delete obsolete files
  // and write a new MANIFEST, OPTIONS and LOG. Opening an existing store
  // therefore replays its log twice (read_only: once).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      const Options& options);

  // Salvages a store that Open() refuses for damaged acknowledged data,
  // deliberately and on record, instead of restoring a backup:
  //   1. copies every file of `damaged_path` verbatim (with its SHA-256)
  //      into `target_path`/damaged-copy; `damaged_path` is only read;
  //   2. opens that copy read-only, replaying the write-ahead log to the
  //      last record before the first damaged one (RocksDB's
  //      kPointInTimeRecovery); if the MANIFEST or CURRENT is damaged, a
  //      scratch copy is opened with best-efforts recovery instead (the
  //      newest consistent set of tables; the log is then not replayed);
  //   3. keeps the longest prefix of the hash chain that verifies from
  //      position 1 (each event's bytes, hash, link and stream version);
  //      a gap, a broken link or an unreadable block ends it, and nothing
  //      after that can be trusted as part of the chain;
  //   4. writes a new store into `target_path` holding that prefix, its
  //      stream index and heads, the idempotency records and checkpoints
  //      that refer to it, and a chain head, clean-stop record and
  //      ACKNOWLEDGED witness at the kept head, so that it opens normally
  //      and appends continue at kept_head + 1;
  //   5. opens and verifies it, and writes the report (what was kept, every
  //      position given up, the damaged files) as SALVAGE-REPORT.json there.
  // A salvage that loses nothing still succeeds (lost() is false). The
  // kept positions are never renumbered; given-up positions are reused by
  // later appends, which the report records.
  //
  // Errors: NOT_FOUND if damaged_path is missing or holds no store;
  // FAILED_PRECONDITION if target_path is not empty, lies inside
  // damaged_path (or is it), or damaged_path is locked by a running store;
  // PERMISSION_DENIED if a directory cannot be read or created; DATA_LOSS if
  // not even the copy's tables can be opened; INTERNAL if the salvaged
  // store does not verify or a write fails. On an error target_path may
  // hold a partial copy without a report: empty it before trying again.
  [[nodiscard]] static absl::StatusOr<SalvageReport> Salvage(
      const SalvageOptions& options);

  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Waits for appends already queued to be written, then closes the
  // database; everything acknowledged is already durable. Unless the store
  // is read-only or has failed, it then records the clean stop and flushes
  // every event into checksummed tables, so that the next open replays no
  // log. Subscriptions that remain report UNAVAILABLE.
  ~EventStore();

  const std::string& path() const;

  // What Open() recovered.
  const RecoveryReport& Recovery() const;

  // Appends `events` to `stream_id` as one atomic unit and returns where
  // they landed, once they are durable.
  //
  // `stream_id`: 1..max_stream_id_bytes bytes, no NUL byte; by convention
  // `<category>-<id>`. `command_id`: opaque idempotency key (empty: no
  // idempotency). `metadata.command_id` must be empty or equal `command_id`;
  // the stored metadata carries `command_id`.
  //
  // Idempotency: if `command_id` was appended before (and is still within
  // the retention) with the same stream, expected version, events and
  // metadata, nothing is written and the original result is returned with
  // `deduplicated` set — also across restarts, and whatever the stream's
  // version is now.
  //
  // Errors (nothing is written):
  //   ABORTED           the stream's version does not match `expected`; the
  //                     message names the stream, expected and actual
  //                     version. Re-read and retry.
  //   ALREADY_EXISTS    `command_id` was already used for a different
  //                     command (different stream, expected version, events
  //                     or metadata).
  //   INVALID_ARGUMENT  empty or over-long stream id, command id or event
  //                     type, a NUL in the stream id, no events, too many
  //                     events, a payload, batch or metadata over its limit,
  //                     or a metadata command id that differs; the message
  //                     names the argument.
  //   RESOURCE_EXHAUSTED  the append would take the free space of the
  //                     data directory's file system below
  //                     Options::disk_reserve; the message names the
  //                     directory, the free space and the reserve. Retry
  //                     once space is freed: appends are taken again
  //                     without a reopen. (A repeated command id whose
  //                     append is stored is still answered.)
  //   UNAVAILABLE       the store has failed (see Health()) or is closing.
  //                     If this call's own write failed, its outcome is
  //                     unknown: after the store is reopened, retry with
  //                     the same command id to learn it.
  //   FAILED_PRECONDITION  the store was opened read-only.
  //   INTERNAL, DATA_LOSS  stored data could not be read.
  [[nodiscard]] absl::StatusOr<AppendResult> Append(
      absl::string_view stream_id, const ExpectedVersion& expected,
      absl::Span<const NewEvent> events, absl::string_view command_id,
      const v1::EventMetadata& metadata);

  // The same, with the arguments in one request (and its request_digest
  // deciding idempotency when given).
  [[nodiscard]] absl::StatusOr<AppendResult> Append(AppendRequest request);

  // Append() for callers that must not block (gRPC callback handlers):
  // queues the request for the batching writer and returns at once. `done`
  // runs exactly once with the outcome Append() would return: on the
  // store's notifier thread once the write is durable or refused, or on
  // this thread if the arguments are invalid or the store is closed or has
  // failed. It must be quick and must not block; it may append again.
  void AppendAsync(AppendRequest request,
                   std::function<void(absl::StatusOr<AppendResult>)> done);

  // Looks up the idempotency record of `command_id`: the original result
  // (with `deduplicated` set) if it was appended with `request_digest`;
  // nullopt if the id is unknown (never used, or past the retention) or
  // its append is not yet acknowledged (an Append() with the same id then
  // waits for it and is answered with its result); ALREADY_EXISTS if it
  // was used for another request. INVALID_ARGUMENT for
  // empty arguments; INTERNAL or DATA_LOSS for read errors.
  [[nodiscard]] absl::StatusOr<std::optional<AppendResult>> LookupCommand(
      absl::string_view command_id, absl::string_view request_digest) const;

  // Named positions that the server's own readers (policy runner,
  // projections) resume from. GetCheckpoint returns 0 for a name never put.
  // PutCheckpoint is not synced: after a crash a reader may resume a little
  // earlier, so its processing must be idempotent. Errors: INVALID_ARGUMENT
  // for an empty name; UNAVAILABLE if the store has failed or is closed;
  // RESOURCE_EXHAUSTED while the free space is below half the disk reserve;
  // INTERNAL for RocksDB errors.
  [[nodiscard]] absl::StatusOr<uint64_t> GetCheckpoint(
      absl::string_view name) const;
  [[nodiscard]] absl::Status PutCheckpoint(absl::string_view name,
                                           uint64_t position);

  // Reads up to `max_count` (>= 1) events of `stream_id` starting at
  // version `from_version`: upwards for kForward, downwards for kBackward
  // (where a from_version beyond the last event starts at the last event,
  // e.g. UINT64_MAX). Only acknowledged events are returned. A stream that
  // does not exist, or a range past its end, gives an empty vector.
  //
  // Errors: INVALID_ARGUMENT for a bad stream id or max_count 0; DATA_LOSS
  // if the index names an event that is missing; INTERNAL for read errors.
  [[nodiscard]] absl::StatusOr<std::vector<v1::EventEnvelope>> ReadStream(
      absl::string_view stream_id, uint64_t from_version, size_t max_count,
      Direction direction) const;

  // Reads the global log from `from_position` (0 and 1 both mean the
  // beginning) up to the acknowledged head, returning at most `max_count`
  // (>= 1) events that match `filter`. Non-matching events are skipped;
  // `next_position` tells where to continue. Reads of the log (this,
  // ScanAll() and subscriptions) leave the block cache to point reads.
  //
  // Errors: INVALID_ARGUMENT for max_count 0; DATA_LOSS if the log has a
  // gap or an event does not parse; INTERNAL for read errors.
  [[nodiscard]] absl::StatusOr<ReadAllResult> ReadAll(
      uint64_t from_position, size_t max_count,
      const ReadAllFilter& filter = {}) const;

  // ReadAll() without collecting: calls `visit` for each matching event in
  // position order, at most `max_count` times, until it returns false (that
  // event counts as read). The envelope is reused between calls: it is
  // valid only during the call, and copying it is the caller's choice. For
  // long scans and for writing events straight into responses.
  //
  // Errors: as ReadAll().
  [[nodiscard]] absl::StatusOr<ScanResult> ScanAll(
      uint64_t from_position, size_t max_count, const ReadAllFilter& filter,
      absl::FunctionRef<bool(const v1::EventEnvelope&)> visit) const;

  // Starts a subscription (see Subscription). The caller owns it.
  // Errors: UNAVAILABLE if the store is closing.
  [[nodiscard]] absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      const SubscriptionStart& start, ReadAllFilter filter = {});

  // Position of the last acknowledged event; 0 for an empty store.
  uint64_t HeadPosition() const;

  // The stream's head as of the acknowledged head position (HeadPosition()).
  // NOT_FOUND if the stream has no acknowledged events; INVALID_ARGUMENT for a
  // bad stream id; INTERNAL for read errors.
  [[nodiscard]] absl::StatusOr<StreamInfo> GetStreamInfo(
      absl::string_view stream_id) const;

  // OK while the store accepts writes. After a failed write or sync:
  // UNAVAILABLE with the cause, until the store is reopened. A full disk
  // is no failure: see DiskReserveStatus().
  absl::Status Health() const;

  // OK, or RESOURCE_EXHAUSTED with the reason while appends are refused
  // for the disk reserve (Options::disk_reserve). Passes by itself once
  // space is freed; reads are served meanwhile.
  absl::Status DiskReserveStatus() const;

  // Registers `callback` to run once when the store fails, on the thread
  // that detected the failure (or at once on this thread if it has already
  // failed). Must not call back into the store. Replaces an earlier one;
  // null removes it.
  void OnFailure(std::function<void(const absl::Status&)> callback);

  // Recomputes the hash chain and the indexes for positions [from, to]
  // (from 0 means 1, to 0 means the head) and reports the first mismatch.
  // The head here is the last written event, which may belong to a group
  // commit still under way (see the top of this file).
  // Checks each event's position, hash and link to the previous hash, that
  // its stored bytes are exactly its envelope's encoding (so that no byte
  // changes unnoticed), its stream index entry and stream version sequence,
  // and — when `to` is the head — every stream head, the chain head and
  // that nothing follows it.
  // Appends may continue meanwhile; they are not checked. A table block
  // that fails its checksum is a finding too: it names the positions that
  // cannot be read and the streams they belong to (as far as the stream
  // index can tell). When the whole log is checked, every block of every
  // table is read and checksummed as well, outside the log too.
  //
  // Errors: INVALID_ARGUMENT if from > to or `to` is beyond the head;
  // INTERNAL for read errors.
  [[nodiscard]] absl::StatusOr<VerifyReport> Verify(uint64_t from = 0,
                                                    uint64_t to = 0) const;

  // Takes an online backup into `backup_dir` (created if missing; one
  // directory may hold several backups) while appends continue. The backup
  // holds a consistent prefix of the log, at least every append
  // acknowledged before the call.
  // Errors: RESOURCE_EXHAUSTED (naming the directory, its free space and
  // the store's live size) if the backup's file system has less free space
  // than the store's live size, plus the disk reserve when it is the data
  // directory's file system; INTERNAL (RocksDB's message) or UNAVAILABLE if
  // closing.
  [[nodiscard]] absl::Status CreateBackup(absl::string_view backup_dir);

  // Restores the latest backup in `backup_dir` into `target_dir`, which
  // must be missing or empty; then open it with Open() (and Verify()).
  // Errors: FAILED_PRECONDITION if target_dir is not empty; NOT_FOUND if
  // backup_dir holds no backup; INTERNAL for RocksDB errors.
  [[nodiscard]] static absl::Status RestoreBackup(absl::string_view backup_dir,
                                                  absl::string_view target_dir);

  // Compacts the whole database now; drops command ids past their
  // retention. For maintenance and tests; normal operation compacts in
  // the background.
  [[nodiscard]] absl::Status CompactAll();

 private:
  explicit EventStore(std::shared_ptr<internal::StoreCore> core);

  std::shared_ptr<internal::StoreCore> core_;
};

}  // namespace atgard::eventstore

#endif  // ATGARD_EVENTSTORE_EVENT_STORE_H_
