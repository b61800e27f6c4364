#include "services/jobs/deadline_scheduler.h"

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/canonical.h"
#include "services/app/aggregate_repository.h"
#include "services/app/append.h"
#include "services/app/event_codec.h"
#include "services/app/event_log.h"
#include "services/app/metrics.h"
#include "services/common/log.h"
#include "services/domain/aggregate_states.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/deadline_dates.h"
#include "services/domain/decider.h"
#include "services/domain/streams.h"

namespace atgard::jobs {
namespace {

constexpr size_t kIndexBatch = 1024;

// A date before any due date: puts an aggregate on the next run's list.
constexpr absl::CivilDay kLookAgain(1970, 1, 1);

// The due date a deadline event carries, for its idempotency key.
std::string DueDateOf(const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kPlanSubmissionOverdue:
      return absl::StrCat(event.plan_submission_overdue().revision(), "@",
                          domain::FormatDay(domain::DayOf(
                              event.plan_submission_overdue().due_on())));
    case v1::Event::kImplementationOverdue:
      return domain::FormatDay(
          domain::DayOf(event.implementation_overdue().due_on()));
    case v1::Event::kFollowUpOverdue:
      return domain::FormatDay(
          domain::DayOf(event.follow_up_overdue().due_on()));
    case v1::Event::kExtraMeasurementOverdue:
      return domain::FormatDay(
          domain::DayOf(event.extra_measurement_overdue().due_on()));
    case v1::Event::kCarePlanReviewOverdue:
      return domain::FormatDay(
          domain::DayOf(event.care_plan_review_overdue().due_on()));
    case v1::Event::kContractExpired:
      return domain::FormatDay(
          domain::DayOf(event.contract_expired().ended_on()));
    case v1::Event::kCarePlanActionOverdue:
      return domain::FormatDay(
          domain::DayOf(event.care_plan_action_overdue().due_on()));
    // A round's start, and each milestone and planned extra measurement of
    // its plan (several may share a date), is due once.
    case v1::Event::kStartOverdue:
      return absl::StrCat(
          event.start_overdue().round(), "@",
          domain::FormatDay(domain::DayOf(event.start_overdue().due_on())));
    case v1::Event::kMilestoneOverdue:
      return absl::StrCat(
          event.milestone_overdue().round(), ".",
          event.milestone_overdue().milestone_number(), "@",
          domain::FormatDay(domain::DayOf(event.milestone_overdue().due_on())));
    case v1::Event::kPlannedExtraMeasurementOverdue: {
      const v1::PlannedExtraMeasurementOverdue& e =
          event.planned_extra_measurement_overdue();
      return absl::StrCat(e.round(), ".", e.measurement_number(), "@",
                          domain::FormatDay(domain::DayOf(e.due_on())));
    }
    case v1::Event::kPlannedFollowUpOverdue:
      // A plan has many items due on the same day.
      return absl::StrCat(
          event.planned_follow_up_overdue().obligation_id(), "@",
          domain::FormatDay(
              domain::DayOf(event.planned_follow_up_overdue().due_on())));
    default:
      return "";
  }
}

std::string Sha256(absl::string_view data) {
  const eventstore::keys::Hash digest = eventstore::Sha256(data);
  return std::string(digest.begin(), digest.end());
}

}  // namespace

absl::Status AppendDueDeadlines(app::EventLog& log,
                                app::AggregateRepository& repository,
                                const std::string& stream_id,
                                absl::CivilDay today, size_t* appended) {
  ASSIGN_OR_RETURN(const domain::StreamName name,
                   domain::ParseStreamId(stream_id));
  ASSIGN_OR_RETURN(const domain::AggregateRef ref,
                   domain::AggregateOfStream(stream_id));
  ASSIGN_OR_RETURN(app::LoadedAggregate loaded,
                   repository.Load(stream_id, ref.kind));
  uint64_t version = loaded.version;
  for (const v1::Event& event : domain::DueDeadlines(*loaded.state, today)) {
    // The command id names the deadline, so that a run repeated after a
    // crash appends nothing twice; the digest is the event's.
    const std::string command_id =
        absl::StrCat("deadline:", stream_id, ":", domain::EventType(event), ":",
                     DueDateOf(event));
    ASSIGN_OR_RETURN(
        eventstore::AppendRequest append,
        app::MakeAppend({.actor = {.subject = "deadline-scheduler",
                                   .role = v1::ROLE_SYSTEM,
                                   .tenant = name.tenant},
                         .command_id = command_id},
                        stream_id, eventstore::ExpectedVersion::Exact(version),
                        {event}));
    append.request_digest = Sha256(append.events.front().payload);
    ASSIGN_OR_RETURN(eventstore::AppendResult result,
                     log.Append(std::move(append)));
    version = result.last_version;
    if (!result.deduplicated) ++*appended;
  }
  return absl::OkStatus();
}

