// Field by field, for every case command: no free text, name, reference
// or id may hold a personnummer or samordningsnummer
// (services/domain/RULES.md#personal-data), and every required part is
// refused, when missing, with INVALID_ARGUMENT naming the exact field.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/dates.h"
#include "services/domain/validation.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

using absl::StatusCode;
using ::testing::HasSubstr;
using ::testing::Not;

// A field of a case command and how to change it.
struct FieldCase {
  // The catalogue entry (EveryCaseCommand) whose situation is used.
  const char* command;
  // The field path the decider must name.
  const char* field;
  // Puts `text` into the field (for the identity guard) or, given "",
  // clears it (for the required fields).
  std::function<void(v1::Command&, const std::string&)> set;
};

std::string FieldCaseName(const ::testing::TestParamInfo<FieldCase>& info) {
  std::string name = absl::StrCat(info.param.command, "_", info.param.field);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

void PrintTo(const FieldCase& f, std::ostream* os) {
  *os << f.command << " " << f.field;
}

// Shorthands for the inner messages.
v1::RegisterCase& Reg(v1::Command& c) { return *c.mutable_register_case(); }
v1::PlanRequest& Req(v1::Command& c) {
  return *c.mutable_request_plan()->mutable_request();
}
v1::ActionPlan& PlanOf(v1::Command& c) {
  return *c.mutable_submit_plan()->mutable_plan();
}
v1::Assessment& Assessment(v1::Command& c) {
  return *c.mutable_assess_plan()->mutable_assessment();
}
v1::EscalateCase& Esc(v1::Command& c) { return *c.mutable_escalate_case(); }
v1::DecideConsequence& Cons(v1::Command& c) {
  return *c.mutable_decide_consequence();
}
using Text = const std::string&;

// ---- The personal-identity guard -----------------------------------------

// Every free-text field, name, reference and id that a case command
// carries.
const std::vector<FieldCase>& TextFields() {
  static const auto* fields = new std::vector<FieldCase>{
      {"RegisterCase", "case_id",
       [](v1::Command& c, Text t) { Reg(c).set_case_id(t); }},
      {"RegisterCase", "deficiency.description",
       [](v1::Command& c, Text t) {
         Reg(c).mutable_deficiency()->set_description(t);
       }},
      {"RegisterCase", "system_level_reason",
       [](v1::Command& c, Text t) {
         Reg(c).set_system_level(true);
         Reg(c).set_system_level_reason(t);
       }},
      {"MarkCaseSystemLevel", "reason",
       [](v1::Command& c, Text t) {
         c.mutable_mark_case_system_level()->set_reason(t);
       }},
      {"RequestPlan", "case_id",
       [](v1::Command& c, Text t) {
         c.mutable_request_plan()->set_case_id(t);
       }},
      {"RequestPlan", "request.background",
       [](v1::Command& c, Text t) { Req(c).set_background(t); }},
      {"RequestPlan", "request.follow_up.description",
       [](v1::Command& c, Text t) {
         Req(c).mutable_follow_up()->set_description(t);
       }},
      {"RequestPlan", "request.consequences",
       [](v1::Command& c, Text t) { Req(c).set_consequences(t); }},
      {"SubmitPlan", "plan.causes[0].description",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_causes(0)->set_description(t);
       }},
      {"SubmitPlan", "plan.causes[1].provider_assessment",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_causes(1)->set_provider_assessment(t);
       }},
      {"SubmitPlan", "plan.actions[0].description",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(0)->set_description(t);
       }},
      {"SubmitPlan", "plan.actions[1].operational_goal",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(1)->set_operational_goal(t);
       }},
      {"SubmitPlan", "plan.actions[0].responsible.name",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(0)->mutable_responsible()->set_name(t);
       }},
      {"SubmitPlan", "plan.actions[0].responsible.role",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(0)->mutable_responsible()->set_role(t);
       }},
      {"SubmitPlan", "plan.actions[1].responsible.contact",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(1)->mutable_responsible()->set_contact(t);
       }},
      {"SubmitPlan", "plan.actions[0].time_and_resources",
       [](v1::Command& c, Text t) {
         PlanOf(c).mutable_actions(0)->set_time_and_resources(t);
       }},
      {"SubmitPlan", "plan.extra_compensation_note",
       [](v1::Command& c, Text t) {
         PlanOf(c).set_requests_extra_compensation(true);
         PlanOf(c).set_extra_compensation_note(t);
       }},
      {"SubmitPlan", "plan.milestones[0].description",
       [](v1::Command& c, Text t) {
         v1::Milestone* m = PlanOf(c).add_milestones();
         m->set_number(1);
         m->set_description(t);
         *m->mutable_due_on() = PlanOf(c).actions(0).due_on();
       }},
      {"SubmitPlan", "plan.extra_measurements[0].indicator_id",
       [](v1::Command& c, Text t) {
         v1::PlannedMeasurement* m = PlanOf(c).add_extra_measurements();
         m->set_number(1);
         m->set_indicator_id(t);
         *m->mutable_due_on() = PlanOf(c).actions(0).due_on();
       }},
      {"AssessPlanApproved", "assessment.sufficient.comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_sufficient()->set_comment(t);
       }},
      {"AssessPlanApproved", "assessment.clear_effect.comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_clear_effect()->set_comment(t);
       }},
      {"AssessPlanApproved", "assessment.side_effects",
       [](v1::Command& c, Text t) { Assessment(c).set_side_effects(t); }},
      {"AssessPlanApproved", "assessment.realistic_resources.comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_realistic_resources()->set_comment(t);
       }},
      {"AssessPlanApproved", "assessment.realistic_compensation.comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_realistic_compensation()->set_comment(t);
       }},
      {"AssessPlanApproved", "assessment.external_conditions.comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_external_conditions()->set_comment(t);
       }},
      {"AssessPlanApproved", "assessment.external_conditions_justification",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_external_conditions()->set_answer(
             v1::ANSWER_YES);
         Assessment(c).set_external_conditions_justification(t);
       }},
      {"AssessPlanRejected", "assessment.findings[0].comment",
       [](v1::Command& c, Text t) {
         Assessment(c).mutable_findings(0)->set_comment(t);
       }},
      {"ReportActionProgress", "note",
       [](v1::Command& c, Text t) {
         c.mutable_report_action_progress()->set_note(t);
       }},
      {"CompleteAction", "note",
       [](v1::Command& c, Text t) {
         c.mutable_complete_action()->set_note(t);
       }},
      {"WithdrawAction", "reason",
       [](v1::Command& c, Text t) {
         c.mutable_withdraw_action()->set_reason(t);
       }},
      {"ReportImplementation", "report",
       [](v1::Command& c, Text t) {
         c.mutable_report_implementation()->set_report(t);
       }},
      {"RecordMilestoneMet", "note",
       [](v1::Command& c, Text t) {
         c.mutable_record_milestone()->set_note(t);
       }},
      {"RecordMilestoneMissed", "note",
       [](v1::Command& c, Text t) {
         c.mutable_record_milestone()->set_note(t);
       }},
      {"ScheduleFollowUp", "note",
       [](v1::Command& c, Text t) {
         c.mutable_schedule_follow_up()->set_note(t);
       }},
      {"RecordFollowUpResolved", "evidence",
       [](v1::Command& c, Text t) {
         c.mutable_record_follow_up()->set_evidence(t);
       }},
      {"ProposeEscalation", "reason",
       [](v1::Command& c, Text t) {
         c.mutable_propose_escalation()->set_reason(t);
       }},
      {"EscalateCaseTo1b", "reason",
       [](v1::Command& c, Text t) { Esc(c).set_reason(t); }},
      {"EscalateCaseTo1b", "decision.decision_maker",
       [](v1::Command& c, Text t) {
         Esc(c).mutable_decision()->set_decision_maker(t);
       }},
      {"EscalateCaseTo1b", "decision.delegation_basis",
       [](v1::Command& c, Text t) {
         Esc(c).mutable_decision()->set_delegation_basis(t);
       }},
      {"EscalateCaseTo1b", "decision.reference_number",
       [](v1::Command& c, Text t) {
         Esc(c).mutable_decision()->set_reference_number(t);
       }},
      {"DecideConsequenceMunicipal", "consequences",
       [](v1::Command& c, Text t) { Cons(c).set_consequences(t); }},
      {"DecideConsequenceMunicipal", "care_director_decision.decision_maker",
       [](v1::Command& c, Text t) {
         Cons(c).mutable_care_director_decision()->set_decision_maker(t);
       }},
      {"DecideConsequenceMunicipal", "care_director_decision.delegation_basis",
       [](v1::Command& c, Text t) {
         Cons(c).mutable_care_director_decision()->set_delegation_basis(t);
       }},
      {"DecideConsequenceMunicipal", "care_director_decision.reference_number",
       [](v1::Command& c, Text t) {
         Cons(c).mutable_care_director_decision()->set_reference_number(t);
       }},
      {"DecideConsequenceMunicipal",
       "administration_director_decision.decision_maker",
       [](v1::Command& c, Text t) {
         Cons(c).mutable_administration_director_decision()->set_decision_maker(
             t);
       }},
      {"DecideConsequenceMunicipal",
       "administration_director_decision.delegation_basis",
       [](v1::Command& c, Text t) {
         Cons(c)
             .mutable_administration_director_decision()
             ->set_delegation_basis(t);
       }},
      {"DecideConsequenceMunicipal",
       "administration_director_decision.reference_number",
       [](v1::Command& c, Text t) {
         Cons(c)
             .mutable_administration_director_decision()
             ->set_reference_number(t);
       }},
      {"CloseCaseRegisteredInError", "note",
       [](v1::Command& c, Text t) { c.mutable_close_case()->set_note(t); }},
      {"CloseCaseContractTerminated", "contract_id",
       [](v1::Command& c, Text t) {
         c.mutable_close_case()->set_contract_id(t);
       }},
  };
  return *fields;
}

