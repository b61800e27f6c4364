// Reads: scans of the log, streams, stream heads and idempotency records,
// each as of the acknowledged head.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"
#include "eventstore/wire_peek.h"

namespace atgard::eventstore::internal {

absl::StatusOr<ScanResult> StoreCore::Scan(
    uint64_t from, size_t max_count, const ReadAllFilter& filter,
    size_t max_scan,
    absl::FunctionRef<absl::Status(uint64_t, absl::string_view)> visit) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  from = std::max<uint64_t>(from, 1);
  ScanResult result{.next_position = from, .head_position = head()};
  if (from > result.head_position) return result;

  const std::string lower = keys::EventKey(from);
  const std::string upper = keys::EventKey(result.head_position + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  // Scans pass through history once (catch-up, rebuilds, audits): reading
  // around the block cache keeps it for the command path's point reads
  // (stream heads, idempotency records, streams) and spares inserting and
  // evicting a block for every few events read.
  read_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  const bool filtered = !filter.empty();
  uint64_t expected = from;
  size_t delivered = 0;
  bool stopped = false;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (delivered >= max_count || expected - from >= max_scan) {
      stopped = true;
      break;
    }
    uint64_t position = 0;
    if (!keys::ParseEventKey(ToView(it->key()), &position) ||
        position != expected) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_,
                       ": the log has no event at position ", expected));
    }
    const absl::string_view value = ToView(it->value());
    ++expected;
    if (filtered) {
      absl::string_view stream_id, event_type;
      if (!PeekStreamAndType(value, &stream_id, &event_type)) {
        return absl::DataLossError(absl::StrCat("event store ", path_,
                                                ": the event at position ",
                                                position, " does not parse"));
      }
      if (!filter.Matches(stream_id, event_type)) continue;
    }
    ++delivered;
    if (absl::Status s = visit(position, value); !s.ok()) {
      if (absl::IsCancelled(s)) {  // the visitor is done
        stopped = true;
        break;
      }
      return s;
    }
  }
  RETURN_IF_ROCKS_ERROR(
      it->status(),
      absl::StrCat("event store ", path_, ", reading position ", expected));
  if (!stopped && expected <= result.head_position) {
    return absl::DataLossError(
        absl::StrCat("event store ", path_,
                     ": the log has no event at position ", expected));
  }
  result.next_position = expected;
  return result;
}

absl::StatusOr<ReadAllResult> StoreCore::ReadRange(uint64_t from,
                                                   size_t max_count,
                                                   const ReadAllFilter& filter,
                                                   size_t max_scan) const {
  ReadAllResult result;
  if (filter.empty() && head() >= from) {
    result.events.reserve(std::min<uint64_t>(max_count, head() - from + 1));
  }
  absl::StatusOr<ScanResult> scan =
      Scan(from, max_count, filter, max_scan,
           [&](uint64_t position, absl::string_view value) {
             if (!result.events.emplace_back().ParseFromArray(
                     value.data(), static_cast<int>(value.size()))) {
               return UnparsableEvent(position);
             }
             return absl::OkStatus();
           });
  if (!scan.ok()) return scan.status();
  result.next_position = scan->next_position;
  result.head_position = scan->head_position;
  return result;
}

