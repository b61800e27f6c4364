// Assessment of the plan (AssessPlan): the six questions, the decision, and
// the findings a decision other than approval must name.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider_internal.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"

namespace atgard::domain::internal {

namespace {

absl::Status CheckAnswered(absl::string_view name,
                           const v1::AnsweredQuestion& q) {
  if (q.answer() == v1::ANSWER_UNSPECIFIED) {
    return InvalidArgument(absl::StrCat("assessment.", name, ".answer"),
                           "is required: all six questions must be answered");
  }
  RETURN_IF_ERROR(CheckEnum(absl::StrCat("assessment.", name, ".answer"),
                            q.answer(), v1::Answer_IsValid));
  return CheckOptionalText(absl::StrCat("assessment.", name, ".comment"),
                           q.comment());
}

// The criteria the plan fails, from the answers and the plan itself.
std::vector<v1::AssessmentCriterion> FailingCriteria(
    const v1::Assessment& a, const v1::ActionPlan& plan) {
  std::vector<v1::AssessmentCriterion> failing;
  if (a.sufficient().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_SUFFICIENT);
  }
  if (a.clear_effect().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_CLEAR_EFFECT);
  }
  if (a.realistic_resources().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_RESOURCES);
  }
  if (a.realistic_compensation().answer() != v1::ANSWER_YES) {
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_COMPENSATION);
  }
  if (a.external_conditions().answer() == v1::ANSWER_YES &&
      a.external_conditions_justification().empty()) {
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTERNAL_CONDITIONS);
  }
  if (plan.requests_extra_compensation()) {
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION);
  }
  return failing;
}

std::string CriterionName(v1::AssessmentCriterion c) {
  constexpr absl::string_view kPrefix = "ASSESSMENT_CRITERION_";
  std::string name = v1::AssessmentCriterion_Name(c);
  if (absl::string_view(name).substr(0, kPrefix.size()) == kPrefix) {
    name.erase(0, kPrefix.size());
  }
  return name;
}

std::string CriteriaList(const std::vector<v1::AssessmentCriterion>& criteria) {
  return absl::StrJoin(criteria, ", ",
                       [](std::string* out, v1::AssessmentCriterion c) {
                         absl::StrAppend(out, CriterionName(c));
                       });
}

absl::Status CheckAssessmentShape(const v1::Assessment& a) {
  RETURN_IF_ERROR(CheckAnswered("sufficient", a.sufficient()));
  RETURN_IF_ERROR(CheckAnswered("clear_effect", a.clear_effect()));
  RETURN_IF_ERROR(CheckText("assessment.side_effects", a.side_effects()));
  RETURN_IF_ERROR(
      CheckAnswered("realistic_resources", a.realistic_resources()));
  RETURN_IF_ERROR(
      CheckAnswered("realistic_compensation", a.realistic_compensation()));
  RETURN_IF_ERROR(
      CheckAnswered("external_conditions", a.external_conditions()));
  RETURN_IF_ERROR(
      CheckOptionalText("assessment.external_conditions_justification",
                        a.external_conditions_justification()));
  RETURN_IF_ERROR(CheckEnum("assessment.decision", a.decision(),
                            v1::AssessmentDecision_IsValid));
  std::set<int> named;
  for (int i = 0; i < a.findings_size(); ++i) {
    const std::string field = absl::StrCat("assessment.findings[", i, "]");
    RETURN_IF_ERROR(CheckEnum(absl::StrCat(field, ".criterion"),
                              a.findings(i).criterion(),
                              v1::AssessmentCriterion_IsValid));
    if (!named.insert(a.findings(i).criterion()).second) {
      return InvalidArgument(absl::StrCat(field, ".criterion"),
                             "names the same criterion twice");
    }
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".comment"), a.findings(i).comment()));
  }
  if (a.decision() == v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
    RETURN_IF_ERROR(
        CheckDate("assessment.new_submit_by", a.new_submit_by()).status());
  } else if (!IsUnset(a.new_submit_by())) {
    return InvalidArgument("assessment.new_submit_by",
                           "is set only when a revision is required");
  }
  return absl::OkStatus();
}

