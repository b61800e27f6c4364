// Waiting for the acknowledged head: the core's registry of notifications,
// and Subscription on top of it.
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "eventstore/store_core.h"

namespace atgard::eventstore {
namespace internal {
namespace {

// Most events one ReadAvailable() examines, so that a filtered subscription
// far behind does not hold its caller for long.
constexpr size_t kMaxScanPerPoll = 4096;

}  // namespace

void StoreCore::FireWaiters(bool all) {
  std::vector<std::shared_ptr<SubscriptionState>> due;
  {
    MutexLock l(&notify_mu_);
    const uint64_t reached = head();
    auto end = all ? waiters_.end() : waiters_.upper_bound(reached);
    for (auto it = waiters_.begin(); it != end; ++it) {
      it->second->registered = false;
      due.push_back(std::move(it->second));
    }
    waiters_.erase(waiters_.begin(), end);
    waiter_count_.store(waiters_.size());
  }
  for (const std::shared_ptr<SubscriptionState>& state : due) {
    std::function<void()> callback;
    {
      MutexLock l(&state->mu);
      if (!state->callback) continue;
      callback = std::move(state->callback);
      state->callback = nullptr;
      state->running = true;
      state->running_thread = std::this_thread::get_id();
    }
    callback();
    MutexLock l(&state->mu);
    state->running = false;
    state->cv.SignalAll();
  }
}

bool StoreCore::Register(const std::shared_ptr<SubscriptionState>& state,
                         uint64_t position, std::function<void()> callback) {
  MutexLock l(&notify_mu_);
  if (closed() || failed() || head() >= position) return false;
  {
    MutexLock s(&state->mu);
    // Cancelled: nothing will ever be delivered through a callback, and
    // the caller must not take "false" as "read again" and spin.
    if (state->cancelled) return true;
    state->callback = std::move(callback);
  }
  if (state->registered) waiters_.erase(state->where);
  state->where = waiters_.emplace(position, state);
  state->registered = true;
  waiter_count_.store(waiters_.size());
  // The writer publishes the head, then looks for waiters; here it is the
  // other way round. Either it sees this registration or this sees its
  // head (both sequentially consistent), so no wake-up is lost.
  if (head() >= position) {
    waiters_.erase(state->where);
    state->registered = false;
    waiter_count_.store(waiters_.size());
    MutexLock s(&state->mu);
    state->callback = nullptr;
    return false;
  }
  return true;
}

void StoreCore::Unregister(const std::shared_ptr<SubscriptionState>& state) {
  {
    MutexLock l(&notify_mu_);
    if (state->registered) {
      waiters_.erase(state->where);
      state->registered = false;
      waiter_count_.store(waiters_.size());
    }
  }
  MutexLock s(&state->mu);
  state->callback = nullptr;
  state->cancelled = true;
  // A callback that already started on another thread must finish before
  // its subscription goes away; on its own thread it is the caller.
  while (state->running &&
         state->running_thread != std::this_thread::get_id()) {
    state->cv.Wait(&state->mu);
  }
}

void StoreCore::WaitForHead(uint64_t position, absl::Time deadline) const {
  MutexLock l(&head_mu_);
  bool timed_out = false;
  while (!HeadReached(position) && !timed_out) {
    timed_out = head_cv_.WaitWithDeadline(&head_mu_, deadline);
  }
}

}  // namespace internal

Subscription::Subscription(std::shared_ptr<internal::StoreCore> core,
                           uint64_t next_position, ReadAllFilter filter)
    : core_(std::move(core)),
      state_(std::make_shared<internal::SubscriptionState>()),
      next_position_(next_position),
      filter_(std::move(filter)) {}

Subscription::~Subscription() { Cancel(); }

void Subscription::Cancel() { core_->Unregister(state_); }

bool Subscription::caught_up() const { return next_position_ > core_->head(); }

absl::StatusOr<std::vector<v1::EventEnvelope>> Subscription::ReadAvailable(
    size_t max_count) {
  if (max_count == 0) {
    return absl::InvalidArgumentError("max_count must be at least 1");
  }
  if (core_->closed()) return core_->ClosedError();
  if (next_position_ > core_->head()) {
    if (core_->failed()) return core_->Health();
    return std::vector<v1::EventEnvelope>();
  }
  absl::StatusOr<ReadAllResult> read = core_->Noticed(core_->ReadRange(
      next_position_, max_count, filter_, internal::kMaxScanPerPoll));
  if (!read.ok()) return read.status();
  next_position_ = read->next_position;
  return std::move(read->events);
}

absl::StatusOr<std::vector<v1::EventEnvelope>> Subscription::Next(
    size_t max_count, absl::Time deadline) {
  while (true) {
    absl::StatusOr<std::vector<v1::EventEnvelope>> events =
        ReadAvailable(max_count);
    if (!events.ok() || !events->empty()) return events;
    if (next_position_ <= core_->head()) continue;  // skipped, not caught up
    if (absl::Now() >= deadline) return events;
    core_->WaitForHead(next_position_, deadline);
  }
}

bool Subscription::NotifyWhenAvailable(std::function<void()> callback) {
  return core_->Register(state_, next_position_, std::move(callback));
}

}  // namespace atgard::eventstore
