// Stream heads the writer has seen recently. Internal to the event store.
#ifndef ATGARD_EVENTSTORE_HEAD_CACHE_H_
#define ATGARD_EVENTSTORE_HEAD_CACHE_H_

#include <algorithm>
#include <cstddef>
#include <list>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "eventstore/keys.h"

namespace atgard::eventstore::internal {

// At most `capacity` (at least 1) stream heads, the least recently used
// evicted first; Find() and Put() both count as a use.
//
// Thread safety: none; the writer thread alone uses it.
class HeadCache {
 public:
  explicit HeadCache(size_t capacity)
      : capacity_(std::max<size_t>(capacity, 1)) {}
  HeadCache(const HeadCache&) = delete;
  HeadCache& operator=(const HeadCache&) = delete;

  // The cached head of `stream_id`, or null. The pointer is valid until the
  // next Put().
  const keys::StreamHead* Find(absl::string_view stream_id);

  // Sets the head of `stream_id` (copying the id), evicting the least
  // recently used entry if the cache is then over capacity.
  void Put(absl::string_view stream_id, const keys::StreamHead& head);

  size_t size() const { return entries_.size(); }

 private:
  using Entry = std::pair<std::string, keys::StreamHead>;
  const size_t capacity_;
  std::list<Entry> entries_;
  // Keys point into the list nodes, which never move.
  absl::flat_hash_map<absl::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_HEAD_CACHE_H_
