// Follow-up of an implemented plan: scheduling it and recording its result,
// which closes the case when the deficiency is resolved.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

absl::Status CheckMethodRequested(const CaseState& s,
                                  v1::FollowUpMethod method) {
  for (int m : s.request.request().follow_up().methods()) {
    if (m == method) return absl::OkStatus();
  }
  return InvalidArgument(
      "method",
      absl::StrCat("the request named other follow-up methods: ",
                   absl::StrJoin(s.request.request().follow_up().methods(),
                                 ", ", [](std::string* out, int m) {
                                   absl::StrAppend(
                                       out,
                                       v1::FollowUpMethod_Name(
                                           static_cast<v1::FollowUpMethod>(m)));
                                 })));
}

}  // namespace

absl::StatusOr<Events> ScheduleFollowUp(const v1::ScheduleFollowUp& c,
                                        const CaseState& s,
                                        const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay planned,
                   CheckDate("planned_on", c.planned_on()));
  RETURN_IF_ERROR(CheckEnum("method", c.method(), v1::FollowUpMethod_IsValid));
  RETURN_IF_ERROR(CheckOptionalText("note", c.note()));
  if (s.follow_up_scheduled.has_value() &&
      SameContent(s.follow_up_scheduled->planned_on(), c.planned_on()) &&
      s.follow_up_scheduled->method() == c.method() &&
      s.follow_up_scheduled->note() == c.note()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kScheduleFollowUp, ctx));
  RETURN_IF_ERROR(CheckFollowUpNeeded(s));
  if (planned < ctx.today) {
    return InvalidArgument(
        "planned_on",
        absl::StrCat("must not be before today (", FormatDay(ctx.today), ")"));
  }
  RETURN_IF_ERROR(CheckMethodRequested(s, c.method()));
  return Events{Wrap([&](v1::Event& event) {
    v1::FollowUpScheduled* e = event.mutable_follow_up_scheduled();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    *e->mutable_planned_on() = c.planned_on();
    e->set_method(c.method());
    e->set_note(c.note());
  })};
}

absl::StatusOr<Events> RecordFollowUp(const v1::RecordFollowUp& c,
                                      const CaseState& s,
                                      const CommandContext& ctx) {
  ASSIGN_OR_RETURN(absl::CivilDay performed,
                   CheckPastDate("performed_on", c.performed_on(), ctx.today));
  RETURN_IF_ERROR(CheckEnum("method", c.method(), v1::FollowUpMethod_IsValid));
  RETURN_IF_ERROR(CheckEnum("result", c.result(), v1::FollowUpResult_IsValid));
  RETURN_IF_ERROR(CheckText("evidence", c.evidence()));
  if (s.follow_up.has_value() && s.follow_up->round() == s.round &&
      SameContent(s.follow_up->performed_on(), c.performed_on()) &&
      s.follow_up->method() == c.method() &&
      s.follow_up->result() == c.result() &&
      s.follow_up->evidence() == c.evidence()) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kRecordFollowUp, ctx));
  RETURN_IF_ERROR(CheckFollowUpNeeded(s));
  RETURN_IF_ERROR(CheckMethodRequested(s, c.method()));
  if (performed < DayOf(s.request.requested_on())) {
    return InvalidArgument("performed_on",
                           "must not be before the plan was requested");
  }
  Events events;
  events.push_back(Wrap([&](v1::Event& event) {
    v1::FollowUpRecorded* e = event.mutable_follow_up_recorded();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    *e->mutable_performed_on() = c.performed_on();
    e->set_method(c.method());
    e->set_result(c.result());
    e->set_evidence(c.evidence());
  }));
  if (c.result() == v1::FOLLOW_UP_RESULT_RESOLVED) {
    events.push_back(Wrap([&](v1::Event& event) {
      v1::CaseClosed* e = event.mutable_case_closed();
      e->set_case_id(s.case_id);
      e->set_closure(v1::CASE_CLOSURE_RESOLVED);
      e->set_note(c.evidence());
      *e->mutable_closed_on() = ToDate(ctx.today);
    }));
  }
  return events;
}

}  // namespace atgard::domain::internal
