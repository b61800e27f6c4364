#include "eventstore/key_space.h"

#include <array>
#include <string>

namespace atgard::eventstore::internal {

std::unique_ptr<rocksdb::Iterator> NewSpaceIterator(
    rocksdb::DB& db, keys::Space space, rocksdb::ReadOptions options) {
  // One bound per possible space byte, built once and never freed: an
  // iterator may outlive any scope that would own them.
  struct Bounds {
    std::array<std::string, 256> keys;
    std::array<rocksdb::Slice, 256> slices;
  };
  static const Bounds* const kBounds = [] {
    auto* bounds = new Bounds;
    for (int i = 0; i < 255; ++i) {
      bounds->keys[i] = keys::SpaceUpperBound(static_cast<keys::Space>(i));
      bounds->slices[i] = rocksdb::Slice(bounds->keys[i]);
    }
    return bounds;
  }();
  const auto index = static_cast<uint8_t>(space);
  options.iterate_upper_bound = &kBounds->slices[index];
  std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options));
  it->Seek(rocksdb::Slice(reinterpret_cast<const char*>(&index), 1));
  return it;
}

}  // namespace atgard::eventstore::internal
