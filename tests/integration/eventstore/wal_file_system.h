// A RocksDB file system for the event store's tests that lets a test stand
// between RocksDB and its write-ahead log files, e.g. to fail or hold back
// their writes and syncs.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
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

// A WalFileSystem whose log appends or syncs can be held back at the gate
// (to catch the writer in the middle of a write while further appends
// queue up) and made to fail, so that a test injects a fault at a known
// write instead of hoping a timer lands on one. The switches are
// thread-safe; the gate blocks RocksDB's writing thread.
class GatedFileSystem : public WalFileSystem {
 public:
  using WalFileSystem::WalFileSystem;

  const char* Name() const override { return "GatedFileSystem"; }

  // Holds back every later log sync (or append) until Release().
  void HoldSyncs() {
    std::lock_guard<std::mutex> l(mu_);
    hold_syncs_ = true;
  }
  void HoldAppends() {
    std::lock_guard<std::mutex> l(mu_);
    hold_appends_ = true;
  }
  // Lets the held and every later append and sync through (to fail, if
  // the fail switch is on by then).
  void Release() {
    std::lock_guard<std::mutex> l(mu_);
    hold_syncs_ = false;
    hold_appends_ = false;
    cv_.notify_all();
  }
  // Waits until an append or sync is being held back; false on timeout.
  bool AwaitHeld(absl::Duration timeout) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, absl::ToChronoMilliseconds(timeout),
                        [this] { return held_ > 0; });
  }

  // While on, log syncs (appends) fail with an injected IO error.
  std::atomic<bool> fail_sync{false};
  std::atomic<bool> fail_append{false};

 private:
  rocksdb::IOStatus BeforeWalAppend() override {
    Gate(&hold_appends_);
    if (fail_append) return rocksdb::IOStatus::IOError("injected write");
    return rocksdb::IOStatus::OK();
  }
  rocksdb::IOStatus BeforeWalSync() override {
    Gate(&hold_syncs_);
    if (fail_sync) return rocksdb::IOStatus::IOError("injected sync");
    return rocksdb::IOStatus::OK();
  }
  void Gate(const bool* hold) {
    std::unique_lock<std::mutex> l(mu_);
    if (!*hold) return;
    ++held_;
    cv_.notify_all();
    cv_.wait(l, [hold] { return !*hold; });
    --held_;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_syncs_ = false;
  bool hold_appends_ = false;
  int held_ = 0;
};

}  // namespace atgard::eventstore::testing

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_WAL_FILE_SYSTEM_H_
