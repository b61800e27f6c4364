// The disk reserve: free space the event store leaves on its data
// directory's file system, so that a full disk is an answered error and
// never reaches RocksDB. RocksDB does not survive ENOSPC in its write-ahead
// log (Debian builds it with assertions: the process aborts), and a store
// that hit it in a flush would refuse writes until restarted. So the store
// refuses an append before it would take the free space below the reserve,
// and takes appends again by itself once space is freed.
//
// The reserve is the room for what RocksDB and the store still write while
// appends are refused, and it must hold all of it at once:
//   - the memtable flush at shutdown and at the next start (up to
//     2 x write_buffer_size: the memtable being filled and one waiting);
//   - one compaction: Open() bounds what a single compaction may read by
//     CompactionBound(reserve) (RocksDB's max_compaction_bytes), and so
//     about what it writes before its inputs are deleted. RocksDB keeps to
//     it when it widens a compaction; a compaction of level 0 still takes
//     all the overlapping level-0 files, a few memtables' worth.
//     Open() also gives RocksDB an SstFileManager whose compaction buffer
//     is the reserve. RocksDB 7.8 checks that buffer against the free space
//     only once it has met a NoSpace error (it then starts no compaction
//     that would leave less), and the manager is what lets RocksDB try to
//     recover from such an error by itself when space is freed; neither is
//     relied on to keep the disk from filling.
//   - reader checkpoints and the read log, which may use half the reserve;
//     checkpoints are counted in the guard's spending estimate like
//     appends.
// Backups into a directory on the same file system are refused unless they
// leave the reserve free (EventStore::CreateBackup).
//
// What the operator sizes: a reserve of at least
// MinimumSensibleReserve() (2 x write_buffer_size + the compaction bound;
// Open() warns through Options::on_disk_reserve_sizing when it is
// smaller), and, for backups on the data directory's file system, room
// for a full copy of the store above the reserve.
#ifndef ATGARD_EVENTSTORE_DISK_RESERVE_H_
#define ATGARD_EVENTSTORE_DISK_RESERVE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/sync.h"

namespace rocksdb {
class DB;
}

namespace atgard::eventstore {

// How much free space to leave: a size, a share of the file system's size,
// or the smaller of both.
class DiskReserve {
 public:
  // The default (abseil flags want one).
  DiskReserve() : DiskReserve(Default()) {}
  // 1 GiB or 5 % of the file system, whichever is smaller.
  static DiskReserve Default() { return DiskReserve(uint64_t{1} << 30, 5.0); }
  static DiskReserve Bytes(uint64_t bytes) {
    return DiskReserve(bytes, std::nullopt);
  }
  // `percent` of the file system's size, in (0, 100).
  static DiskReserve Percent(double percent) {
    return DiskReserve(std::nullopt, percent);
  }
  // No reserve: the store writes until the disk is full.
  static DiskReserve Off() { return Bytes(0); }

  // "1GiB", "512MiB", "64KiB", "1TiB", "1048576" (bytes), "5%", "0" (off),
  // and "min(1GiB,5%)" (the default). INVALID_ARGUMENT otherwise.
  static absl::StatusOr<DiskReserve> Parse(absl::string_view text);

  bool off() const;
  // The reserve in bytes on a file system of `file_system_bytes`.
  uint64_t BytesOf(uint64_t file_system_bytes) const;
  // The form Parse() reads.
  std::string ToString() const;

  friend bool operator==(const DiskReserve&, const DiskReserve&) = default;