class IdentityGuardTest : public CaseTest,
                          public ::testing::WithParamInterface<FieldCase> {};

// "free text and references that contain a Luhn-valid personnummer or
// samordningsnummer (10 or 12 digits, valid date, or day + 60) are
// rejected with a clear error": the field is named, the number is not
// repeated.
TEST_P(IdentityGuardTest, PersonalIdentityNumbersAreRefused) {
  const FieldCase& f = GetParam();
  const bool is_id = std::string(f.field) == "case_id" ||
                     std::string(f.field).ends_with("_id");
  struct Number {
    std::string digits;
    std::string in_text;
  };
  // Skatteverket's test personnummer, a samordningsnummer (day + 60) and
  // the 12-digit form; in prose, or alone where the field is an id.
  const Number numbers[] = {
      {"1212121212", "Brukaren 121212-1212 fick vänta."},
      {"1212721219", "Samordningsnummer 121272-1219 i journalen."},
      {"191212121212", "Se 19121212-1212."},
  };
  for (const Number& n : numbers) {
    const std::string text = is_id ? absl::StrCat("x", n.digits) : n.in_text;
    ASSERT_TRUE(domain::ContainsPersonalIdentityNumber(text)) << text;
    SCOPED_TRACE(text);
    World world;
    SeedProviders(world);
    const Situation s = CaseCommandNamed(f.command).arrange(world, kCase);
    Outcome control = Given(world).As(s.actor).On(s.day).When(s.command);
    ASSERT_TRUE(control.result().ok()) << control.result().status();
    v1::Command command = s.command;
    f.set(command, text);
    Outcome outcome = Given(world).As(s.actor).On(s.day).When(command);
    outcome.ThenFails(StatusCode::kInvalidArgument, f.field);
    if (!outcome.result().ok()) {
      EXPECT_THAT(std::string(outcome.result().status().message()),
                  Not(HasSubstr(n.digits.substr(n.digits.size() - 4))));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTextField, IdentityGuardTest,
                         ::testing::ValuesIn(TextFields()), FieldCaseName);

// The policies' trigger reference is free text too, even though only
// SYSTEM sets it.
class TriggerGuardTest : public CaseTest {};

TEST_F(TriggerGuardTest, TriggeredByIsGuardedToo) {
  v1::Command c =
      RegisterCase(kCase, kPrivateProvider, kPrivateUnit, Day(2026, 2, 10));
  c.mutable_register_case()->set_triggered_by("0780/indicator/121212-1212@1");
  Given(world_)
      .As(System())
      .On(Day(2026, 2, 10))
      .When(c)
      .ThenFails(StatusCode::kInvalidArgument, "triggered_by");
}

// ---- Required fields ---------------------------------------------------

// Every required field of every case command (the ones a command's own
// rule needs, e.g. a new submit_by for a revision, included).
const std::vector<FieldCase>& RequiredFields() {
  static const auto* fields =
      new std::vector<FieldCase>{
          {"RegisterCase", "deficiency.provider_id",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_provider_id();
           }},
          {"RegisterCase", "deficiency.unit_id",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_unit_id();
           }},
          {"RegisterCase", "deficiency.source",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_source();
           }},
          {"RegisterCase", "deficiency.quality_area",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_quality_area();
           }},
          {"RegisterCase", "deficiency.indicator_kind",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_indicator_kind();
           }},
          {"RegisterCase", "deficiency.severity",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_severity();
           }},
          {"RegisterCase", "deficiency.description",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_description();
           }},
          {"RegisterCase", "deficiency.detected_on",
           [](v1::Command& c, Text) {
             Reg(c).mutable_deficiency()->clear_detected_on();
           }},
          {"RegisterCase", "case_id",
           [](v1::Command& c, Text) { Reg(c).clear_case_id(); }},
          {"MarkCaseSystemLevel", "reason",
           [](v1::Command& c, Text) {
             c.mutable_mark_case_system_level()->clear_reason();
           }},
          {"RequestPlan", "request.background",
           [](v1::Command& c, Text) { Req(c).clear_background(); }},
          {"RequestPlan", "request.start_by",
           [](v1::Command& c, Text) { Req(c).clear_start_by(); }},
          {"RequestPlan", "request.complete_by",
           [](v1::Command& c, Text) { Req(c).clear_complete_by(); }},
          {"RequestPlan", "request.submit_by",
           [](v1::Command& c, Text) { Req(c).clear_submit_by(); }},
          {"RequestPlan", "request.follow_up.methods",
           [](v1::Command& c, Text) { Req(c).clear_follow_up(); }},
          {"RequestPlan", "request.follow_up.description",
           [](v1::Command& c, Text) {
             Req(c).mutable_follow_up()->clear_description();
           }},
          {"RequestPlan", "request.consequences",
           [](v1::Command& c, Text) { Req(c).clear_consequences(); }},
          {"RequestPlan", "case_id",
           [](v1::Command& c, Text) {
             c.mutable_request_plan()->clear_case_id();
           }},
          {"SubmitPlan", "plan.causes",
           [](v1::Command& c, Text) { PlanOf(c).clear_causes(); }},
          {"SubmitPlan", "plan.causes[0].description",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_causes(0)->clear_description();
           }},
          {"SubmitPlan", "plan.causes[0].provider_assessment",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_causes(0)->clear_provider_assessment();
           }},
          {"SubmitPlan", "plan.actions",
           [](v1::Command& c, Text) { PlanOf(c).clear_actions(); }},
          {"SubmitPlan", "plan.actions[0].cause_numbers",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_cause_numbers();
           }},
          {"SubmitPlan", "plan.actions[0].description",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_description();
           }},
          {"SubmitPlan", "plan.actions[0].operational_goal",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_operational_goal();
           }},
          {"SubmitPlan", "plan.actions[0].due_on",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_due_on();
           }},
          {"SubmitPlan", "plan.actions[0].order",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_order();
           }},
          {"SubmitPlan", "plan.actions[0].responsible",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_responsible();
           }},
          {"SubmitPlan", "plan.actions[0].responsible.name",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->mutable_responsible()->clear_name();
           }},
          {"SubmitPlan", "plan.actions[0].responsible.role",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->mutable_responsible()->clear_role();
           }},
          {"SubmitPlan", "plan.actions[0].responsible.contact",
           [](v1::Command& c, Text) {
             PlanOf(c)
                 .mutable_actions(0)
                 ->mutable_responsible()
                 ->clear_contact();
           }},
          {"SubmitPlan", "plan.actions[0].time_and_resources",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_time_and_resources();
           }},
          {"SubmitPlan", "plan.actions[0].effort",
           [](v1::Command& c, Text) {
             PlanOf(c).mutable_actions(0)->clear_effort();
           }},
          {"SubmitPlan", "plan.extra_compensation_note",
           [](v1::Command& c, Text) {
             PlanOf(c).set_requests_extra_compensation(true);
           }},
          {"AssessPlanApproved", "assessment.sufficient.answer",
           [](v1::Command& c, Text) { Assessment(c).clear_sufficient(); }},
          {"AssessPlanApproved", "assessment.clear_effect.answer",
           [](v1::Command& c, Text) { Assessment(c).clear_clear_effect(); }},
          {"AssessPlanApproved", "assessment.side_effects",
           [](v1::Command& c, Text) { Assessment(c).clear_side_effects(); }},
          {"AssessPlanApproved", "assessment.realistic_resources.answer",
           [](v1::Command& c, Text) {
             Assessment(c).clear_realistic_resources();
           }},
          {"AssessPlanApproved", "assessment.realistic_compensation.answer",
           [](v1::Command& c, Text) {
             Assessment(c).clear_realistic_compensation();
           }},
          {"AssessPlanApproved", "assessment.external_conditions.answer",
           [](v1::Command& c, Text) {
             Assessment(c).clear_external_conditions();
           }},
          {"AssessPlanApproved", "assessment.decision",
           [](v1::Command& c, Text) { Assessment(c).clear_decision(); }},
          {"AssessPlanRejected", "assessment.findings",
           [](v1::Command& c, Text) { Assessment(c).clear_findings(); }},
          {"AssessPlanRejected", "assessment.findings[0].comment",
           [](v1::Command& c, Text) {
             Assessment(c).mutable_findings(0)->clear_comment();
           }},
          {"AssessPlanRejected", "assessment.findings[0].criterion",
           [](v1::Command& c, Text) {
             Assessment(c).mutable_findings(0)->clear_criterion();
           }},
          {"AssessPlanRevisionRequired", "assessment.new_submit_by",
           [](v1::Command& c, Text) { Assessment(c).clear_new_submit_by(); }},
          {"ReportActionProgress", "light",
           [](v1::Command& c, Text) {
             c.mutable_report_action_progress()->clear_light();
           }},
          {"ReportActionProgress", "note",
           [](v1::Command& c, Text) {
             c.mutable_report_action_progress()->clear_note();
           }},
          {"ReportActionProgress", "action_number",
           [](v1::Command& c, Text) {
             c.mutable_report_action_progress()->clear_action_number();
           }},
          {"CompleteAction", "action_number",
           [](v1::Command& c, Text) {
             c.mutable_complete_action()->clear_action_number();
           }},
          {"WithdrawAction", "reason",
           [](v1::Command& c, Text) {
             c.mutable_withdraw_action()->clear_reason();
           }},
          {"WithdrawAction", "action_number",
           [](v1::Command& c, Text) {
             c.mutable_withdraw_action()->clear_action_number();
           }},
          {"ReportImplementation", "report",
           [](v1::Command& c, Text) {
             c.mutable_report_implementation()->clear_report();
           }},
          {"RecordMilestoneMissed", "note",
           [](v1::Command& c, Text) {
             c.mutable_record_milestone()->clear_note();
           }},
          {"RecordMilestoneMet", "milestone_number",
           [](v1::Command& c, Text) {
             c.mutable_record_milestone()->clear_milestone_number();
           }},
          {"ScheduleFollowUp", "planned_on",
           [](v1::Command& c, Text) {
             c.mutable_schedule_follow_up()->clear_planned_on();
           }},
          {"ScheduleFollowUp", "method",
           [](v1::Command& c, Text) {
             c.mutable_schedule_follow_up()->clear_method();
           }},
          {"RecordFollowUpResolved", "performed_on",
           [](v1::Command& c, Text) {
             c.mutable_record_follow_up()->clear_performed_on();
           }},
          {"RecordFollowUpResolved", "method",
           [](v1::Command& c, Text) {
             c.mutable_record_follow_up()->clear_method();
           }},
          {"RecordFollowUpResolved", "result",
           [](v1::Command& c, Text) {
             c.mutable_record_follow_up()->clear_result();
           }},
          {"RecordFollowUpResolved", "evidence",
           [](v1::Command& c, Text) {
             c.mutable_record_follow_up()->clear_evidence();
           }},
          {"ProposeEscalation", "reason",
           [](v1::Command& c, Text) {
             c.mutable_propose_escalation()->clear_reason();
           }},
          {"EscalateCaseTo1b", "to_step",
           [](v1::Command& c, Text) { Esc(c).clear_to_step(); }},
          {"EscalateCaseTo1b", "reason",
           [](v1::Command& c, Text) { Esc(c).clear_reason(); }},
          {"EscalateCaseTo1b", "decision.decision_maker",
           [](v1::Command& c, Text) {
             Esc(c).mutable_decision()->clear_decision_maker();
           }},
          {"EscalateCaseTo1b", "decision.delegation_basis",
           [](v1::Command& c, Text) {
             Esc(c).mutable_decision()->clear_delegation_basis();
           }},
          {"EscalateCaseTo1b", "decision.reference_number",
           [](v1::Command& c, Text) {
             Esc(c).mutable_decision()->clear_reference_number();
           }},
          {"EscalateCaseTo1b", "decision.decided_on",
           [](v1::Command& c,
              Text) { Esc(c).mutable_decision()->clear_decided_on(); }},
          {"EscalateCaseTo1b", "plan_limit",
           [](v1::Command& c, Text) { Esc(c).clear_plan_limit(); }},
          {"DecideConsequenceMunicipal", "consequences",
           [](v1::Command& c, Text) { Cons(c).clear_consequences(); }},
          {"DecideConsequenceMunicipal",
           "care_director_decision.decision_maker",
           [](v1::Command& c,
              Text) { Cons(c).clear_care_director_decision(); }},
          {"DecideConsequenceMunicipal",
           "administration_director_decision.decision_maker",
           [](v1::Command& c, Text) {
             Cons(c).clear_administration_director_decision();
           }},
          {"DecideConsequencePrivate",
           "administration_director_decision.decided_on",
           [](v1::Command& c, Text) {
             Cons(c)
                 .mutable_administration_director_decision()
                 ->clear_decided_on();
           }},
          {"CloseCaseRegisteredInError", "closure",
           [](v1::Command& c,
              Text) { c.mutable_close_case()->clear_closure(); }},
          {"CloseCaseRegisteredInError", "note",
           [](v1::Command& c, Text) { c.mutable_close_case()->clear_note(); }},
          {"CloseCaseContractTerminated", "contract_id",
           [](v1::Command& c, Text) {
             c.mutable_close_case()->clear_contract_id();
           }},
      };
  return *fields;
}

class RequiredFieldTest : public CaseTest,
                          public ::testing::WithParamInterface<FieldCase> {};

// A command missing a required part is refused as INVALID_ARGUMENT naming
// exactly that field, in the situation where it would otherwise be
// accepted.
TEST_P(RequiredFieldTest, MissingFieldIsNamed) {
  const FieldCase& f = GetParam();
  const Situation s = CaseCommandNamed(f.command).arrange(world_, kCase);
  Outcome control = Given(world_).As(s.actor).On(s.day).When(s.command);
  ASSERT_TRUE(control.result().ok()) << control.result().status();
  v1::Command command = s.command;
  f.set(command, "");
  Given(world_).As(s.actor).On(s.day).When(command).ThenFails(
      StatusCode::kInvalidArgument, f.field);
}

INSTANTIATE_TEST_SUITE_P(EveryCaseCommand, RequiredFieldTest,
                         ::testing::ValuesIn(RequiredFields()), FieldCaseName);

}  // namespace
}  // namespace atgard::testing