absl::StatusOr<std::vector<v1::EventEnvelope>> StoreCore::ReadStream(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  return ReadStreamLocked(stream_id, from_version, max_count, direction);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> StoreCore::ReadStreamLocked(
    absl::string_view stream_id, uint64_t from_version, size_t max_count,
    Direction direction) const {
  const uint64_t head_position = head();
  const std::string prefix = keys::StreamIndexPrefix(stream_id);
  std::string upper = prefix;
  upper.back() = '\x01';
  const rocksdb::Slice lower_slice(prefix), upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower_slice;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));

  std::vector<uint64_t> versions;
  std::vector<std::string> event_keys;
  const std::string start =
      keys::StreamIndexKey(stream_id, std::max<uint64_t>(from_version, 1));
  if (direction == Direction::kForward) {
    it->Seek(start);
  } else {
    it->SeekForPrev(start);
  }
  for (; it->Valid() && event_keys.size() < max_count;
       direction == Direction::kForward ? it->Next() : it->Prev()) {
    absl::string_view id;
    uint64_t version = 0;
    if (!keys::ParseStreamIndexKey(ToView(it->key()), &id, &version) ||
        it->value().size() != 8) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_,
                       ": malformed index entry of stream ", stream_id));
    }
    const uint64_t position = keys::DecodeFixed64(it->value().data());
    // Not yet acknowledged (or never will be): invisible.
    if (position > head_position) {
      if (direction == Direction::kForward) break;
      continue;
    }
    versions.push_back(version);
    event_keys.push_back(keys::EventKey(position));
  }
  RETURN_IF_ROCKS_ERROR(it->status(), absl::StrCat("event store ", path_));
  const size_t n = event_keys.size();
  std::vector<rocksdb::Slice> key_slices(event_keys.begin(), event_keys.end());
  std::vector<rocksdb::PinnableSlice> values(n);
  std::vector<rocksdb::Status> statuses(n);
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), n,
                key_slices.data(), values.data(), statuses.data(),
                /*sorted_input=*/false);
  std::vector<v1::EventEnvelope> events(n);
  for (size_t i = 0; i < n; ++i) {
    if (statuses[i].IsNotFound()) {
      return absl::DataLossError(
          absl::StrCat("event store ", path_, ": stream ", stream_id,
                       " version ", versions[i], " names a missing event"));
    }
    RETURN_IF_ROCKS_ERROR(statuses[i], absl::StrCat("event store ", path_));
    if (!events[i].ParseFromArray(values[i].data(),
                                  static_cast<int>(values[i].size())) ||
        events[i].stream_id() != stream_id ||
        events[i].stream_version() != versions[i]) {
      return absl::DataLossError(absl::StrCat(
          "event store ", path_, ": stream ", stream_id, " version ",
          versions[i], " names an event that does not match"));
    }
  }
  return events;
}

absl::StatusOr<StreamInfo> StoreCore::GetStreamInfo(
    absl::string_view stream_id) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::StreamHeadKey(stream_id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(
        absl::StrCat("stream ", stream_id, " has no events"));
  }
  if (!s.ok()) return FromRocks(s, absl::StrCat("event store ", path_));
  keys::StreamHead head;
  if (!keys::DecodeStreamHead(value, &head)) {
    return absl::DataLossError(
        absl::StrCat("the stored head of stream ", stream_id, " is malformed"));
  }
  const uint64_t published = this->head();
  if (head.last_position > published) {
    // The stored head includes a batch that is written but not yet
    // acknowledged: report the stream as of the published head.
    if (head.first_position > published) {
      return absl::NotFoundError(
          absl::StrCat("stream ", stream_id, " has no events"));
    }
    absl::StatusOr<std::vector<v1::EventEnvelope>> last =
        ReadStreamLocked(stream_id, head.version, 1, Direction::kBackward);
    if (!last.ok()) return last.status();
    if (last->empty()) {
      return absl::DataLossError(absl::StrCat(
          "event store ", path_, ": stream ", stream_id,
          " has no acknowledged event though its first is at position ",
          head.first_position));
    }
    head.version = last->front().stream_version();
    head.last_position = last->front().global_position();
  }
  return StreamInfo{.stream_id = std::string(stream_id),
                    .version = head.version,
                    .first_position = head.first_position,
                    .last_position = head.last_position};
}

absl::StatusOr<std::optional<AppendResult>> StoreCore::LookupCommand(
    absl::string_view command_id, const keys::Hash& digest) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), keys::CommandKey(command_id), &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return FromRocks(s, "reading an idempotency record");
  keys::CommandRecord record;
  if (!keys::DecodeCommandRecord(value, &record)) {
    return absl::DataLossError(
        absl::StrCat("the idempotency record of command id \"", command_id,
                     "\" is malformed"));
  }
  // Written but not yet acknowledged: unknown to readers. An append that
  // resubmits it is decided by the writer, which sees the record.
  if (record.last_position > head()) return std::optional<AppendResult>();
  if (record.digest != digest) return CommandReused(command_id);
  return std::optional<AppendResult>(FromRecord(record));
}

}  // namespace atgard::eventstore::internal
