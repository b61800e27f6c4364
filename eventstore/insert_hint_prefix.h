// The prefix RocksDB groups memtable insertion hints by. Internal to the
// event store.
#ifndef ATGARD_EVENTSTORE_INSERT_HINT_PREFIX_H_
#define ATGARD_EVENTSTORE_INSERT_HINT_PREFIX_H_

#include "rocksdb/slice.h"
#include "rocksdb/slice_transform.h"

namespace atgard::eventstore::internal {

// Memtable insertion hints. Every append puts keys in several spaces
// (event, stream index, stream head, idempotency record), so consecutive
// inserts jump across the key range and each would search the skip list
// from the top. A hint remembers where the last insert with the same
// prefix went: event keys (ascending positions) share one and go in next
// to the previous one; each stream's index entries (ascending versions)
// and each stream's head (rewritten in place) have their own, so that a
// stream's next write starts where its last one ended. Idempotency
// records are random and share the space's hint. Hints require memtable
// inserts that are not concurrent (see open.cc); the memtable keeps one hint
// per prefix until it is flushed.
//
// Transform(): a stream index key up to and including its stream id's
// terminator (the whole key if it has none); a stream head key whole; any
// other key its first byte, the key space. Every non-empty key is in the
// domain. Stateless, so thread-safe.
class InsertHintPrefix : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "atgard.InsertHintPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override;
  bool InDomain(const rocksdb::Slice& key) const override {
    return !key.empty();
  }
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_INSERT_HINT_PREFIX_H_