absl::Status CheckAssessmentAgainstPlan(const v1::Assessment& a,
                                        const CaseState& s,
                                        const CommandContext& ctx) {
  const std::vector<v1::AssessmentCriterion> failing =
      FailingCriteria(a, s.plan.plan());
  if (a.decision() == v1::ASSESSMENT_DECISION_APPROVED) {
    if (failing.size() == 1 &&
        failing[0] == v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION) {
      return FailedPrecondition(
          "assessment.decision",
          "the plan asks for extra compensation: reaching the quality level "
          "already agreed must not cost the municipality extra, so it cannot "
          "be approved as it is");
    }
    if (!failing.empty()) {
      return InvalidArgument(
          "assessment.decision",
          absl::StrCat("approval needs yes to questions 1, 2, 4 and 5, no to 6 "
                       "(or a written justification) and no request for extra "
                       "compensation; failing: ",
                       CriteriaList(failing)));
    }
    if (!a.findings().empty()) {
      return InvalidArgument("assessment.findings",
                             "an approval names no failing criteria");
    }
    return absl::OkStatus();
  }
  // A non-approval names every failing criterion, and only those (the
  // free-text side-effects question may always be named).
  if (a.findings().empty()) {
    return InvalidArgument("assessment.findings",
                           "a plan that is not approved names the failing "
                           "criteria, each with a comment");
  }
  std::vector<v1::AssessmentCriterion> missing;
  for (v1::AssessmentCriterion c : failing) {
    bool named = false;
    for (const v1::AssessmentFinding& f : a.findings())
      named |= f.criterion() == c;
    if (!named) missing.push_back(c);
  }
  if (!missing.empty()) {
    return InvalidArgument(
        "assessment.findings",
        absl::StrCat("must name every failing criterion; missing: ",
                     CriteriaList(missing)));
  }
  for (int i = 0; i < a.findings_size(); ++i) {
    const v1::AssessmentCriterion c = a.findings(i).criterion();
    if (c != v1::ASSESSMENT_CRITERION_SIDE_EFFECTS &&
        std::find(failing.begin(), failing.end(), c) == failing.end()) {
      return InvalidArgument(
          absl::StrCat("assessment.findings[", i, "].criterion"),
          absl::StrCat(CriterionName(c),
                       " does not fail by the answers given; name only failing "
                       "criteria"));
    }
  }
  if (a.decision() == v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
    const absl::CivilDay due = DayOf(a.new_submit_by());
    if (due <= ctx.today) {
      return InvalidArgument(
          "assessment.new_submit_by",
          absl::StrCat("must be after today (", FormatDay(ctx.today), ")"));
    }
    if (due >= CompleteBy(s)) {
      return InvalidArgument("assessment.new_submit_by",
                             absl::StrCat("must be before complete_by (",
                                          FormatDay(CompleteBy(s)), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Events> AssessPlan(const v1::AssessPlan& c, const CaseState& s,
                                  const CommandContext& ctx) {
  RETURN_IF_ERROR(CheckAssessmentShape(c.assessment()));
  if (s.assessment.has_value() && s.assessment->round() == s.round &&
      s.assessment->revision() == s.revision &&
      s.status == StatusAfter(c.assessment().decision()) &&
      SameContent(s.assessment->assessment(), c.assessment())) {
    return Events{};
  }
  RETURN_IF_ERROR(Gate(s, v1::Command::kAssessPlan, ctx));
  RETURN_IF_ERROR(CheckAssessmentAgainstPlan(c.assessment(), s, ctx));
  return Events{Wrap([&](v1::Event& event) {
    v1::PlanAssessed* e = event.mutable_plan_assessed();
    e->set_case_id(s.case_id);
    e->set_round(s.round);
    e->set_revision(s.revision);
    *e->mutable_assessment() = c.assessment();
    *e->mutable_assessed_on() = ToDate(ctx.today);
    e->set_step(s.step);
  })};
}

}  // namespace atgard::domain::internal