 private:
  DiskReserve(std::optional<uint64_t> bytes, std::optional<double> percent)
      : bytes_(bytes), percent_(percent) {}
  std::optional<uint64_t> bytes_;
  std::optional<double> percent_;
};

// For --disk_reserve (abseil flags).
bool AbslParseFlag(absl::string_view text, DiskReserve* reserve,
                   std::string* error);
std::string AbslUnparseFlag(const DiskReserve& reserve);

// Space of a file system, as an unprivileged writer sees it.
struct DiskSpace {
  uint64_t available_bytes = 0;  // statvfs f_bavail * f_frsize
  uint64_t total_bytes = 0;      // statvfs f_blocks * f_frsize
};

// statvfs(2) of `path`. INTERNAL with the reason if it fails.
absl::StatusOr<DiskSpace> ProbeDiskSpace(const std::string& path);

// "812 MiB", "3.2 MiB": the unit of the refusal messages.
std::string FormatMiB(uint64_t bytes);

// The most one compaction may read (RocksDB's max_compaction_bytes) under a
// reserve of `reserve_bytes`: a quarter of it, so that a flush and the
// compaction fit in the reserve together, but not below one table file
// (64 MiB), under which compactions would only churn. Zero for no reserve
// (RocksDB's default then applies).
uint64_t CompactionBound(uint64_t reserve_bytes);

// The smallest reserve that holds the shutdown flush (two memtables of
// `write_buffer_bytes`) and one compaction of CompactionBound(reserve).
uint64_t MinimumSensibleReserve(uint64_t reserve_bytes,
                                uint64_t write_buffer_bytes);

namespace internal {

// Decides for the store's writer thread whether an append still fits
// above the reserve. It asks the file system at most every `interval` and,
// in between, subtracts what it admitted; so the check costs a statvfs(2)
// per interval, not per append. Each admitted byte is counted twice: once
// in the write-ahead log, once in the table the memtable is flushed to
// (which, with what the memtable holds already, is also subtracted from
// the free space: the flush at shutdown or at the next start needs it).
//
// Admit() and Recheck() are for the writer thread only; refusing(),
// reserve_exhausted() and status() may be called from any thread.
class DiskGuard {
 public:
  struct Config {
    std::string path;
    DiskReserve reserve = DiskReserve::Default();
    absl::Duration interval = absl::Milliseconds(100);
    // Replaces ProbeDiskSpace(path) when set.
    std::function<absl::StatusOr<DiskSpace>()> probe;
    // Told on the writer thread when refusals start (the refusal) and end
    // (OK).
    std::function<void(const absl::Status&)> on_change;
  };

  explicit DiskGuard(Config config);

  bool off() const { return config_.reserve.off(); }
  const DiskReserve& reserve() const { return config_.reserve; }
  absl::Duration interval() const { return config_.interval; }

  // OK if about `bytes` may be written now; RESOURCE_EXHAUSTED naming the
  // directory, the free space and the reserve otherwise. Appends that
  // `use_reserve` (the read log) may go down to half the reserve, and are
  // admitted while other appends are refused. `db` gives the size of the
  // memtables still to be flushed.
  absl::Status Admit(rocksdb::DB* db, uint64_t bytes, bool use_reserve);

  // Counts `bytes` written outside the writer thread (reader checkpoints)
  // in what the next Admit() subtracts from the free space;
  // twice, like appends: write-ahead log and table. Any thread.
  void Spend(uint64_t bytes) {
    pending_.fetch_add(2 * bytes, std::memory_order_relaxed);
  }

  // While refusing: looks at the disk again once the interval has passed,
  // so that the end of the refusals is noticed without an append.
  void Recheck(rocksdb::DB* db);

  // True from the first refusal until the free space is back above the
  // reserve with a margin (so that a disk at the edge does not flap).
  bool refusing() const { return refusing_.load(std::memory_order_acquire); }
  // True while even appends that may use the reserve are refused.
  bool reserve_exhausted() const {
    return exhausted_.load(std::memory_order_acquire);
  }
  // OK, or the last refusal while refusing().
  absl::Status status() const;

 private:
  void Probe(rocksdb::DB* db, absl::Time now);
  absl::Status Refusal(uint64_t free, uint64_t bytes, bool use_reserve) const;
  void SetRefusing(const absl::Status& refusal);
  void SetAccepting();

  const Config config_;
  // Writer thread only.
  absl::Time last_probe_ = absl::InfinitePast();
  bool probe_ok_ = false;
  // At the last probe: the free space, the memtables' size (what flushing
  // them will take), and the free space less that.
  uint64_t available_ = 0;
  uint64_t flush_ = 0;
  uint64_t free_ = 0;
  uint64_t reserve_ = 0;
  // Counted since the last probe.
  uint64_t spent_ = 0;

  // Spent by other threads since the writer thread last looked (Spend()).
  std::atomic<uint64_t> pending_{0};

  std::atomic<bool> refusing_{false};
  std::atomic<bool> exhausted_{false};
  mutable Mutex mu_;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace internal
}  // namespace atgard::eventstore

#endif  // ATGARD_EVENTSTORE_DISK_RESERVE_H_
