// A RocksDB file system for the event store's tests that lets a test stand
// between RocksDB and its write-ahead log files, e.g. to fail or hold back
// their writes and syncs.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "rocksdb/file_system.h"

namespace atgard::eventstore::testing {

// Every write-ahead log file (*.log) it creates asks BeforeWalAppend()
// before each append and BeforeWalSync() before each sync; an error from
// them is what RocksDB sees instead of the write or sync. Everything else
// goes to the wrapped file system untouched.
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
      *result = std::make_unique<WalFile>(std::move(*result), this);
    }
    return s;
  }

 protected:
  // Called on RocksDB's writing thread; may block.
  virtual rocksdb::IOStatus BeforeWalAppend() {
    return rocksdb::IOStatus::OK();
  }
  virtual rocksdb::IOStatus BeforeWalSync() { return rocksdb::IOStatus::OK(); }

 private:
  class WalFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    WalFile(std::unique_ptr<rocksdb::FSWritableFile> file, WalFileSystem* fs)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalAppend(); !s.ok()) return s;
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalAppend(); !s.ok()) return s;
      return target()->Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalSync(); !s.ok()) return s;
      return target()->Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (rocksdb::IOStatus s = fs_->BeforeWalSync(); !s.ok()) return s;
      return target()->Fsync(options, dbg);
    }

   private:
    WalFileSystem* fs_;
  };
};

}  // namespace atgard::eventstore::testing

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
