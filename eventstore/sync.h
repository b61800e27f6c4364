// absl::Mutex and absl::CondVar as ThreadSanitizer sees them.
//
// Debian's abseil is built without ThreadSanitizer, so TSan cannot see its
// locks and reports every access they protect as a race. These thin
// wrappers add the dynamic annotations abseil would have made itself; in
// every other build the annotations are empty and they are plain abseil.
// Waiting is only through CondVar, never absl::Condition: abseil evaluates a
// Condition on whichever thread releases the mutex, which TSan could not be
// told about.
#ifndef ATGARD_EVENTSTORE_SYNC_H_
#define ATGARD_EVENTSTORE_SYNC_H_

#include "absl/base/dynamic_annotations.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace atgard::eventstore::internal {

class ABSL_LOCKABLE Mutex {
 public:
  Mutex() { ABSL_ANNOTATE_RWLOCK_CREATE(this); }
  ~Mutex() { ABSL_ANNOTATE_RWLOCK_DESTROY(this); }
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    mu_.Lock();
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(this, 1);
  }
  void Unlock() ABSL_UNLOCK_FUNCTION() {
    ABSL_ANNOTATE_RWLOCK_RELEASED(this, 1);
    mu_.Unlock();
  }
  void ReaderLock() ABSL_SHARED_LOCK_FUNCTION() {
    mu_.ReaderLock();
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(this, 0);
  }
  void ReaderUnlock() ABSL_UNLOCK_FUNCTION() {
    ABSL_ANNOTATE_RWLOCK_RELEASED(this, 0);
    mu_.ReaderUnlock();
  }

 private:
  friend class CondVar;
  absl::Mutex mu_;
};

class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->Lock();
  }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class ABSL_SCOPED_LOCKABLE ReaderMutexLock {
 public:
  explicit ReaderMutexLock(Mutex* mu) ABSL_SHARED_LOCK_FUNCTION(mu) : mu_(mu) {
    mu_->ReaderLock();
  }
  ~ReaderMutexLock() ABSL_UNLOCK_FUNCTION() { mu_->ReaderUnlock(); }
  ReaderMutexLock(const ReaderMutexLock&) = delete;
  ReaderMutexLock& operator=(const ReaderMutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  // Releases `mu` while waiting; holds it again on return. May wake
  // spuriously: wait in a loop on the predicate.
  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    ABSL_ANNOTATE_RWLOCK_RELEASED(mu, 1);
    cv_.Wait(&mu->mu_);
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(mu, 1);
  }
  // As Wait(); true if it returned because `deadline` passed.
  bool WaitWithDeadline(Mutex* mu, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    ABSL_ANNOTATE_RWLOCK_RELEASED(mu, 1);
    const bool timed_out = cv_.WaitWithDeadline(&mu->mu_, deadline);
    ABSL_ANNOTATE_RWLOCK_ACQUIRED(mu, 1);
    return timed_out;
  }
  void Signal() { cv_.Signal(); }
  void SignalAll() { cv_.SignalAll(); }

 private:
  absl::CondVar cv_;
};

}  // namespace atgard::eventstore::internal

#endif  // ATGARD_EVENTSTORE_SYNC_H_
