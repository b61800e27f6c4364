// EventStore::Salvage(): builds a new store from the intact prefix of a
// damaged one, on record. See event_store.h for the contract.
//
// The damaged directory is evidence, so nothing opens it: its files are
// copied verbatim (and hashed) first, and RocksDB only ever sees the copy,
// read-only when it can be. The salvaged store is written afresh rather
// than repaired in place: a copy with a damaged table would keep failing
// its checksums (Verify() reads every block) and could never be compacted,
// while a fresh store holds only bytes that were read intact.
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/canonical.h"
#include "eventstore/event_store.h"
#include "eventstore/key_space.h"
#include "eventstore/keys.h"
#include "eventstore/recovery.h"
#include "nlohmann/json.hpp"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace atgard::eventstore {
namespace {

namespace fs = std::filesystem;
using internal::HeadWitness;
using internal::RecoveryLogger;
using internal::WalTracker;

constexpr char kScratchDirName[] = ".salvage-scratch";
// Kept events are written in batches of about this size.
constexpr size_t kBatchBytes = 4 << 20;

absl::string_view ToView(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

absl::string_view HashView(const keys::Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

absl::Status Rocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  if (s.IsCorruption()) {
    return absl::DataLossError(absl::StrCat(what, ": ", s.ToString()));
  }
  return absl::InternalError(absl::StrCat(what, ": ", s.ToString()));
}

absl::Status Errno(absl::string_view what, const std::string& path) {
  return absl::PermissionDeniedError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Copies `from` to `to` (mode 0600, synced) and returns its SHA-256 in hex.
absl::StatusOr<std::string> CopyFile(const fs::path& from, const fs::path& to,
                                     uint64_t* bytes) {
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Errno("cannot read", from.string());
  const int out =
      open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return Errno("cannot create", to.string());
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(),
                                                             EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  absl::Status status;
  *bytes = 0;
  while (true) {
    const ssize_t n = read(in, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Errno("cannot read", from.string());
      break;
    }
    if (n == 0) break;
    EVP_DigestUpdate(md.get(), buf.data(), static_cast<size_t>(n));
    *bytes += static_cast<uint64_t>(n);
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(out, buf.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        status = Errno("cannot write", to.string());
        break;
      }
      done += w;
    }
    if (!status.ok()) break;
  }
  if (status.ok() && fsync(out) != 0)
    status = Errno("cannot sync", to.string());
  close(in);
  close(out);
  if (!status.ok()) return status;
  keys::Hash digest;
  unsigned int size = 0;
  EVP_DigestFinal_ex(md.get(), digest.data(), &size);
  return HexHash(digest);
}

void SyncDirectory(const fs::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  fsync(fd);
  close(fd);
}

// True if another process holds the store's LOCK (RocksDB locks it with
// fcntl); F_GETLK only asks, it takes nothing.
bool LockedElsewhere(const fs::path& dir) {
  const int fd = open((dir / "LOCK").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool locked = fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  close(fd);
  return locked;
}

// Ascending positions, kept as inclusive ranges.
class Ranges {
 public:
  void Add(uint64_t p) {
    if (!ranges_.empty() && ranges_.back().last + 1 == p) {
      ranges_.back().last = p;
    } else {
      ranges_.push_back({p, p});
    }
  }
  const std::vector<PositionRange>& get() const { return ranges_; }

 private:
  std::vector<PositionRange> ranges_;
};

// The name of a table file that a RocksDB message names, if any.
std::string TableNamedIn(const std::string& message) {
  const size_t sst = message.find(".sst");
  if (sst == std::string::npos) return "";
  size_t begin = sst;
  while (begin > 0 && message[begin - 1] != '/' && message[begin - 1] != ' ') {
    --begin;
  }
  return message.substr(begin, sst + 4 - begin);
}

std::string FileName(const std::string& path) {
  return fs::path(path).filename().string();
}

// Writes the kept part into the new store, in batches.
class Writer {
 public:
  explicit Writer(rocksdb::DB* db) : db_(db) {}
  absl::Status Put(absl::string_view key, absl::string_view value) {
    batch_.Put(rocksdb::Slice(key.data(), key.size()),
               rocksdb::Slice(value.data(), value.size()));
    if (batch_.GetDataSize() >= kBatchBytes) return Write(false);
    return absl::OkStatus();
  }
  absl::Status Write(bool sync) {
    rocksdb::WriteOptions options;
    options.sync = sync;
    const rocksdb::Status s = db_->Write(options, &batch_);
    batch_.Clear();
    return Rocks(s, "writing the salvaged store");
  }

 private:
  rocksdb::DB* const db_;
  rocksdb::WriteBatch batch_;
};

absl::Status WriteReport(const SalvageReport& r, absl::Time at,
                         const fs::path& target) {
  nlohmann::ordered_json j;
  j["format"] = "atgard-salvage-report/1";
  j["salvaged_at"] =
      absl::FormatTime(absl::RFC3339_sec, at, absl::UTCTimeZone());
  j["damaged_dir"] = r.damaged_path;
  j["salvaged_dir"] = r.target_path;
  j["copy_of_damaged_files"] = SalvageReport::kCopyDirName;
  j["recovery"] = r.recovery;
  j["kept"] = r.kept_head == 0
                  ? nlohmann::ordered_json(nullptr)
                  : nlohmann::ordered_json{{"first", 1}, {"last", r.kept_head}};
  j["chain_end"] = r.chain_end;
  j["acknowledged_head"] = r.acknowledged_head;
  j["acknowledged_sources"] = r.acknowledged_sources;
  j["given_up"] = r.given_up.first == 0
                      ? nlohmann::ordered_json(nullptr)
                      : nlohmann::ordered_json{
                            {"first", r.given_up.first},
                            {"last", r.given_up.last},
                            {"count", r.given_up.last - r.given_up.first + 1}};
  auto ranges = [](const std::vector<PositionRange>& v) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const PositionRange& p : v) {
      a.push_back({{"first", p.first}, {"last", p.last}});
    }
    return a;
  };
  j["present_but_unreachable"] = ranges(r.present_but_unreachable);
  j["unreadable"] = ranges(r.unreadable);
  j["extent_known"] = r.extent_known;
  j["evidence_lost"] = r.lost();
  j["affected_streams"] = r.affected_streams;
  j["damaged_files"] = r.damaged_files;
  j["checkpoints_lowered"] = r.checkpoints_lowered;
  j["command_records_dropped"] = r.command_records_dropped;
  j["command_records_unreadable"] = r.command_records_unreadable;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (const SalvageReport::CopiedFile& f : r.copied_files) {
    files.push_back(
        {{"name", f.name}, {"bytes", f.bytes}, {"sha256", f.sha256}});
  }
  j["copied_files"] = std::move(files);
  j["not_copied"] = r.not_copied;
  j["salvaged_store_verified"] = true;
  const std::string text =
      j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
      "\n";

  const fs::path path = target / SalvageReport::kFileName;
  const int fd =
      open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", path.string());
  const bool written = write(fd, text.data(), text.size()) ==
                           static_cast<ssize_t>(text.size()) &&
                       fsync(fd) == 0;
  close(fd);
  if (!written) return Errno("cannot write", path.string());
  SyncDirectory(target);
  return absl::OkStatus();
}

// What the walk over the damaged log found.
struct Walk {
  uint64_t kept = 0;
  keys::Hash kept_hash{};
  std::string chain_end;
  Ranges present;
  Ranges unreadable;
  uint64_t last_present = 0;
  std::set<std::string> streams;
  std::map<std::string, keys::StreamHead> heads;
};

// Why the event stored under `position` does not extend the chain that ends
// at `kept` with `previous`; empty if it does.
std::string CheckEvent(uint64_t position, absl::string_view bytes,
                       uint64_t kept, const keys::Hash& previous,
                       const std::map<std::string, keys::StreamHead>& heads,
                       v1::EventEnvelope* event, std::string* scratch) {
  if (position != kept + 1) {
    return absl::StrCat("positions ", kept + 1, "..", position - 1,
                        " are missing from the log");
  }
  if (!event->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::StrCat("the event at position ", position, " does not parse");
  }
  if (event->global_position() != position) {
    return absl::StrCat("the event at position ", position, " names position ",
                        event->global_position());
  }
  if (event->previous_hash() != HashView(previous)) {
    return absl::StrCat("the chain link of position ", position,
                        " is broken (previous_hash differs from the hash of "
                        "the event before)");
  }
  if (event->hash() != HashView(EventHash(*event, scratch))) {
    return absl::StrCat("the hash of position ", position, " does not match");
  }
  std::string again;
  event->AppendToString(&again);
  if (again != bytes) {
    return absl::StrCat("the stored bytes of position ", position,
                        " are not the envelope's own encoding");
  }
  const auto head = heads.find(event->stream_id());
  const uint64_t version = head == heads.end() ? 0 : head->second.version;
  if (event->stream_version() != version + 1) {
    return absl::StrCat("position ", position, " is version ",
                        event->stream_version(), " of stream ",
                        event->stream_id(), ", which was at version ", version);
  }
  return "";
}

}  // namespace