DeadlineScheduler::DeadlineScheduler(app::EventLog* log,
                                     app::AggregateRepository* repository,
                                     app::Metrics* metrics, Options options)
    : log_(log),
      repository_(repository),
      metrics_(metrics),
      options_(std::move(options)) {}

DeadlineScheduler::~DeadlineScheduler() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status DeadlineScheduler::Start() {
  // The first run indexes the whole log; on a large store that takes a
  // while, so it happens on the scheduler's thread, not during start-up.
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void DeadlineScheduler::RunSoon() {
  absl::MutexLock lock(&stop_mu_);
  run_soon_ = true;
}

void DeadlineScheduler::Loop() {
  while (true) {
    {
      // Cleared before the run, so that a wake during it (whose clock the
      // run may not have seen) runs once more.
      absl::MutexLock lock(&stop_mu_);
      run_soon_ = false;
    }
    absl::StatusOr<size_t> appended = RunOnce();
    if (!appended.ok()) {
      log::Error("deadline_run_failed", {{"error", appended.status()}});
    } else if (*appended > 0) {
      log::Info("deadline_run",
                {{"overdue_events", static_cast<uint64_t>(*appended)}});
    }
    // Until the next run is due, a run is asked for or a stop. (Await
    // returns false once the deadline has passed: looping on that would
    // spin.) The interval is real time, whatever the workflow's clock says.
    absl::MutexLock lock(&stop_mu_);
    stop_mu_.AwaitWithDeadline(absl::Condition(this, &DeadlineScheduler::Woken),
                               absl::Now() + options_.interval);
    if (stopping_) return;
  }
}

absl::Status DeadlineScheduler::IndexNewEvents() {
  if (subscription_ == nullptr) {
    eventstore::ReadAllFilter filter;
    filter.event_types = domain::DeadlineEventTypes();
    ASSIGN_OR_RETURN(
        subscription_,
        log_->Subscribe(eventstore::SubscriptionStart::AtPosition(1),
                        std::move(filter)));
  }
  while (true) {
    ASSIGN_OR_RETURN(std::vector<v1::EventEnvelope> batch,
                     subscription_->ReadAvailable(kIndexBatch));
    for (const v1::EventEnvelope& envelope : batch) {
      ASSIGN_OR_RETURN(v1::Event event, app::DecodeEvent(envelope));
      const std::vector<absl::CivilDay> dates = domain::DeadlineDatesOf(event);
      std::set<absl::CivilDay>& calendar = index_[envelope.stream_id()];
      calendar.insert(dates.begin(), dates.end());
      if (dates.empty()) {
        // An event of these types that sets no date changes what a date
        // already passed means (an approval after complete_by makes the
        // implementation overdue at once): look at the aggregate again on
        // the next run, as if a date had just passed.
        calendar.insert(kLookAgain);
      }
    }
    if (batch.empty() && subscription_->caught_up()) return absl::OkStatus();
  }
}

absl::StatusOr<size_t> DeadlineScheduler::RunOnce() {
  absl::MutexLock lock(&run_mu_);
  if (absl::Status indexed = IndexNewEvents(); !indexed.ok()) {
    // The subscription has moved past the batch that failed: index again
    // from the beginning next time (the calendars are sets, so nothing is
    // counted twice) rather than skip it.
    subscription_.reset();
    return indexed;
  }
  const absl::CivilDay today = domain::StockholmDay(options_.clock());
  size_t appended = 0;
  absl::Status first_error;
  for (auto it = index_.begin(); it != index_.end();) {
    const std::string& stream_id = it->first;
    std::set<absl::CivilDay>& dates = it->second;
    if (dates.empty() || *dates.begin() >= today) {
      ++it;
      continue;
    }
    // Deadlines of this stream may be due: ask the domain.
    const absl::Status outcome =
        AppendDueDeadlines(*log_, *repository_, stream_id, today, &appended);
    if (outcome.ok()) {
      // Every date before today has been dealt with.
      dates.erase(dates.begin(), dates.lower_bound(today));
    } else if (first_error.ok()) {
      // Left in the index: the next run tries again (a conflict simply
      // means the aggregate moved meanwhile).
      first_error = outcome;
    }
    it = dates.empty() ? index_.erase(it) : std::next(it);
  }
  if (metrics_ != nullptr) {
    metrics_->Count(app::Counter::kDeadlineRuns, 1);
    metrics_->Count(app::Counter::kOverdueEvents, appended);
  }
  if (!first_error.ok() && !absl::IsAborted(first_error)) return first_error;
  return appended;
}

}  // namespace atgard::jobs
