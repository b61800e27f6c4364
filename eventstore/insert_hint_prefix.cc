#include "eventstore/insert_hint_prefix.h"

#include <cstring>

#include "eventstore/keys.h"

namespace atgard::eventstore::internal {

rocksdb::Slice InsertHintPrefix::Transform(const rocksdb::Slice& key) const {
  switch (static_cast<keys::Space>(key[0])) {
    case keys::Space::kStreamIndex: {
      // Up to and including the stream id's terminator.
      const void* end = std::memchr(key.data() + 1, 0, key.size() - 1);
      return end == nullptr
                 ? key
                 : rocksdb::Slice(key.data(), static_cast<const char*>(end) -
                                                  key.data() + 1);
    }
    case keys::Space::kStreamHead:
      return key;
    default:
      return rocksdb::Slice(key.data(), 1);
  }
}

}  // namespace atgard::eventstore::internal
