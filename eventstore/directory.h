// Checks of the data directory before RocksDB touches it. Internal to the
// event store; CreatePrivateDirectory() is public (event_store.h).
#ifndef ATGARD_EVENTSTORE_DIRECTORY_H_
#define ATGARD_EVENTSTORE_DIRECTORY_H_

#include <filesystem>

#include "absl/status/status.h"

namespace atgard::eventstore::internal {

// True if every entry of `dir` is a file RocksDB writes while it creates a
// database (LOCK, IDENTITY, LOG*, MANIFEST-*, OPTIONS-*, *.log, *.dbtmp),
// so that a creation cut short by a crash can be finished. False for any
// other entry, a subdirectory, or a directory that cannot be listed.
bool OnlyRocksDbFiles(const std::filesystem::path& dir);

// Classifies `dir` before RocksDB touches it, so that a wrong path gets a
// clear message instead of a new database inside someone's files. On OK,
// *fresh says whether a new store is to be created there (the directory
// is missing, empty, or holds only what an interrupted creation leaves,
// see OnlyRocksDbFiles()); with `create`, a missing directory is created
// with mode 0700 (CreatePrivateDirectory()).
//
// Errors (*fresh unchanged): NOT_FOUND for a missing or empty directory
// when `create` is false (nothing is created); FAILED_PRECONDITION if it
// is not a directory, or holds files but no store (no CURRENT);
// PERMISSION_DENIED if it cannot be inspected, listed or created, or is
// not readable (and, with `writable`, writable) by this user.
[[nodiscard]] absl::Status CheckDirectory(const std::filesystem::path& dir,
                                          bool create, bool writable,
                                          bool* fresh);

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_DIRECTORY_H_
