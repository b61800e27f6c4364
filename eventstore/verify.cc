// Verify(): the hash chain, the stream index and the stream heads checked
// against the events, on one snapshot.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/canonical.h"
#include "eventstore/key_space.h"
#include "eventstore/rocksdb_status.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore::internal {

absl::StatusOr<VerifyReport> StoreCore::Verify(uint64_t from,
                                               uint64_t to) const {
  ReaderMutexLock l(&db_mu_);
  if (db_ == nullptr) return ClosedError();
  // One snapshot, so appends that continue meanwhile do not interfere.
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    ~Release() { db->ReleaseSnapshot(s); }
  } release{db_.get(), snapshot};
  rocksdb::ReadOptions read_options;
  read_options.snapshot = snapshot;
  const std::string where = absl::StrCat("event store ", path_);

  std::string value;
  keys::ChainHead chain;
  rocksdb::Status s = db_->Get(read_options, keys::ChainKey(), &value);
  if (s.ok()) {
    if (!keys::DecodeChainHead(value, &chain)) {
      return VerifyReport{.ok = false,
                          .problem = "the chain head is malformed"};
    }
  } else if (!s.IsNotFound()) {
    return FromRocks(s, where);
  }
  const uint64_t last = chain.position;
  if (from == 0) from = 1;
  if (to == 0) to = last;
  if (to > last) {
    return absl::InvalidArgumentError(
        absl::StrCat("verify up to position ", to, ": the head is at ", last));
  }
  if (from > to && !(from == 1 && to == 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("verify from ", from, " to ", to, ": empty range"));
  }

  VerifyReport report;
  auto bad = [&report](uint64_t position, std::string problem) {
    report.ok = false;
    report.first_bad_position = position;
    report.problem = std::move(problem);
    return report;
  };

  keys::Hash previous{};
  if (from > 1) {
    v1::EventEnvelope before;
    s = db_->Get(read_options, keys::EventKey(from - 1), &value);
    if (!s.ok() || !before.ParseFromString(value) ||
        before.hash().size() != keys::kHashSize) {
      return bad(from - 1, "the event before the range cannot be read");
    }
    std::memcpy(previous.data(), before.hash().data(), keys::kHashSize);
  }

  struct Seen {
    uint64_t version;
    uint64_t first_position;
    uint64_t last_position;
  };
  absl::flat_hash_map<std::string, Seen> streams;
  v1::EventEnvelope event;
  std::string scratch;
  std::string reserialized;
  std::string index_value;
  const std::string upper = keys::EventKey(to + 1);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions scan_options = read_options;
  scan_options.iterate_upper_bound = &upper_slice;
  scan_options.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan_options));
  uint64_t expected = from;
  for (it->Seek(keys::EventKey(from)); it->Valid() && expected <= to;
       it->Next()) {
    uint64_t position = 0;
    if (!keys::ParseEventKey(ToView(it->key()), &position) ||
        position != expected) {
      return bad(expected, "event missing");
    }
    if (!event.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return bad(position, "the stored event does not parse");
    }
    if (event.global_position() != position) {
      return bad(position, absl::StrCat("the envelope names position ",
                                        event.global_position()));
    }
    if (event.previous_hash() != HashView(previous)) {
      return bad(position,
                 "chain link broken: previous_hash differs from the hash of "
                 "the event before");
    }
    const keys::Hash recomputed = EventHash(event, &scratch);
    if (event.hash() != HashView(recomputed)) {
      return bad(position, absl::StrCat("hash mismatch: recomputed ",
                                        HexHash(recomputed)));
    }
    // The hash covers the fields; this covers the bytes. Protobuf parsing
    // forgives some changes (an int32's excess varint bits, a repeated
    // singular field), and a stored byte must not change unnoticed either.
    reserialized.clear();
    event.AppendToString(&reserialized);
    if (reserialized != ToView(it->value())) {
      return bad(position,
                 "the stored bytes are not the envelope's own encoding "
                 "(changed without changing a field)");
    }
    std::memcpy(previous.data(), event.hash().data(), keys::kHashSize);

    s = db_->Get(
        read_options,
        keys::StreamIndexKey(event.stream_id(), event.stream_version()),
        &index_value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
    if (s.IsNotFound() || index_value.size() != 8 ||
        keys::DecodeFixed64(index_value.data()) != position) {
      return bad(
          position,
          absl::StrCat("stream index entry of ", event.stream_id(), " version ",
                       event.stream_version(), " missing or wrong"));
    }
    auto [seen, inserted] = streams.try_emplace(
        event.stream_id(), Seen{event.stream_version(), position, position});
    if (inserted) {
      if (from == 1 && event.stream_version() != 1) {
        return bad(position,
                   absl::StrCat("stream ", event.stream_id(),
                                " starts at version ", event.stream_version()));
      }
    } else {
      if (event.stream_version() != seen->second.version + 1) {
        return bad(position,
                   absl::StrCat("stream ", event.stream_id(), " version ",
                                event.stream_version(), " follows version ",
                                seen->second.version));
      }
      seen->second.version = event.stream_version();
      seen->second.last_position = position;
    }
    ++report.events_checked;
    ++expected;
  }
  if (it->status().IsCorruption()) {
    // A damaged table block: find how far it reaches by reading on, one
    // event at a time, and whose streams it holds from the stream index
    // (kept in other blocks).
    uint64_t last_bad = expected;
    while (last_bad < to) {
      rocksdb::Status probe =
          db_->Get(read_options, keys::EventKey(last_bad + 1), &value);
      if (probe.ok() || probe.IsNotFound()) break;
      ++last_bad;
    }
    std::vector<std::string> affected;
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *db_, keys::Space::kStreamIndex, scan_options);
    for (; ix->Valid(); ix->Next()) {
      if (ix->value().size() != 8) continue;
      const uint64_t position = keys::DecodeFixed64(ix->value().data());
      absl::string_view id;
      uint64_t version = 0;
      if (position < expected || position > last_bad ||
          !keys::ParseStreamIndexKey(ToView(ix->key()), &id, &version)) {
        continue;
      }
      if (std::find(affected.begin(), affected.end(), id) == affected.end()) {
        affected.emplace_back(id);
      }
    }
    const std::string streams_text =
        !ix->status().ok() ? "unknown: the stream index is unreadable too"
                           : absl::StrJoin(affected, ", ");
    return bad(expected, absl::StrCat("positions ", expected, "..", last_bad,
                                      " cannot be read (streams ", streams_text,
                                      "): ", it->status().ToString()));
  }
  RETURN_IF_ROCKS_ERROR(it->status(), where);
  if (expected <= to) return bad(expected, "event missing");

  // Index entries whose position lies in the range: each event above has
  // its own, so any more are strays.
  uint64_t index_entries = 0;
  uint64_t stray_position = 0;
  {
    std::unique_ptr<rocksdb::Iterator> ix = internal::NewSpaceIterator(
        *db_, keys::Space::kStreamIndex, scan_options);
    for (; ix->Valid(); ix->Next()) {
      if (ix->value().size() != 8) {
        return bad(0, absl::StrCat("malformed stream index entry under ",
                                   ToView(ix->key()).substr(1)));
      }
      const uint64_t position = keys::DecodeFixed64(ix->value().data());
      if (position > last) {
        return bad(position, "stream index entry beyond the chain head");
      }
      if (position < from || position > to) continue;
      ++index_entries;
      absl::string_view id;
      uint64_t version = 0;
      if (!keys::ParseStreamIndexKey(ToView(ix->key()), &id, &version)) {
        if (stray_position == 0 || position < stray_position) {
          stray_position = position;
        }
        continue;
      }
      auto found = streams.find(id);
      if (found == streams.end() || version > found->second.version) {
        if (stray_position == 0 || position < stray_position) {
          stray_position = position;
        }
      }
    }
    RETURN_IF_ROCKS_ERROR(ix->status(), where);
  }
  if (index_entries != report.events_checked) {
    return bad(stray_position,
               absl::StrCat("the stream index has ", index_entries,
                            " entries in the range for ", report.events_checked,
                            " events"));
  }

  if (to == last) {
    if (last > 0 && chain.hash != previous) {
      return bad(last, "the chain head's hash differs from the last event's");
    }
    // Nothing may follow the chain head.
    rocksdb::ReadOptions tail_options = read_options;
    const std::string events_end = keys::EventKeyUpperBound();
    const rocksdb::Slice events_end_slice(events_end);
    tail_options.iterate_upper_bound = &events_end_slice;
    std::unique_ptr<rocksdb::Iterator> tail(db_->NewIterator(tail_options));
    tail->Seek(keys::EventKey(last + 1));
    if (tail->Valid()) {
      uint64_t position = 0;
      keys::ParseEventKey(ToView(tail->key()), &position);
      return bad(position, "an event follows the chain head");
    }
    RETURN_IF_ROCKS_ERROR(tail->status(), where);

    // Every stream seen ends where its head says.
    uint64_t bad_head = 0;
    std::string bad_stream;
    for (const auto& [id, seen] : streams) {
      keys::StreamHead head;
      s = db_->Get(read_options, keys::StreamHeadKey(id), &value);
      if (!s.ok() && !s.IsNotFound()) return FromRocks(s, where);
      const bool matches =
          s.ok() && keys::DecodeStreamHead(value, &head) &&
          head.version == seen.version &&
          head.last_position == seen.last_position &&
          (from > 1 || head.first_position == seen.first_position);
      if (!matches && (bad_head == 0 || seen.last_position < bad_head)) {
        bad_head = seen.last_position;
        bad_stream = id;
      }
    }
    if (bad_head != 0) {
      return bad(bad_head, absl::StrCat("the stream head of ", bad_stream,
                                        " does not match its last event"));
    }
    if (from == 1) {
      // No head without events.
      std::unique_ptr<rocksdb::Iterator> hx = internal::NewSpaceIterator(
          *db_, keys::Space::kStreamHead, scan_options);
      for (; hx->Valid(); hx->Next()) {
        const absl::string_view id = ToView(hx->key()).substr(1);
        if (!streams.contains(id)) {
          return bad(0,
                     absl::StrCat("stream ", id, " has a head but no events"));
        }
      }
      RETURN_IF_ROCKS_ERROR(hx->status(), where);
      // Every block of every table, also those of no event (idempotency
      // records, checkpoints), must pass its checksum.
      s = db_->VerifyChecksum(read_options);
      if (s.IsCorruption()) {
        return bad(0, absl::StrCat("a table fails its checksum outside the "
                                   "log's events: ",
                                   s.ToString()));
      }
      if (!s.ok()) return FromRocks(s, where);
    }
  }
  return report;
}

}  // namespace atgard::eventstore::internal
