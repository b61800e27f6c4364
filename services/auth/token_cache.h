// A bounded cache of verified bearer tokens, so that a client sending the
// same token on every call pays for the signature check once.
//
// Entries are keyed by the SHA-256 of the whole token (the token itself is
// not kept) and carry the window in which the token is acceptable; outside
// it an entry is never returned, so the cache changes how fast a token is
// accepted, never whether. When full, the least recently used entry makes
// room.
//
// Thread-safe: all methods may be called concurrently.
#ifndef ATGARD_SERVICES_AUTH_TOKEN_CACHE_H_
#define ATGARD_SERVICES_AUTH_TOKEN_CACHE_H_

#include <atomic>
#include <cstdint>
#include <list>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/auth/jws.h"
#include "services/domain/principal.h"

namespace atgard::auth {

class TokenCache {
 public:
  // At most `capacity` entries; 0 disables caching (Lookup always misses).
  explicit TokenCache(size_t capacity);
  TokenCache(const TokenCache&) = delete;
  TokenCache& operator=(const TokenCache&) = delete;

  // If `digest` is cached and `not_before <= now < expires` holds for it,
  // copies its principal to *principal and returns true. Otherwise returns
  // false and leaves *principal alone; an entry whose window has passed is
  // dropped on the way.
  bool Lookup(const Sha256Digest& digest, absl::Time now,
              domain::Principal* principal);

  // Caches `principal` for `digest`, acceptable in [not_before, expires).
  // Replaces an existing entry for the same digest.
  void Insert(const Sha256Digest& digest, const domain::Principal& principal,
              absl::Time not_before, absl::Time expires);

  size_t size() const;
  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    Sha256Digest digest;
    domain::Principal principal;
    absl::Time not_before;
    absl::Time expires;
  };
  using List = std::list<Entry>;

  const size_t capacity_;
  mutable absl::Mutex mu_;
  // Most recently used first.
  List lru_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<Sha256Digest, List::iterator> index_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_TOKEN_CACHE_H_
