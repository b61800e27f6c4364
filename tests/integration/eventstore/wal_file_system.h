// A RocksDB file system for the event store's tests that lets a test stand
// between RocksDB and its write-ahead log files, e.g. to fail or hold back
// their syncs.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "rocksdb/file_system.h"

namespace atgard::eventstore::testing {

// Passes every write-ahead log file (*.log) it creates through WrapWal();
// everything else goes to the wrapped file system untouched.
class WalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit WalFileSystem(std::shared_ptr<rocksdb::FileSystem> base)
      : rocksdb::FileSystemWrapper(std::move(base)) {}

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = WrapWal(std::move(*result));
    }
    return s;
  }

 protected:
  // Returns the file RocksDB is to write the log through, usually an
  // rocksdb::FSWritableFileOwnerWrapper around `file`.
  virtual std::unique_ptr<rocksdb::FSWritableFile> WrapWal(
      std::unique_ptr<rocksdb::FSWritableFile> file) = 0;
};

}  // namespace atgard::eventstore::testing

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
