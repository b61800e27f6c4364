// ThreadSanitizer builds only: tells TSan about absl::Mutex and
// absl::CondVar.
//
// Debian's abseil is built without ThreadSanitizer, so its locks carry none
// of TSan's annotations: TSan sees no order between a write under a lock
// on one thread and a read under the same lock on another, and reports
// every such pair as a race. This file defines the out-of-line lock and
// wait functions of absl::Mutex and absl::CondVar in the test executable,
// where they take precedence over the shared library's (also for calls
// from gRPC and the other libraries), annotates each acquire and release
// for TSan, and forwards to the library's own function. The eventstore's
// annotated wrappers (eventstore/sync.h) keep working: the same thread
// annotating the same lock twice is a recursive acquire to TSan.
//
// An absl::Condition is evaluated inside the library's calls, by the
// waiting thread or by whichever thread unlocks, with the lock held in
// either case; the annotations cannot say so, so reads while the library
// runs (the condition's) are ignored. The timeout variants are annotated
// through the deadline variants, which the library's own calls to would
// otherwise annotate twice.
//
// Linked into every test binary of a TSan build (tests/CMakeLists.txt).
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/dynamic_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace {

#define ATGARD_STRINGIFY_INNER(x) #x
#define ATGARD_STRINGIFY(x) ATGARD_STRINGIFY_INNER(x)

// The library's definition of absl::<inline namespace>::`rest` (mangled
// after the namespaces), found after this executable's.
void* Next(const char* rest) {
  const char* inline_namespace =
      ATGARD_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string symbol = "_ZN4absl" +
                             std::to_string(std::strlen(inline_namespace)) +
                             inline_namespace + rest;
  void* f = dlsym(RTLD_NEXT, symbol.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl_mutex: %s not found\n", symbol.c_str());
    std::abort();
  }
  return f;
}

template <typename Fn>
Fn NextAs(const char* rest) {
  return reinterpret_cast<Fn>(Next(rest));
}

void Acquired(void* mu, unsigned flags) {
  __tsan_mutex_pre_lock(mu, flags);
  __tsan_mutex_post_lock(mu, flags, 0);
}

void Releasing(void* mu, unsigned flags) {
  __tsan_mutex_pre_unlock(mu, flags);
  __tsan_mutex_post_unlock(mu, flags);
}

// Around a call into the library that may evaluate a Condition.
class IgnoreReads {
 public:
  IgnoreReads() { ABSL_ANNOTATE_IGNORE_READS_BEGIN(); }
  ~IgnoreReads() { ABSL_ANNOTATE_IGNORE_READS_END(); }
  IgnoreReads(const IgnoreReads&) = delete;
  IgnoreReads& operator=(const IgnoreReads&) = delete;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  static const auto next = NextAs<void (*)(Mutex*)>("5MutexD1Ev");
  __tsan_mutex_destroy(this, 0);
  next(this);
}

void Mutex::Lock() {
  static const auto next = NextAs<void (*)(Mutex*)>("5Mutex4LockEv");
  __tsan_mutex_pre_lock(this, 0);
  next(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLock() {
  static const auto next = NextAs<void (*)(Mutex*)>("5Mutex10ReaderLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  next(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

bool Mutex::TryLock() {
  static const auto next = NextAs<bool (*)(Mutex*)>("5Mutex7TryLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = next(this);
  __tsan_mutex_post_lock(
      this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
      0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  static const auto next = NextAs<bool (*)(Mutex*)>("5Mutex13ReaderTryLockEv");
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_read_lock);
  const bool locked = next(this);
  __tsan_mutex_post_lock(
      this,
      locked ? __tsan_mutex_try_read_lock : __tsan_mutex_try_read_lock_failed,
      0);
  return locked;
}

void Mutex::Unlock() {
  static const auto next = NextAs<void (*)(Mutex*)>("5Mutex6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  {
    IgnoreReads conditions;
    next(this);
  }
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  static const auto next = NextAs<void (*)(Mutex*)>("5Mutex12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  {
    IgnoreReads conditions;
    next(this);
  }
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
  static const auto next = NextAs<void (*)(Mutex*, const Condition&)>(
      "5Mutex8LockWhenERKNS0_9ConditionE");
  {
    IgnoreReads conditions;
    next(this, cond);
  }
  Acquired(this, 0);
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  static const auto next =
      NextAs<bool (*)(Mutex*, const Condition&, absl::Time)>(
          "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  bool met;
  {
    IgnoreReads conditions;
    met = next(this, cond, deadline);
  }
  Acquired(this, 0);
  return met;
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  return LockWhenWithDeadline(cond, absl::Now() + timeout);
}

// Await releases the lock while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  static const auto next = NextAs<void (*)(Mutex*, const Condition&)>(
      "5Mutex5AwaitERKNS0_9ConditionE");
  Releasing(this, 0);
  {
    IgnoreReads conditions;
    next(this, cond);
  }
  Acquired(this, 0);
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  static const auto next =
      NextAs<bool (*)(Mutex*, const Condition&, absl::Time)>(
          "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Releasing(this, 0);
  bool met;
  {
    IgnoreReads conditions;
    met = next(this, cond, deadline);
  }
  Acquired(this, 0);
  return met;
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  return AwaitWithDeadline(cond, absl::Now() + timeout);
}

void CondVar::Wait(Mutex* mu) {
  static const auto next =
      NextAs<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  Releasing(mu, 0);
  next(this, mu);
  Acquired(mu, 0);
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  static const auto next = NextAs<bool (*)(CondVar*, Mutex*, absl::Time)>(
      "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Releasing(mu, 0);
  const bool timed_out = next(this, mu, deadline);
  Acquired(mu, 0);
  return timed_out;
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  return WaitWithDeadline(mu, absl::Now() + timeout);
}

ABSL_NAMESPACE_END
}  // namespace absl
