#include "services/auth/token_cache.h"

namespace atgard::auth {

TokenCache::TokenCache(size_t capacity) : capacity_(capacity) {}

bool TokenCache::Lookup(const Sha256Digest& digest, absl::Time now,
                        domain::Principal* principal) {
  if (capacity_ == 0) return false;
  absl::MutexLock lock(&mu_);
  const auto it = index_.find(digest);
  if (it == index_.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const List::iterator entry = it->second;
  if (now < entry->not_before || now >= entry->expires) {
    // Past its window: the full check must run again and will say why.
    // (Before its window only happens if the clock went back; keep it.)
    if (now >= entry->expires) {
      lru_.erase(entry);
      index_.erase(it);
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  lru_.splice(lru_.begin(), lru_, entry);
  *principal = entry->principal;
  hits_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void TokenCache::Insert(const Sha256Digest& digest,
                        const domain::Principal& principal,
                        absl::Time not_before, absl::Time expires) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (const auto it = index_.find(digest); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
  while (lru_.size() >= capacity_) {
    index_.erase(lru_.back().digest);
    lru_.pop_back();
  }
  lru_.push_front(Entry{.digest = digest,
                        .principal = principal,
                        .not_before = not_before,
                        .expires = expires});
  index_.emplace(digest, lru_.begin());
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return lru_.size();
}

}  // namespace atgard::auth