absl::StatusOr<SalvageReport> EventStore::Salvage(
    const SalvageOptions& options) {
  const absl::Time started = options.clock ? options.clock() : absl::Now();
  std::error_code ec;
  if (options.damaged_path.empty() || options.target_path.empty()) {
    return absl::InvalidArgumentError(
        "salvage needs the damaged store's directory and a target");
  }
  const fs::path damaged = fs::absolute(options.damaged_path, ec);
  const fs::path target = fs::absolute(options.target_path, ec);
  if (!fs::is_directory(damaged, ec)) {
    return absl::NotFoundError(
        absl::StrCat("damaged store ", damaged.string(), " does not exist"));
  }
  if (!fs::exists(damaged / "CURRENT", ec)) {
    bool manifest = false;
    for (const auto& e : fs::directory_iterator(damaged, ec)) {
      manifest |= absl::StartsWith(e.path().filename().string(), "MANIFEST-");
    }
    if (!manifest) {
      return absl::NotFoundError(absl::StrCat(
          "damaged store ", damaged.string(),
          " holds no store (neither CURRENT nor a MANIFEST file)"));
    }
  }
  {
    const fs::path d = fs::weakly_canonical(damaged, ec);
    const fs::path t = fs::weakly_canonical(target, ec);
    const auto [d_end, t_at] =
        std::mismatch(d.begin(), d.end(), t.begin(), t.end());
    if (d_end == d.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "salvage target ", target.string(), " lies inside the damaged store ",
          damaged.string(), ", which must not change"));
    }
  }
  if (LockedElsewhere(damaged)) {
    return absl::FailedPreconditionError(
        absl::StrCat("damaged store ", damaged.string(),
                     " is open in another process (its LOCK is held); stop "
                     "the server first"));
  }
  if (fs::exists(target, ec) && !fs::is_empty(target, ec)) {
    return absl::FailedPreconditionError(
        absl::StrCat("salvage target ", target.string(), " is not empty"));
  }
  RETURN_IF_ERROR(CreatePrivateDirectory(target.string(), "salvage target"));
  if (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "salvage target ", target.string(), " is not an empty directory"));
  }

  SalvageReport report;
  report.damaged_path = damaged.string();
  report.target_path = target.string();

  // 1. The verbatim copy, hashed, in name order.
  const fs::path copy = target / SalvageReport::kCopyDirName;
  RETURN_IF_ERROR(CreatePrivateDirectory(copy.string(), "salvage copy"));
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(damaged, ec)) {
    entries.push_back(e.path());
  }
  if (ec) return Errno("cannot list", damaged.string());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& from : entries) {
    const std::string name = from.filename().string();
    if (!fs::is_regular_file(fs::symlink_status(from, ec))) {
      report.not_copied.push_back(name);
      continue;
    }
    SalvageReport::CopiedFile file{.name = name};
    absl::StatusOr<std::string> digest =
        CopyFile(from, copy / name, &file.bytes);
    if (!digest.ok()) return digest.status();
    file.sha256 = *std::move(digest);
    report.copied_files.push_back(std::move(file));
  }
  SyncDirectory(copy);

  // 2. Open the copy: read-only with point-in-time replay of the log, or,
  // when the MANIFEST cannot be used, a scratch copy with best efforts.
  WalTracker tracker;
  auto logger = std::make_shared<RecoveryLogger>(nullptr);
  rocksdb::Options source_options;
  source_options.create_if_missing = false;
  source_options.info_log = logger;
  source_options.wal_filter = &tracker;
  source_options.wal_recovery_mode =
      rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status rs =
      rocksdb::DB::OpenForReadOnly(source_options, copy.string(), &raw);
  fs::path scratch;
  if (rs.ok()) {
    report.recovery =
        "point-in-time replay of the write-ahead log (read-only, on the copy)";
  } else {
    report.damaged_files.push_back(
        absl::StrCat("the point-in-time open failed: ", rs.ToString()));
    scratch = target / kScratchDirName;
    RETURN_IF_ERROR(CreatePrivateDirectory(scratch.string(), "scratch"));
    for (const SalvageReport::CopiedFile& f : report.copied_files) {
      uint64_t bytes = 0;
      absl::StatusOr<std::string> ignored =
          CopyFile(copy / f.name, scratch / f.name, &bytes);
      if (!ignored.ok()) return ignored.status();
    }
    source_options.wal_filter = nullptr;
    source_options.best_efforts_recovery = true;
    rs = rocksdb::DB::Open(source_options, scratch.string(), &raw);
    if (!rs.ok()) {
      return Rocks(rs, absl::StrCat("damaged store ", damaged.string(),
                                    ": not even its tables can be opened, "
                                    "with best efforts"));
    }
    report.recovery =
        "best-efforts recovery from the newest usable MANIFEST (on a scratch "
        "copy); the write-ahead log was not replayed";
  }
  std::unique_ptr<rocksdb::DB> source(raw);
  for (const std::string& line : logger->Dropped()) {
    // "<path>: dropping <n> bytes; <reason>"
    const size_t colon = line.find(": dropping ");
    report.damaged_files.push_back(
        colon == std::string::npos
            ? line
            : absl::StrCat(FileName(line.substr(0, colon)),
                           line.substr(colon)));
  }
  bool log_damaged = !logger->Dropped().empty();
  if (!scratch.empty()) {
    for (const SalvageReport::CopiedFile& f : report.copied_files) {
      log_damaged |= absl::EndsWith(f.name, ".log") && f.bytes > 0;
    }
  }

  // What the damaged store said it had acknowledged.
  std::string value;
  uint64_t limit = 0;
  auto claim = [&](absl::string_view source_name, uint64_t position) {
    if (position == 0) return;
    report.acknowledged_sources.push_back(
        absl::StrCat(source_name, " ", position));
    report.acknowledged_head = std::max(report.acknowledged_head, position);
    limit = std::max(limit, position);
  };
  for (const auto& [name, key] : {std::pair<const char*, std::string>{
                                      "hash-chain head", keys::ChainKey()},
                                  {"clean-stop record", keys::StopKey()}}) {
    keys::ChainHead head;
    rs = source->Get(rocksdb::ReadOptions(), key, &value);
    if (rs.ok() && keys::DecodeChainHead(value, &head)) {
      claim(name, head.position);
    } else if (!rs.ok() && !rs.IsNotFound()) {
      report.damaged_files.push_back(
          absl::StrCat("the ", name, " cannot be read: ", rs.ToString()));
    }
  }
  absl::StatusOr<std::optional<keys::ChainHead>> witnessed =
      HeadWitness::Read(copy.string());
  if (witnessed.ok() && witnessed->has_value()) {
    claim(absl::StrCat(HeadWitness::kFileName, " witness"),
          (*witnessed)->position);
  } else if (!witnessed.ok()) {
    report.damaged_files.push_back(
        absl::StrCat(HeadWitness::kFileName, ": unreadable"));
  }
  if (tracker.last_position() != 0) {
    limit = std::max(limit, tracker.last_position());
  }

  const std::string events_lower(1, static_cast<char>(keys::Space::kEvent));
  const std::string events_upper = keys::EventKeyUpperBound();
  const rocksdb::Slice events_lower_slice(events_lower);
  const rocksdb::Slice events_upper_slice(events_upper);
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;
  scan.iterate_lower_bound = &events_lower_slice;
  scan.iterate_upper_bound = &events_upper_slice;
  {
    std::unique_ptr<rocksdb::Iterator> it(source->NewIterator(scan));
    it->SeekToLast();
    uint64_t last = 0;
    if (it->Valid() && keys::ParseEventKey(ToView(it->key()), &last)) {
      limit = std::max(limit, last);
    }
  }
  // The stream index may name positions whose events cannot be read.
  rocksdb::ReadOptions index_scan;
  index_scan.fill_cache = false;
  {
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *source, keys::Space::kStreamIndex, index_scan);
    for (; ix->Valid(); ix->Next()) {
      if (ix->value().size() == 8) {
        limit = std::max(limit, keys::DecodeFixed64(ix->value().data()));
      }
    }
  }

  // 3 and 4. The new store, written as the chain verifies.
  rocksdb::Options target_options;
  target_options.create_if_missing = true;
  target_options.error_if_exists = true;
  rocksdb::DB* target_raw = nullptr;
  rs = rocksdb::DB::Open(target_options, target.string(), &target_raw);
  if (!rs.ok()) {
    return Rocks(
        rs, absl::StrCat("creating the salvaged store in ", target.string()));
  }
  std::unique_ptr<rocksdb::DB> out(target_raw);
  Writer writer(out.get());
  RETURN_IF_ERROR(writer.Put(keys::FormatKey(), keys::kFormatValue));

  Walk walk;
  bool intact = true;
  auto end_chain = [&](std::string why) {
    if (intact) walk.chain_end = std::move(why);
    intact = false;
  };
  v1::EventEnvelope event;
  std::string hash_scratch;
  std::string index_value;
  // Each event found, in position order: kept while the chain verifies,
  // given up (but named) after.
  auto visit = [&](uint64_t position, absl::string_view bytes) {
    walk.last_present = std::max(walk.last_present, position);
    if (intact) {
      std::string why = CheckEvent(position, bytes, walk.kept, walk.kept_hash,
                                   walk.heads, &event, &hash_scratch);
      if (why.empty()) {
        walk.kept = position;
        std::memcpy(walk.kept_hash.data(), event.hash().data(),
                    keys::kHashSize);
        keys::StreamHead& head = walk.heads[event.stream_id()];
        if (head.version == 0) head.first_position = position;
        head.version = event.stream_version();
        head.last_position = position;
        index_value.clear();
        keys::PutFixed64(&index_value, position);
        absl::Status s = writer.Put(keys::EventKey(position), bytes);
        if (!s.ok()) return s;
        return writer.Put(
            keys::StreamIndexKey(event.stream_id(), event.stream_version()),
            index_value);
      }
      end_chain(std::move(why));
    }
    walk.present.Add(position);
    if (event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      walk.streams.insert(event.stream_id());
    }
    return absl::OkStatus();
  };
  uint64_t next = 1;
  {
    std::unique_ptr<rocksdb::Iterator> it(source->NewIterator(scan));
    for (it->Seek(keys::EventKey(1)); it->Valid(); it->Next()) {
      uint64_t position = 0;
      if (!keys::ParseEventKey(ToView(it->key()), &position)) {
        end_chain("a malformed key in the event log");
        continue;
      }
      next = position + 1;
      RETURN_IF_ERROR(visit(position, ToView(it->value())));
    }
    if (!it->status().ok()) {
      // A block of the log cannot be read: from `next` on, each position
      // is read on its own, to tell what is still there from what is not.
      const std::string problem = it->status().ToString();
      const std::string table = TableNamedIn(problem);
      report.damaged_files.push_back(
          table.empty() ? problem : absl::StrCat(table, ": ", problem));
      for (uint64_t position = next; position <= limit; ++position) {
        rs = source->Get(rocksdb::ReadOptions(), keys::EventKey(position),
                         &value);
        if (rs.ok()) {
          RETURN_IF_ERROR(visit(position, value));
        } else if (rs.IsCorruption()) {
          end_chain(absl::StrCat("position ", position,
                                 " cannot be read: ", rs.ToString()));
          walk.unreadable.Add(position);
        } else if (!rs.IsNotFound()) {
          return Rocks(rs, "reading the damaged store's copy");
        }
      }
    }
  }
  if (intact && limit > walk.kept) {
    walk.chain_end = absl::StrCat(
        "the log recovered from the damaged files ends at position ",
        walk.kept);
  }

  // Stream heads, idempotency records and checkpoints that refer to the
  // kept part; the chain head, stop record and witness at the kept head.
  for (const auto& [id, head] : walk.heads) {
    RETURN_IF_ERROR(
        writer.Put(keys::StreamHeadKey(id), keys::EncodeStreamHead(head)));
  }
  {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it =
        internal::NewSpaceIterator(*source, keys::Space::kCommand, ro);
    for (; it->Valid(); it->Next()) {
      keys::CommandRecord record;
      if (!keys::DecodeCommandRecord(ToView(it->value()), &record) ||
          record.last_position > walk.kept) {
        ++report.command_records_dropped;
        continue;
      }
      RETURN_IF_ERROR(writer.Put(ToView(it->key()), ToView(it->value())));
    }
    report.command_records_unreadable = !it->status().ok();
  }
  {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it =
        internal::NewSpaceIterator(*source, keys::Space::kCheckpoint, ro);
    for (; it->Valid(); it->Next()) {
      if (it->value().size() != 8) continue;
      const uint64_t position = keys::DecodeFixed64(it->value().data());
      std::string lowered;
      keys::PutFixed64(&lowered, std::min(position, walk.kept));
      if (position > walk.kept) {
        report.checkpoints_lowered.push_back(absl::StrCat(
            ToView(it->key()).substr(1), ": ", position, " -> ", walk.kept));
      }
      RETURN_IF_ERROR(writer.Put(ToView(it->key()), lowered));
    }
    if (!it->status().ok()) {
      report.damaged_files.push_back(absl::StrCat(
          "reader checkpoints cannot all be read: ", it->status().ToString()));
    }
  }
  const keys::ChainHead chain{.position = walk.kept, .hash = walk.kept_hash};
  if (walk.kept > 0) {
    const std::string encoded = keys::EncodeChainHead(chain);
    RETURN_IF_ERROR(writer.Put(keys::ChainKey(), encoded));
    RETURN_IF_ERROR(writer.Put(keys::StopKey(), encoded));
  }
  RETURN_IF_ERROR(writer.Write(/*sync=*/true));
  RETURN_IF_ERROR(Rocks(out->Flush(rocksdb::FlushOptions()),
                        "flushing the salvaged store"));
  RETURN_IF_ERROR(Rocks(out->Close(), "closing the salvaged store"));
  out.reset();

  // Streams of the given-up positions, as the index names them.
  {
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *source, keys::Space::kStreamIndex, index_scan);
    for (; ix->Valid(); ix->Next()) {
      absl::string_view id;
      uint64_t version = 0;
      if (ix->value().size() == 8 &&
          keys::DecodeFixed64(ix->value().data()) > walk.kept &&
          keys::ParseStreamIndexKey(ToView(ix->key()), &id, &version)) {
        walk.streams.insert(std::string(id));
      }
    }
  }
  source->Close().PermitUncheckedError();
  source.reset();
  if (!scratch.empty()) fs::remove_all(scratch, ec);

  {
    absl::StatusOr<std::unique_ptr<HeadWitness>> witness =
        HeadWitness::Open(target.string());
    if (!witness.ok()) return witness.status();
    (*witness)->Record(chain);
  }

  // 5. The salvaged store must open as any store does, and verify.
  {
    absl::StatusOr<std::unique_ptr<EventStore>> store =
        EventStore::Open({.path = target.string(), .create_if_missing = false});
    if (!store.ok()) {
      return absl::InternalError(absl::StrCat(
          "the salvaged store does not open: ", store.status().message()));
    }
    if ((*store)->HeadPosition() != walk.kept) {
      return absl::InternalError(absl::StrCat(
          "the salvaged store opened at position ", (*store)->HeadPosition(),
          ", not at the kept head ", walk.kept));
    }
    absl::StatusOr<VerifyReport> verified = (*store)->Verify();
    if (!verified.ok()) return verified.status();
    if (!verified->ok) {
      return absl::InternalError(
          absl::StrCat("the salvaged store does not verify at position ",
                       verified->first_bad_position, ": ", verified->problem));
    }
  }

  report.kept_head = walk.kept;
  report.chain_end = walk.chain_end;
  const uint64_t end = std::max(
      {report.acknowledged_head, walk.last_present,
       walk.unreadable.get().empty() ? 0 : walk.unreadable.get().back().last});
  if (end > walk.kept) report.given_up = {walk.kept + 1, end};
  report.present_but_unreachable = walk.present.get();
  report.unreadable = walk.unreadable.get();
  // A damaged (or unreplayed) log whose end no surviving record tells may
  // have held more than was found.
  report.extent_known = !log_damaged || report.acknowledged_head > walk.kept;
  report.affected_streams.assign(walk.streams.begin(), walk.streams.end());

  RETURN_IF_ERROR(WriteReport(report, started, target));
  return report;
}

}  // namespace atgard::eventstore
