#include "eventstore/open_checks.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"
#include "rocksdb/sst_file_reader.h"

namespace atgard::eventstore::internal {
namespace {

namespace fs = std::filesystem;

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
    RETURN_IF_ERROR(
        CheckUnlistedTable(options, db, table, where, CurrentManifest(dir)));
  }
  return absl::OkStatus();
}

}  // namespace

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
    RETURN_IF_ERROR(CheckFilesKnown(db_options, *db, dir, where));
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
      RETURN_IF_ROCKS_ERROR(
          db->Put(sync, keys::FormatKey(), keys::kFormatValue), where);
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
    RETURN_IF_ROCKS_ERROR(it->status(), where);
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
  ASSIGN_OR_RETURN(const std::optional<keys::ChainHead> witnessed,
                   HeadWitness::Read(dir.string(), &recovery.witness_zeroed));
  const std::pair<const char*, std::optional<keys::ChainHead>> claims[] = {
      {"the last clean stop",
       rs.ok() ? std::optional<keys::ChainHead>(stopped) : std::nullopt},
      {"the last synced commit", witnessed}};
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

}  // namespace atgard::eventstore::internal
