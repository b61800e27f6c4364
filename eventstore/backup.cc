// Online backups through RocksDB's BackupEngine, and restoring one.
#include <sys/stat.h>

#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"
#include "rocksdb/utilities/backup_engine.h"

namespace atgard::eventstore {
namespace internal {

absl::Status StoreCore::CreateBackup(absl::string_view backup_dir) {
  MutexLock backup_lock(&backup_mu_);
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  const std::string what = absl::StrCat("backup into ", backup_dir);
  // Backups hold case contents like the store itself: nobody else reads.
  RETURN_IF_ERROR(
      CreatePrivateDirectory(std::string(backup_dir), "backup directory"));
  RETURN_IF_ERROR(CheckBackupSpace(std::string(backup_dir)));
  rocksdb::BackupEngine* raw = nullptr;
  RETURN_IF_ROCKS_ERROR(
      rocksdb::BackupEngine::Open(
          db_->GetEnv(), rocksdb::BackupEngineOptions(std::string(backup_dir)),
          &raw),
      what);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  // The WAL is copied with the tables, so acknowledged appends that are
  // still only in the memtable are in the backup without a flush.
  create.flush_before_backup = false;
  rocksdb::BackupID id = 0;
  RETURN_IF_ROCKS_ERROR(engine->CreateNewBackup(create, db_.get(), &id), what);
  return FromRocks(engine->VerifyBackup(id, /*verify_with_checksum=*/true),
                   what);
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
  RETURN_IF_ROCKS_ERROR(
      db_->GetLiveFilesStorageInfo(list, &files),
      absl::StrCat("listing the files to back up into ", backup_dir));
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

}  // namespace internal

namespace fs = std::filesystem;
using internal::FromRocks;

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
  RETURN_IF_ERROR(CreatePrivateDirectory(target.string(), "restore target"));
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  RETURN_IF_ROCKS_ERROR(
      rocksdb::BackupEngineReadOnly::Open(
          rocksdb::Env::Default(),
          rocksdb::BackupEngineOptions(std::string(backup_dir)), &raw),
      absl::StrCat("opening backups in ", backup_dir));
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> backups;
  engine->GetBackupInfo(&backups);
  if (backups.empty()) {
    return absl::NotFoundError(
        absl::StrCat("backup directory ", backup_dir, " holds no backup"));
  }
  const std::string target_string = target.string();
  return FromRocks(
      engine->RestoreDBFromLatestBackup(target_string, target_string),
      absl::StrCat("restoring ", backup_dir, " into ", target_dir));
}

}  // namespace atgard::eventstore
