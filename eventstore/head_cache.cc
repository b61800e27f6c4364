#include "eventstore/head_cache.h"

namespace atgard::eventstore::internal {

const keys::StreamHead* HeadCache::Find(absl::string_view stream_id) {
  auto it = index_.find(stream_id);
  if (it == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it->second);
  return &it->second->second;
}

void HeadCache::Put(absl::string_view stream_id, const keys::StreamHead& head) {
  auto it = index_.find(stream_id);
  if (it != index_.end()) {
    it->second->second = head;
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(std::string(stream_id), head);
  index_.emplace(entries_.front().first, entries_.begin());
  if (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

}  // namespace atgard::eventstore::internal
