// How the event store tells a torn write-ahead-log tail (bytes of a write
// that was never acknowledged) from damage to acknowledged data when it
// opens. Internal to the event store.
//
// RocksDB replays the write-ahead log with kTolerateCorruptedTailRecords:
// an incomplete record at the end of the log is dropped, any record that
// fails its checksum makes the open fail. Two kinds of damage that mode
// lets through silently are caught by WalTracker (below): a record header
// zeroed in the middle of a log (RocksDB drops the rest of that 32 KiB
// block and goes on with the next) and a log other than the last one cut
// short; both break the run of sequence numbers or leave a non-last log
// shorter than its file. What a cut before the last
// acknowledged record or a deleted log would hide, the store learns from
// two records of the acknowledged head kept outside the log:
//   - the stop record (keys.h, 0x00 "stopped"), written and flushed into
//     a table on every clean stop, so a stopped store's events sit in
//     checksummed tables, not in the log alone (the run after it is
//     marked by 0x00 "running", so a crash is not taken for a clean stop);
//   - the head witness file, rewritten (not synced) after every synced
//     commit. It survives a crash of the process; after a power cut it may
//     lag, never lead, since it is written only once the log is synced.
// The log must reach both; if it does not, acknowledged events are gone.
#ifndef ATGARD_EVENTSTORE_RECOVERY_H_
#define ATGARD_EVENTSTORE_RECOVERY_H_

#include <cstdarg>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "eventstore/keys.h"
#include "rocksdb/env.h"
#include "rocksdb/wal_filter.h"

namespace atgard::eventstore::internal {

// RocksDB's info log for an open: keeps the lines in which recovery reports
// dropped log bytes, and passes every line on to `target` (null: none, so
// that a read-only open writes no LOG file).
class RecoveryLogger : public rocksdb::Logger {
 public:
  explicit RecoveryLogger(std::shared_ptr<rocksdb::Logger> target);

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  void Logv(rocksdb::InfoLogLevel level, const char* format,
            va_list ap) override;
  void Flush() override;
  size_t GetLogFileSize() const override;

  // "<file>: dropping <n> bytes; <reason>" lines, in order.
  std::vector<std::string> Dropped() const;

 private:
  void Capture(const char* format, va_list ap);

  const std::shared_ptr<rocksdb::Logger> target_;
  mutable std::mutex mu_;
  std::vector<std::string> dropped_;
};

// Follows the replay of the write-ahead log: the last file read, where its
// last intact record ends, and the last chain head that the replay met.
// One instance follows one replay (one open). It also checks that the
// replay has no hole: each batch's sequence number must be the previous
// batch's sequence number plus its count, and every log but the last must
// have been read to its end. On the first violation it answers
// kCorruptedRecord, which makes RocksDB fail the open with a corruption
// (under kTolerateCorruptedTailRecords), and keeps a description naming
// the file and offset (violation()).
//
// RocksDB keeps the filter's address in the database's immutable options:
// the tracker must outlive the database it was given to.
class WalTracker : public rocksdb::WalFilter {
 public:
  WalProcessingOption LogRecordFound(unsigned long long log_number,
                                     const std::string& log_file_name,
                                     const rocksdb::WriteBatch& batch,
                                     rocksdb::WriteBatch* new_batch,
                                     bool* batch_changed) override;
  const char* Name() const override { return "atgard.WalTracker"; }

  // Empty if no record was replayed.
  const std::string& last_file() const { return last_file_; }
  // Byte offset in last_file() where its last intact record ends.
  uint64_t end_offset() const { return end_offset_; }
  // Size of last_file() when its replay began.
  uint64_t file_size() const { return file_size_; }
  // Position of the last chain head replayed; 0 if none.
  uint64_t last_position() const { return last_position_; }
  // Empty unless the replay had a hole: then what was missing, and where.
  const std::string& violation() const { return violation_; }

 private:
  WalProcessingOption Violation(std::string what);

  unsigned long long log_number_ = 0;
  std::string last_file_;
  uint64_t end_offset_ = 0;
  uint64_t block_offset_ = 0;
  uint64_t file_size_ = 0;
  uint64_t last_position_ = 0;
  // The sequence number the next batch must carry; 0 before the first.
  uint64_t next_sequence_ = 0;
  std::string violation_;
};

// The message for an open that RocksDB refused with a corruption, naming
// the damaged log file, the offset where the intact records end, and the
// last position the replay read intact, when they are known. A hole that
// the tracker found (violation()) is described in its own words.
std::string DescribeOpenCorruption(const std::string& rocks_message,
                                   const RecoveryLogger& logger,
                                   const WalTracker& tracker);

// Bytes of the last replayed log file beyond its last intact record: the
// torn tail of a write that was never acknowledged. 0 if there are none or
// nothing was replayed.
uint64_t TornTailBytes(const WalTracker& tracker);

// The head witness file in the data directory (see the top of this file).
class HeadWitness {
 public:
  static constexpr char kFileName[] = "ACKNOWLEDGED";

  // The head it records; nullopt if there is no witness, or if the file
  // holds only zero bytes (created, then a power cut before its first
  // write reached the disk; *zeroed is then set, for a warning). DATA_LOSS
  // if it exists but is not a witness (never written by this store, or
  // damaged: a check word covers the magic, the position and the hash).
  static absl::StatusOr<std::optional<keys::ChainHead>> Read(
      const std::string& dir, bool* zeroed = nullptr);

  // Creates or opens the file for Record(). PERMISSION_DENIED on failure.
  static absl::StatusOr<std::unique_ptr<HeadWitness>> Open(
      const std::string& dir);
  ~HeadWitness();

  // Records `head` in one small write at the start of the file, unsynced.
  // A failure only weakens the check at the next open; it is ignored.
  void Record(const keys::ChainHead& head);

 private:
  explicit HeadWitness(int fd) : fd_(fd) {}
  const int fd_;
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_RECOVERY_H_
