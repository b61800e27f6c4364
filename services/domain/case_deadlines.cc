// The case's deadlines: the overdue events the scheduler records once each.
#include <utility>

#include "services/domain/case_decider.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/case_workflow.h"
#include "services/domain/dates.h"

namespace atgard::domain {

using internal::CompleteBy;
using internal::Wrap;

std::vector<v1::Event> DueCaseDeadlines(const CaseState& s,
                                        absl::CivilDay today) {
  std::vector<v1::Event> due;
  auto allowed = [&](v1::Event::EventCase deadline) {
    return FindDeadlineTransition(deadline, s.status) != nullptr;
  };
  if (allowed(v1::Event::kPlanSubmissionOverdue) && today > s.submit_due) {
    const std::pair<int, absl::CivilDay> key{s.revision + 1, s.submit_due};
    if (s.submission_overdue_emitted != key) {
      due.push_back(Wrap([&](v1::Event& event) {
        v1::PlanSubmissionOverdue* e = event.mutable_plan_submission_overdue();
        e->set_case_id(s.case_id);
        e->set_round(s.round);
        e->set_revision(key.first);
        *e->mutable_due_on() = ToDate(s.submit_due);
      }));
    }
  }
  if (allowed(v1::Event::kImplementationOverdue) && today > CompleteBy(s) &&
      s.implementation_overdue_emitted != CompleteBy(s)) {
    due.push_back(Wrap([&](v1::Event& event) {
      v1::ImplementationOverdue* e = event.mutable_implementation_overdue();
      e->set_case_id(s.case_id);
      e->set_round(s.round);
      *e->mutable_due_on() = ToDate(CompleteBy(s));
    }));
  }
  if (allowed(v1::Event::kFollowUpOverdue) &&
      s.follow_up_scheduled.has_value() && !s.follow_up.has_value()) {
    const absl::CivilDay planned = DayOf(s.follow_up_scheduled->planned_on());
    if (today > planned && s.follow_up_overdue_emitted != planned) {
      due.push_back(Wrap([&](v1::Event& event) {
        v1::FollowUpOverdue* e = event.mutable_follow_up_overdue();
        e->set_case_id(s.case_id);
        e->set_round(s.round);
        *e->mutable_due_on() = ToDate(planned);
      }));
    }
  }
  internal::AppendNormDeadlines(s, today, due);
  return due;
}

}  // namespace atgard::domain
