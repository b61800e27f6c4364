// Iterating over one key space (eventstore/keys.h) of the store's RocksDB
// database, with the space's upper bound kept alive for as long as any
// iterator uses it.
//
// Thread-safe: the bounds are immutable once built; each iterator is used
// by one thread at a time, as RocksDB's iterators are.
#ifndef ATGARD_EVENTSTORE_KEY_SPACE_H_
#define ATGARD_EVENTSTORE_KEY_SPACE_H_

#include <memory>

#include "eventstore/keys.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace atgard::eventstore::internal {

// An iterator over the keys of `space` alone, read with `options` (whose
// iterate_upper_bound is set here), positioned at the space's first key;
// check Valid() and status() as for any RocksDB iterator.
std::unique_ptr<rocksdb::Iterator> NewSpaceIterator(
    rocksdb::DB& db, keys::Space space, rocksdb::ReadOptions options = {});

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_KEY_SPACE_H_
