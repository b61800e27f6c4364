#include "eventstore/recovery.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/write_batch.h"

namespace atgard::eventstore::internal {
namespace {

// RocksDB's write-ahead log format: 32 KiB blocks of records with a 7-byte
// header; a record longer than what is left of a block continues in the
// next, and a block's last bytes that cannot hold a header are padding.
constexpr uint64_t kLogBlockSize = 32768;
constexpr uint64_t kLogHeaderSize = 7;

// A witness is magic, position, hash and a check word. The first format's
// check word covered the position only; the second's is the first 8 bytes
// of the SHA-256 of everything before it. Both are read; only the second
// is written (the first write after an open replaces an old one).
constexpr char kWitnessMagicV1[8] = {'a', 't', 'g', 'a', 'r', 'd', 'a', '1'};
constexpr char kWitnessMagic[8] = {'a', 't', 'g', 'a', 'r', 'd', 'a', '2'};
constexpr size_t kWitnessSize = 8 + 8 + keys::kHashSize + 8;
constexpr size_t kWitnessChecked = kWitnessSize - 8;
constexpr uint64_t kWitnessCheckV1 = 0x6174676172647721ULL;

uint64_t WitnessCheck(const char* witness) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(witness, kWitnessChecked, digest, &length, EVP_sha256(),
                 nullptr) != 1) {
    return 0;
  }
  return keys::DecodeFixed64(reinterpret_cast<const char*>(digest));
}

class ChainHeadFinder : public rocksdb::WriteBatch::Handler {
 public:
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    keys::ChainHead head;
    if (cf == 0 && key == rocksdb::Slice(chain_key_) &&
        keys::DecodeChainHead(absl::string_view(value.data(), value.size()),
                              &head)) {
      position = head.position;
    }
    return rocksdb::Status::OK();
  }
  // Nothing else matters here; all other operations are accepted.
  rocksdb::Status DeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t, const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t, const rocksdb::Slice&,
                          const rocksdb::Slice&) override {
    return rocksdb::Status::OK();
  }
  void LogData(const rocksdb::Slice&) override {}

  uint64_t position = 0;

 private:
  const std::string chain_key_ = keys::ChainKey();
};

// RocksDB's fixed-width integers are little-endian.
uint64_t LittleEndian(const char* p, int bytes) {
  uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<uint8_t>(p[i]);
  }
  return value;
}

std::string FileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

RecoveryLogger::RecoveryLogger(std::shared_ptr<rocksdb::Logger> target)
    : rocksdb::Logger(target != nullptr ? target->GetInfoLogLevel()
                                        : rocksdb::InfoLogLevel::WARN_LEVEL),
      target_(std::move(target)) {}

void RecoveryLogger::Capture(const char* format, va_list ap) {
  char buf[1024];
  va_list copy;
  va_copy(copy, ap);
  std::vsnprintf(buf, sizeof(buf), format, copy);
  va_end(copy);
  if (!absl::StrContains(buf, ": dropping ")) return;
  std::lock_guard<std::mutex> l(mu_);
  if (dropped_.size() < 16) dropped_.emplace_back(buf);
}

void RecoveryLogger::Logv(const char* format, va_list ap) {
  Capture(format, ap);
  if (target_ != nullptr) target_->Logv(format, ap);
}

void RecoveryLogger::Logv(rocksdb::InfoLogLevel level, const char* format,
                          va_list ap) {
  Capture(format, ap);
  if (target_ != nullptr) target_->Logv(level, format, ap);
}

void RecoveryLogger::Flush() {
  if (target_ != nullptr) target_->Flush();
}

size_t RecoveryLogger::GetLogFileSize() const {
  return target_ != nullptr ? target_->GetLogFileSize() : 0;
}

std::vector<std::string> RecoveryLogger::Dropped() const {
  std::lock_guard<std::mutex> l(mu_);
  return dropped_;
}

