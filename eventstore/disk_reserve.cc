#include "eventstore/disk_reserve.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"

namespace atgard::eventstore {
namespace {

constexpr uint64_t kKiB = uint64_t{1} << 10;
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kTiB = uint64_t{1} << 40;

absl::Status Malformed(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      "disk reserve \"", text,
      "\" is not a size (e.g. 1GiB, 512MiB, 64KiB or bytes), a share of the "
      "file system (e.g. 5%), min(<size>,<share>) or 0 (off)"));
}

// One size or one share; `*is_percent` tells which.
absl::Status ParseOne(absl::string_view text, double* value, bool* is_percent) {
  text = absl::StripAsciiWhitespace(text);
  *is_percent = absl::ConsumeSuffix(&text, "%");
  if (*is_percent) {
    double percent = 0;
    if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &percent) ||
        !std::isfinite(percent) || percent < 0 || percent >= 100) {
      return Malformed(text);
    }
    *value = percent;
    return absl::OkStatus();
  }
  size_t digits = 0;
  while (digits < text.size() &&
         (absl::ascii_isdigit(text[digits]) || text[digits] == '.')) {
    ++digits;
  }
  const std::string unit =
      absl::AsciiStrToLower(absl::StripAsciiWhitespace(text.substr(digits)));
  uint64_t scale = 0;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "kib") {
    scale = kKiB;
  } else if (unit == "mib") {
    scale = kMiB;
  } else if (unit == "gib") {
    scale = kGiB;
  } else if (unit == "tib") {
    scale = kTiB;
  } else {
    return Malformed(text);
  }
  double number = 0;
  if (digits == 0 || !absl::SimpleAtod(text.substr(0, digits), &number) ||
      !std::isfinite(number) || number < 0 ||
      number * static_cast<double>(scale) > static_cast<double>(1ull << 62)) {
    return Malformed(text);
  }
  *value = std::round(number * static_cast<double>(scale));
  return absl::OkStatus();
}

std::string FormatSize(uint64_t bytes) {
  for (const auto& [scale, unit] :
       {std::pair{kTiB, "TiB"}, std::pair{kGiB, "GiB"}, std::pair{kMiB, "MiB"},
        std::pair{kKiB, "KiB"}}) {
    if (bytes >= scale && bytes % scale == 0) {
      return absl::StrCat(bytes / scale, unit);
    }
  }
  return absl::StrCat(bytes);
}

}  // namespace

absl::StatusOr<DiskReserve> DiskReserve::Parse(absl::string_view text) {
  absl::string_view inner = absl::StripAsciiWhitespace(text);
  if (absl::ConsumePrefix(&inner, "min(") && absl::ConsumeSuffix(&inner, ")")) {
    const std::vector<absl::string_view> parts = absl::StrSplit(inner, ',');
    if (parts.size() != 2) return Malformed(text);
    std::optional<uint64_t> bytes;
    std::optional<double> percent;
    for (absl::string_view part : parts) {
      double value = 0;
      bool is_percent = false;
      if (!ParseOne(part, &value, &is_percent).ok()) return Malformed(text);
      if (is_percent) {
        if (percent.has_value()) return Malformed(text);
        percent = value;
      } else {
        if (bytes.has_value()) return Malformed(text);
        bytes = static_cast<uint64_t>(value);
      }
    }
    return DiskReserve(bytes, percent);
  }
  double value = 0;
  bool is_percent = false;
  if (!ParseOne(inner, &value, &is_percent).ok()) return Malformed(text);
  if (is_percent) return Percent(value);
  return Bytes(static_cast<uint64_t>(value));
}

bool DiskReserve::off() const {
  return (!bytes_.has_value() && !percent_.has_value()) ||
         (bytes_.has_value() && *bytes_ == 0) ||
         (percent_.has_value() && *percent_ <= 0);
}

uint64_t DiskReserve::BytesOf(uint64_t file_system_bytes) const {
  if (off()) return 0;
  uint64_t bytes = std::numeric_limits<uint64_t>::max();
  if (bytes_.has_value()) bytes = std::min(bytes, *bytes_);
  if (percent_.has_value()) {
    bytes = std::min(
        bytes, static_cast<uint64_t>(static_cast<double>(file_system_bytes) *
                                     *percent_ / 100.0));
  }
  return bytes;
}

std::string DiskReserve::ToString() const {
  if (off()) return "0";
  const std::string percent =
      percent_.has_value() ? absl::StrFormat("%g%%", *percent_) : "";
  if (!bytes_.has_value()) return percent;
  if (!percent_.has_value()) return FormatSize(*bytes_);
  return absl::StrCat("min(", FormatSize(*bytes_), ",", percent, ")");
}

bool AbslParseFlag(absl::string_view text, DiskReserve* reserve,
                   std::string* error) {
  absl::StatusOr<DiskReserve> parsed = DiskReserve::Parse(text);
  if (!parsed.ok()) {
    *error = std::string(parsed.status().message());
    return false;
  }
  *reserve = *parsed;
  return true;
}

std::string AbslUnparseFlag(const DiskReserve& reserve) {
  return reserve.ToString();
}

absl::StatusOr<DiskSpace> ProbeDiskSpace(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) {
    return absl::InternalError(absl::StrCat("cannot read the free space of ",
                                            path, ": ", std::strerror(errno)));
  }
  return DiskSpace{
      .available_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize,
      .total_bytes = static_cast<uint64_t>(st.f_blocks) * st.f_frsize};
}

std::string FormatMiB(uint64_t bytes) {
  const double mib = static_cast<double>(bytes) / static_cast<double>(kMiB);
  if (mib >= 100) return absl::StrFormat("%.0f MiB", mib);
  return absl::StrFormat("%.1f MiB", mib);
}

