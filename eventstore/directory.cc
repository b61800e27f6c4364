#include "eventstore/directory.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"

namespace atgard::eventstore {

namespace fs = std::filesystem;

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

namespace internal {

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
    RETURN_IF_ERROR(CreatePrivateDirectory(dir.string(), "data directory"));
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

}  // namespace internal
}  // namespace atgard::eventstore
