// EventStore::Open(): RocksDB's options, then the two-phase open.
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/compaction_filter.h"
#include "eventstore/directory.h"
#include "eventstore/insert_hint_prefix.h"
#include "eventstore/open_checks.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_manager.h"
#include "rocksdb/table.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using internal::CheckDirectory;
using internal::CommandRetentionFilter;
using internal::HeadWitness;
using internal::InsertHintPrefix;
using internal::OpenAndCheck;
using internal::StoreState;
using internal::WalTracker;

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
  RETURN_IF_ERROR(CheckDirectory(dir, options.create_if_missing,
                                 !options.read_only, &fresh));

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
    RETURN_IF_ERROR(OpenAndCheck(db_options, dir, where, /*read_only=*/true,
                                 /*fresh=*/false, tracker.get(), &db, &state));
  }
  RecoveryReport recovery = state.recovery;
  if (!options.read_only) {
    // The read-only handle (and its tracker) goes before the read-write
    // open replays the same log again with a tracker of its own.
    db.reset();
    tracker = std::make_unique<WalTracker>();
    RETURN_IF_ERROR(OpenAndCheck(db_options, dir, where, /*read_only=*/false,
                                 fresh, tracker.get(), &db, &state));
    // The first phase saw the log before the read-write open flushed it.
    if (fresh) recovery = state.recovery;
  }
  const keys::ChainHead chain = state.chain;

  if (!options.read_only) {
    // From now on a crash must not pass for a clean stop (keys.h).
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RETURN_IF_ROCKS_ERROR(db->Put(sync, keys::RunningKey(), ""), where);
  }

  std::unique_ptr<HeadWitness> witness;
  if (!options.read_only) {
    ASSIGN_OR_RETURN(witness, HeadWitness::Open(dir.string()));
    witness->Record(chain);
  }

  auto core = std::make_shared<internal::StoreCore>(
      std::move(options), dir.string(), std::move(db), std::move(filter),
      std::move(tracker), chain, std::move(witness), std::move(recovery));
  return std::unique_ptr<EventStore>(new EventStore(std::move(core)));
}

}  // namespace atgard::eventstore