rocksdb::WalFilter::WalProcessingOption WalTracker::LogRecordFound(
    unsigned long long log_number, const std::string& log_file_name,
    const rocksdb::WriteBatch& batch, rocksdb::WriteBatch* /*new_batch*/,
    bool* batch_changed) {
  *batch_changed = false;
  // Past a hole nothing counts as read intact.
  if (!violation_.empty()) return WalProcessingOption::kCorruptedRecord;
  if (!last_file_.empty() && log_number != log_number_ &&
      end_offset_ != file_size_) {
    // The previous log is not the last one: a cut in it is not a torn
    // tail but a hole in the middle of the log.
    return Violation(absl::StrCat(
        "the write-ahead log ", FileName(last_file_), " is ", file_size_,
        " bytes long but its intact records end at byte offset ", end_offset_,
        ", and it is not the last log (", FileName(log_file_name),
        " follows)"));
  }
  if (last_file_.empty() || log_number != log_number_) {
    log_number_ = log_number;
    last_file_ = log_file_name;
    end_offset_ = 0;
    block_offset_ = 0;
    // Now, while it exists: once replayed, the open may delete it.
    struct stat st;
    file_size_ =
        stat(log_file_name.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
  }
  // A write batch starts with its sequence number (8 bytes) and the
  // number of its operations (4 bytes), each using one sequence number.
  const std::string& data = batch.Data();
  if (data.size() < 12) {
    return Violation(absl::StrCat(
        "the write-ahead log ", FileName(last_file_),
        " holds a malformed record after byte offset ", end_offset_));
  }
  const uint64_t sequence = LittleEndian(data.data(), 8);
  const uint64_t count = LittleEndian(data.data() + 8, 4);
  if (next_sequence_ != 0 && sequence != next_sequence_) {
    return Violation(
        absl::StrCat("the write-ahead log ", FileName(last_file_),
                     " skips from sequence number ", next_sequence_, " to ",
                     sequence, " after byte offset ", end_offset_,
                     " (records in the middle of the log are missing)"));
  }
  next_sequence_ = sequence + count;
  // Where the writer put this record's fragments.
  uint64_t left = batch.GetDataSize();
  bool first = true;
  while (first || left > 0) {
    first = false;
    const uint64_t room = kLogBlockSize - block_offset_;
    if (room < kLogHeaderSize) {
      end_offset_ += room;
      block_offset_ = 0;
    }
    const uint64_t fragment =
        std::min(left, kLogBlockSize - block_offset_ - kLogHeaderSize);
    end_offset_ += kLogHeaderSize + fragment;
    block_offset_ += kLogHeaderSize + fragment;
    left -= fragment;
  }
  ChainHeadFinder finder;
  if (batch.Iterate(&finder).ok() && finder.position != 0) {
    last_position_ = finder.position;
  }
  return WalProcessingOption::kContinueProcessing;
}

rocksdb::WalFilter::WalProcessingOption WalTracker::Violation(
    std::string what) {
  if (violation_.empty()) violation_ = std::move(what);
  return WalProcessingOption::kCorruptedRecord;
}

std::string DescribeOpenCorruption(const std::string& rocks_message,
                                   const RecoveryLogger& logger,
                                   const WalTracker& tracker) {
  if (!tracker.violation().empty()) {
    std::string message = tracker.violation();
    if (tracker.last_position() != 0) {
      absl::StrAppend(&message, "; the last position read intact is ",
                      tracker.last_position(),
                      " and acknowledged events after it may be lost");
    }
    absl::StrAppend(&message,
                    ". The store refuses to open: restore the latest backup, "
                    "or salvage the intact part deliberately (see the "
                    "operations guide)");
    return message;
  }
  const std::vector<std::string> dropped = logger.Dropped();
  if (dropped.empty()) return rocks_message;
  // "<path>: dropping <n> bytes; <reason>"
  const std::string& line = dropped.front();
  const std::string path = line.substr(0, line.find(": dropping "));
  const std::string reason = line.substr(line.find("; ") + 2);
  std::string message = absl::StrCat("the write-ahead log ", FileName(path),
                                     " is damaged (", reason, ")");
  // The two name the directory differently; the file number is the same.
  if (!tracker.last_file().empty() &&
      FileName(path) == FileName(tracker.last_file())) {
    absl::StrAppend(&message, " after byte offset ", tracker.end_offset(),
                    ", where its last intact record ends");
  } else {
    absl::StrAppend(&message, " from its first record");
  }
  if (tracker.last_position() != 0) {
    absl::StrAppend(&message, "; the last position read intact is ",
                    tracker.last_position(),
                    " and acknowledged events after it may be lost");
  } else {
    absl::StrAppend(&message, "; acknowledged events in this log may be lost");
  }
  absl::StrAppend(&message,
                  ". The store refuses to open: restore the latest backup, or "
                  "salvage the intact part deliberately (see the operations "
                  "guide)");
  return message;
}

uint64_t TornTailBytes(const WalTracker& tracker) {
  const uint64_t size = tracker.file_size();
  return size > tracker.end_offset() ? size - tracker.end_offset() : 0;
}

absl::StatusOr<std::optional<keys::ChainHead>> HeadWitness::Read(
    const std::string& dir, bool* zeroed) {
  if (zeroed != nullptr) *zeroed = false;
  const std::string path = absl::StrCat(dir, "/", kFileName);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    return absl::PermissionDeniedError(
        absl::StrCat(path, " cannot be read: ", std::strerror(errno)));
  }
  char buf[kWitnessSize];
  const ssize_t n = pread(fd, buf, sizeof(buf), 0);
  close(fd);
  if (n == 0) return std::nullopt;  // created, never written: no claim yet
  if (n > 0 && std::all_of(buf, buf + n, [](char c) { return c == 0; })) {
    // Created and sized, but a power cut came before the first write
    // reached the disk: no claim was ever recorded.
    if (zeroed != nullptr) *zeroed = true;
    return std::nullopt;
  }
  keys::ChainHead head;
  bool valid = false;
  if (n == static_cast<ssize_t>(kWitnessSize)) {
    head.position = keys::DecodeFixed64(buf + 8);
    const uint64_t check = keys::DecodeFixed64(buf + kWitnessChecked);
    if (std::memcmp(buf, kWitnessMagic, sizeof(kWitnessMagic)) == 0) {
      valid = check == WitnessCheck(buf);
    } else if (std::memcmp(buf, kWitnessMagicV1, sizeof(kWitnessMagicV1)) ==
               0) {
      valid = check == (head.position ^ kWitnessCheckV1);
    }
  }
  if (!valid) {
    return absl::DataLossError(absl::StrCat(
        path, " does not hold a readable acknowledged head (damaged?)"));
  }
  std::memcpy(head.hash.data(), buf + 16, keys::kHashSize);
  return head;
}

absl::StatusOr<std::unique_ptr<HeadWitness>> HeadWitness::Open(
    const std::string& dir) {
  const std::string path = absl::StrCat(dir, "/", kFileName);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat(path, " cannot be written: ", std::strerror(errno)));
  }
  return std::unique_ptr<HeadWitness>(new HeadWitness(fd));
}

HeadWitness::~HeadWitness() { close(fd_); }

void HeadWitness::Record(const keys::ChainHead& head) {
  std::string buf(kWitnessMagic, sizeof(kWitnessMagic));
  keys::PutFixed64(&buf, head.position);
  buf.append(reinterpret_cast<const char*>(head.hash.data()), keys::kHashSize);
  keys::PutFixed64(&buf, WitnessCheck(buf.data()));
  // One write within one page: it lands whole or not at all.
  [[maybe_unused]] const ssize_t n = pwrite(fd_, buf.data(), buf.size(), 0);
}

}  // namespace atgard::eventstore::internal