uint64_t CompactionBound(uint64_t reserve_bytes) {
  if (reserve_bytes == 0) return 0;
  return std::max<uint64_t>(reserve_bytes / 4, 64 * kMiB);
}

uint64_t MinimumSensibleReserve(uint64_t reserve_bytes,
                                uint64_t write_buffer_bytes) {
  return 2 * write_buffer_bytes + CompactionBound(reserve_bytes);
}

namespace internal {
namespace {

// How far above the reserve the free space must be before refused writes
// resume: without it a disk at the edge would switch to and fro (and log
// each switch) with every few appends.
uint64_t ResumeMargin(uint64_t reserve) {
  return std::max<uint64_t>(reserve / 16, 8 * kMiB);
}

}  // namespace

DiskGuard::DiskGuard(Config config) : config_(std::move(config)) {}

void DiskGuard::Probe(rocksdb::DB* db, absl::Time now) {
  last_probe_ = now;
  spent_ = 0;
  // What others wrote so far is in the free space the probe sees (their
  // log records) or in the memtables' size (their flush).
  pending_.store(0, std::memory_order_relaxed);
  absl::StatusOr<DiskSpace> space =
      config_.probe ? config_.probe() : ProbeDiskSpace(config_.path);
  // A file system that cannot say how full it is is left to fail, if it
  // ever does, the way it failed before there was a reserve: refusing all
  // writes for it would turn a harmless error into an outage.
  probe_ok_ = space.ok();
  if (!probe_ok_) return;
  uint64_t memtables = 0;
  if (db != nullptr &&
      !db->GetIntProperty("rocksdb.cur-size-all-mem-tables", &memtables)) {
    memtables = 0;
  }
  available_ = space->available_bytes;
  flush_ = memtables;
  free_ = available_ > flush_ ? available_ - flush_ : 0;
  reserve_ = config_.reserve.BytesOf(space->total_bytes);
}

absl::Status DiskGuard::Refusal(uint64_t free, uint64_t bytes,
                                bool use_reserve) const {
  std::string where = absl::StrCat("data directory ", config_.path, ": ",
                                   FormatMiB(free), " free");
  if (flush_ > 0) {
    absl::StrAppend(&where, " (", FormatMiB(available_),
                    " on the file system, less ", FormatMiB(flush_),
                    " kept for flushing the memtable)");
  }
  const std::string reserve =
      absl::StrCat("the reserve of ", FormatMiB(reserve_));
  std::string why;
  if (use_reserve) {
    why = absl::StrCat(", below half ", reserve,
                       ", the part that only the read log may use");
  } else if (free < reserve_) {
    why = absl::StrCat(", below ", reserve);
  } else if (refusing()) {
    why = absl::StrCat(", within ", FormatMiB(ResumeMargin(reserve_)), " of ",
                       reserve);
  } else {
    why =
        absl::StrCat("; this append (about ", FormatMiB(bytes),
                     " with the memtable flush) would take it below ", reserve);
  }
  return absl::ResourceExhaustedError(
      absl::StrCat(where, why, "; writes are refused until space is freed"));
}

absl::Status DiskGuard::Admit(rocksdb::DB* db, uint64_t bytes,
                              bool use_reserve) {
  if (off()) return absl::OkStatus();
  const absl::Time now = absl::Now();
  if (now - last_probe_ >= config_.interval) Probe(db, now);
  if (!probe_ok_) return absl::OkStatus();
  spent_ += pending_.exchange(0, std::memory_order_relaxed);
  // Once in the write-ahead log, once in the table the memtable becomes.
  const uint64_t cost = 2 * bytes;
  const uint64_t free = free_ > spent_ ? free_ - spent_ : 0;
  if (use_reserve) {
    const uint64_t floor = reserve_ / 2;
    const bool fits = free >= floor && free - floor >= cost;
    exhausted_.store(!fits, std::memory_order_release);
    if (!fits) {
      absl::Status refusal = Refusal(free, cost, /*use_reserve=*/true);
      // Below half the reserve, other appends are refused too.
      if (!refusing()) SetRefusing(refusal);
      return refusal;
    }
    spent_ += cost;
    return absl::OkStatus();
  }
  const uint64_t floor =
      reserve_ + (refusing() ? ResumeMargin(reserve_) : uint64_t{0});
  if (free < floor || free - floor < cost) {
    absl::Status refusal = Refusal(free, cost, /*use_reserve=*/false);
    if (!refusing()) SetRefusing(refusal);
    return refusal;
  }
  spent_ += cost;
  if (refusing()) SetAccepting();
  return absl::OkStatus();
}

void DiskGuard::Recheck(rocksdb::DB* db) {
  if (off() || !refusing()) return;
  const absl::Time now = absl::Now();
  if (now - last_probe_ < config_.interval) return;
  Probe(db, now);
  if (!probe_ok_) return;
  exhausted_.store(free_ < reserve_ / 2, std::memory_order_release);
  if (free_ >= reserve_ + ResumeMargin(reserve_)) SetAccepting();
}

absl::Status DiskGuard::status() const {
  MutexLock l(&mu_);
  return status_;
}

void DiskGuard::SetRefusing(const absl::Status& refusal) {
  {
    MutexLock l(&mu_);
    status_ = refusal;
  }
  refusing_.store(true, std::memory_order_release);
  if (config_.on_change) config_.on_change(refusal);
}

void DiskGuard::SetAccepting() {
  {
    MutexLock l(&mu_);
    status_ = absl::OkStatus();
  }
  refusing_.store(false, std::memory_order_release);
  exhausted_.store(false, std::memory_order_release);
  if (config_.on_change) config_.on_change(absl::OkStatus());
}

}  // namespace internal
}  // namespace atgard::eventstore
