#include "eventstore/event_store.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;

// Key that marks a RocksDB database as an atgard event store, and its value
// for the on-disk format this code reads and writes.
constexpr char kFormatKey[] = "\x00format";
constexpr char kFormatValue[] = "atgard-eventstore/1";

rocksdb::Slice FormatKey() {
  return rocksdb::Slice(kFormatKey, sizeof(kFormatKey) - 1);
}

// Classifies the directory before RocksDB touches it, so that a wrong path
// gets a clear message instead of a new database inside someone's files.
absl::Status CheckDirectory(const fs::path& dir, bool* fresh) {
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return absl::PermissionDeniedError(
        absl::StrCat("data directory ", dir.string(),
                     " cannot be inspected: ", ec.message()));
  }
  if (!fs::exists(st)) {
    if (!fs::create_directories(dir, ec) && ec) {
      return absl::PermissionDeniedError(
          absl::StrCat("data directory ", dir.string(),
                       " cannot be created: ", ec.message()));
    }
    *fresh = true;
    return absl::OkStatus();
  }
  if (!fs::is_directory(st)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", dir.string(), " is not a directory"));
  }
  if (access(dir.c_str(), R_OK | W_OK | X_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "data directory ", dir.string(), " is not writable by this user"));
  }
  const bool empty = fs::is_empty(dir, ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat(
        "data directory ", dir.string(), " cannot be listed: ", ec.message()));
  }
  if (empty) {
    *fresh = true;
    return absl::OkStatus();
  }
  if (!fs::exists(dir / "CURRENT")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", dir.string(),
        " is not empty and holds no atgard store; refusing to use it"));
  }
  *fresh = false;
  return absl::OkStatus();
}

absl::Status FromRocks(const rocksdb::Status& s, const fs::path& dir) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = s.ToString();
  if (s.IsIOError() &&
      (absl::StrContains(msg, "lock") || absl::StrContains(msg, "LOCK"))) {
    return absl::FailedPreconditionError(absl::StrCat(
        "data directory ", dir.string(),
        " is in use by another process (its LOCK is held): ", msg));
  }
  return absl::InternalError(
      absl::StrCat("data directory ", dir.string(), ": ", msg));
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(
    const Options& options) {
  const fs::path dir(options.path);
  bool fresh = false;
  if (absl::Status s = CheckDirectory(dir, &fresh); !s.ok()) return s;

  rocksdb::Options db_options;
  db_options.create_if_missing = fresh;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs = rocksdb::DB::Open(db_options, dir.string(), &raw);
  if (!rs.ok()) return FromRocks(rs, dir);
  std::unique_ptr<rocksdb::DB> db(raw);

  std::string format;
  rs = db->Get(rocksdb::ReadOptions(), FormatKey(), &format);
  if (rs.IsNotFound()) {
    if (!fresh) {
      return absl::FailedPreconditionError(absl::StrCat(
          "data directory ", dir.string(),
          " holds a RocksDB database that is not an atgard store"));
    }
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rs = db->Put(sync, FormatKey(), kFormatValue);
    if (!rs.ok()) return FromRocks(rs, dir);
  } else if (!rs.ok()) {
    return FromRocks(rs, dir);
  } else if (format != kFormatValue) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", dir.string(), " holds store format \"",
                     format, "\"; this server reads \"", kFormatValue, "\""));
  }
  return std::unique_ptr<EventStore>(
      new EventStore(dir.string(), std::move(db)));
}

EventStore::EventStore(std::string path, std::unique_ptr<rocksdb::DB> db)
    : path_(std::move(path)), db_(std::move(db)) {}

EventStore::~EventStore() {
  if (db_ != nullptr) {
    // Flushes nothing that is not already in the synced WAL; Close() only
    // releases the lock and files cleanly.
    db_->Close().PermitUncheckedError();
  }
}

}  // namespace atgard::eventstore
