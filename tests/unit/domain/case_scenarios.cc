#include "tests/unit/domain/case_scenarios.h"

#include <algorithm>

#include "services/domain/calendar.h"
#include "services/domain/case_workflow.h"
#include "services/domain/dates.h"
#include "tests/support/given_when_then.h"

namespace atgard::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The inner message of a command (e.g. the RequestPlan of a Command).
Message* Inner(v1::Command& command) {
  const FieldDescriptor* field =
      v1::Command::descriptor()->FindFieldByNumber(command.command_case());
  return command.GetReflection()->MutableMessage(&command, field);
}

// The case at the given point of its first plan round at step 1.
CaseDriver Registered(World& world, const std::string& id, bool private_case) {
  CaseDriver driver(world, id, private_case);
  driver.Register();
  return driver;
}
CaseDriver Requested(World& world, const std::string& id, bool private_case) {
  CaseDriver driver = Registered(world, id, private_case);
  driver.RequestPlan();
  return driver;
}
CaseDriver Submitted(World& world, const std::string& id, bool private_case) {
  CaseDriver driver = Requested(world, id, private_case);
  driver.SubmitPlan();
  return driver;
}
CaseDriver Approved(World& world, const std::string& id, bool private_case) {
  CaseDriver driver = Submitted(world, id, private_case);
  driver.Approve();
  return driver;
}
CaseDriver Implemented(World& world, const std::string& id, bool private_case) {
  CaseDriver driver = Approved(world, id, private_case);
  driver.CompleteAllActions().ReportImplementation();
  return driver;
}
CaseDriver Rejected(World& world, const std::string& id, bool private_case) {
  CaseDriver driver = Submitted(world, id, private_case);
  driver.Reject();
  return driver;
}
// A private case with an approved step-1b plan that has a milestone.
CaseDriver ApprovedAtStep1b(World& world, const std::string& id) {
  CaseDriver driver = CaseAtStep(world, id, true, v1::ESCALATION_STEP_1B);
  driver.RequestPlan().SubmitPlan().Approve();
  return driver;
}

std::vector<CaseCommandCase> MakeCatalogue() {
  using W = World;
  using Id = const std::string&;
  std::vector<CaseCommandCase> all;
  all.push_back(
      {.name = "RegisterCase",
       .existing_case = false,
       .arrange = [](W&, Id id) {
         return Situation{
             FollowUpOfficer(), Day(2026, 2, 10),
             RegisterCase(id, kPrivateProvider, kPrivateUnit, Day(2026, 2, 3))};
       }});
  all.push_back({.name = "MarkCaseSystemLevel", .arrange = [](W& w, Id id) {
                   CaseDriver d = Registered(w, id, true);
                   v1::Command c;
                   c.mutable_mark_case_system_level()->set_case_id(id);
                   c.mutable_mark_case_system_level()->set_reason(
                       "Bristen ligger i kommunens egen uppföljningsrutin.");
                   return Situation{FollowUpOfficer(), d.today(), c};
                 }});
  all.push_back({.name = "RequestPlan", .arrange = [](W& w, Id id) {
                   CaseDriver d = Registered(w, id, true);
                   return Situation{d.Commissioner(), d.today(),
                                    RequestPlan(id, Request(d.today()))};
                 }});
  all.push_back(
      {.name = "SubmitPlan", .arrange = [](W& w, Id id) {
         CaseDriver d = Requested(w, id, true);
         return Situation{
             d.Staff(), d.today(),
             SubmitPlan(id, Plan(domain::DayOf(
                                d.State().request.request().complete_by())))};
       }});
  all.push_back(
      {.name = "AssessPlanApproved", .arrange = [](W& w, Id id) {
         CaseDriver d = Submitted(w, id, true);
         return Situation{d.Assessor(), d.today(), AssessPlan(id, Approval())};
       }});
  all.push_back(
      {.name = "AssessPlanRevisionRequired", .arrange = [](W& w, Id id) {
         CaseDriver d = Submitted(w, id, true);
         return Situation{d.Assessor(), d.today(),
                          AssessPlan(id, RevisionRequired(d.today() + 7))};
       }});
  all.push_back(
      {.name = "AssessPlanRejected", .arrange = [](W& w, Id id) {
         CaseDriver d = Submitted(w, id, true);
         return Situation{d.Assessor(), d.today(), AssessPlan(id, Rejection())};
       }});
  all.push_back({.name = "ReportActionProgress", .arrange = [](W& w, Id id) {
                   CaseDriver d = Approved(w, id, true);
                   return Situation{
                       d.Staff(), d.today(),
                       ReportProgress(id, 1, v1::TRAFFIC_LIGHT_YELLOW)};
                 }});
  all.push_back(
      {.name = "CompleteAction", .arrange = [](W& w, Id id) {
         CaseDriver d = Approved(w, id, true);
         return Situation{d.Staff(), d.today(), CompleteAction(id, 1)};
       }});
  all.push_back(
      {.name = "WithdrawAction", .arrange = [](W& w, Id id) {
         CaseDriver d = Approved(w, id, true);
         return Situation{d.Assessor(), d.today(), WithdrawAction(id, 2)};
       }});
  all.push_back(
      {.name = "ReportImplementation", .arrange = [](W& w, Id id) {
         CaseDriver d = Approved(w, id, true);
         d.CompleteAllActions();
         return Situation{d.Staff(), d.today(), ReportImplementation(id)};
       }});
  all.push_back({.name = "RecordMilestoneMet", .arrange = [](W& w, Id id) {
                   CaseDriver d = ApprovedAtStep1b(w, id);
                   return Situation{FollowUpOfficer(), d.today(),
                                    RecordMilestone(id, 1, true)};
                 }});
  all.push_back({.name = "RecordMilestoneMissed", .arrange = [](W& w, Id id) {
                   CaseDriver d = ApprovedAtStep1b(w, id);
                   return Situation{FollowUpOfficer(), d.today(),
                                    RecordMilestone(id, 1, false)};
                 }});
  all.push_back({.name = "ScheduleFollowUp", .arrange = [](W& w, Id id) {
                   CaseDriver d = Implemented(w, id, true);
                   return Situation{FollowUpOfficer(), d.today(),
                                    ScheduleFollowUp(id, d.today() + 30)};
                 }});
  for (v1::FollowUpResult result :
       {v1::FOLLOW_UP_RESULT_RESOLVED, v1::FOLLOW_UP_RESULT_PARTLY_RESOLVED,
        v1::FOLLOW_UP_RESULT_NOT_RESOLVED}) {
    const std::string suffix =
        result == v1::FOLLOW_UP_RESULT_RESOLVED
            ? "Resolved"
            : (result == v1::FOLLOW_UP_RESULT_PARTLY_RESOLVED ? "PartlyResolved"
                                                              : "NotResolved");
    all.push_back(
        {.name = "RecordFollowUp" + suffix, .arrange = [result](W& w, Id id) {
           CaseDriver d = Implemented(w, id, true);
           return Situation{FollowUpOfficer(), d.today(),
                            RecordFollowUp(id, d.today(), result)};
         }});
  }
  all.push_back(
      {.name = "ProposeEscalation", .arrange = [](W& w, Id id) {
         CaseDriver d = Rejected(w, id, true);
         return Situation{FollowUpOfficer(), d.today(), ProposeEscalation(id)};
       }});
  all.push_back({.name = "EscalateCaseTo1b", .arrange = [](W& w, Id id) {
                   CaseDriver d = Rejected(w, id, true);
                   return Situation{
                       AdministrationDirector(), d.today(),
                       Escalate(id, v1::ESCALATION_STEP_1B, d.today(),
                                domain::AddCalendarMonths(d.today(), 4))};
                 }});
  all.push_back({.name = "EscalateCaseTo2",
                 .private_case = false,
                 .arrange = [](W& w, Id id) {
                   CaseDriver d = Rejected(w, id, false);
                   return Situation{
                       CareDirector(), d.today(),
                       Escalate(id, v1::ESCALATION_STEP_2, d.today())};
                 }});
  all.push_back(
      {.name = "DecideConsequencePrivate", .arrange = [](W& w, Id id) {
         CaseDriver d = CaseAtStep(w, id, true, v1::ESCALATION_STEP_4);
         return Situation{AdministrationDirector(), d.today(),
                          DecideConsequence(id, d.today(), false)};
       }});
  all.push_back({.name = "DecideConsequenceMunicipal",
                 .private_case = false,
                 .arrange = [](W& w, Id id) {
                   CaseDriver d =
                       CaseAtStep(w, id, false, v1::ESCALATION_STEP_4);
                   return Situation{CareDirector(), d.today(),
                                    DecideConsequence(id, d.today(), true)};
                 }});
  all.push_back(
      {.name = "CloseCaseRegisteredInError", .arrange = [](W& w, Id id) {
         CaseDriver d = Registered(w, id, true);
         return Situation{FollowUpOfficer(), d.today(),
                          CloseCase(id, v1::CASE_CLOSURE_REGISTERED_IN_ERROR)};
       }});
  all.push_back(
      {.name = "CloseCaseSystemLevelHandled", .arrange = [](W& w, Id id) {
         w.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                   RegisterSystemLevelCase(id, Day(2026, 2, 3)));
         return Situation{FollowUpOfficer(), Day(2026, 2, 11),
                          CloseCase(id, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED)};
       }});
  all.push_back(
      {.name = "CloseCaseContractTerminated", .arrange = [](W& w, Id id) {
         CaseDriver d = Rejected(w, id, true);
         w.MustRun(AdministrationDirector(), d.today(),
                   TerminateContract(kContract, {id}, d.today()));
         return Situation{
             AdministrationDirector(), d.today(),
             CloseCase(id, v1::CASE_CLOSURE_CONTRACT_TERMINATED, kContract)};
       }});
  all.push_back({.name = "SubmitOwnPlan", .arrange = [](W& w, Id id) {
                   CaseDriver d = Registered(w, id, true);
                   const absl::CivilDay complete_by = d.today() + 60;
                   v1::Command c;
                   v1::SubmitOwnPlan* own = c.mutable_submit_own_plan();
                   own->set_case_id(id);
                   *own->mutable_start_by() = D(d.today());
                   *own->mutable_complete_by() = D(complete_by);
                   *own->mutable_plan() = Plan(complete_by);
                   return Situation{d.Staff(), d.today(), c};
                 }});
  all.push_back(
      {.name = "AcceptImplementationReport", .arrange = [](W& w, Id id) {
         CaseDriver d = Registered(w, id, true);
         w.MustRun(d.Commissioner(), d.today(),
                   RequestPlan(id, RequestWithoutFollowUp(d.today())));
         d.Wait(1).SubmitPlan().Approve().CompleteAllActions();
         d.ReportImplementation();
         return Situation{FollowUpOfficer(), d.today(),
                          AcceptImplementationReport(id, "Godkänd.")};
       }});
  all.push_back(
      {.name = "RecordPlannedMeasurement", .arrange = [](W& w, Id id) {
         CaseDriver d = ApprovedAtStep1b(w, id);
         return Situation{FollowUpOfficer(), d.today(),
                          RecordPlannedMeasurement(id, 1, d.today())};
       }});
  return all;
}

}  // namespace

domain::CaseState CaseTest::CaseState(const std::string& id) const {
  return world_.Case(kTenant, id);
}

const std::vector<v1::Event>& CaseTest::CaseStream(
    const std::string& id) const {
  return world_.Stream(kTenant,
                       {.kind = domain::AggregateKind::kCase, .id = id});
}

std::vector<v1::Role> AllRoles() {
  std::vector<v1::Role> roles;
  for (int r = v1::Role_MIN + 1; r <= v1::Role_MAX; ++r) {
    if (v1::Role_IsValid(r)) roles.push_back(static_cast<v1::Role>(r));
  }
  return roles;
}

domain::Principal WithRole(v1::Role role, absl::string_view provider_id,
                           absl::string_view tenant) {
  return domain::Principal{.subject = RoleLabel(role),
                           .role = role,
                           .tenant = std::string(tenant),
                           .provider_id = role == v1::ROLE_PROVIDER
                                              ? std::string(provider_id)
                                              : std::string()};
}

std::string RoleLabel(v1::Role role) {
  return std::string(domain::RoleName(role));
}

void ClimbTo(CaseDriver& driver, v1::EscalationStep step) {
  for (int guard = 0; guard < 5 && driver.State().step != step; ++guard) {
    driver.RequestPlan().SubmitPlan().Reject().EscalateToNextStep();
  }
  ASSERT_EQ(driver.State().step, step);
}

CaseDriver CaseAtStep(World& world, const std::string& id, bool private_case,
                      v1::EscalationStep step, absl::CivilDay start) {
  CaseDriver driver(world, id, private_case, start);
  driver.Register();
  ClimbTo(driver, step);
  return driver;
}

v1::Command RegisterSystemLevelCase(absl::string_view case_id,
                                    absl::CivilDay detected_on) {
  v1::Command c =
      RegisterCase(case_id, kPrivateProvider, kPrivateUnit, detected_on);
  c.mutable_register_case()->set_system_level(true);
  c.mutable_register_case()->set_system_level_reason(
      "Mätningen i kommunens uppföljningssystem var felkonfigurerad.");
  return c;
}

const std::vector<CaseCommandCase>& EveryCaseCommand() {
  static const std::vector<CaseCommandCase>* all =
      new std::vector<CaseCommandCase>(MakeCatalogue());
  return *all;
}

const CaseCommandCase& CaseCommandNamed(absl::string_view name) {
  for (const CaseCommandCase& c : EveryCaseCommand()) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no case command named " << name;
  return EveryCaseCommand().front();
}

void ExpectOnlyRoles(const World& world, const std::vector<v1::Role>& allowed,
                     absl::string_view provider_id, absl::CivilDay day,
                     const v1::Command& command) {
  for (v1::Role role : AllRoles()) {
    SCOPED_TRACE(RoleLabel(role));
    Outcome outcome =
        Given(world).As(WithRole(role, provider_id)).On(day).When(command);
    if (std::find(allowed.begin(), allowed.end(), role) != allowed.end()) {
      EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
    } else {
      outcome.ThenFails(absl::StatusCode::kPermissionDenied);
    }
  }
}

std::string CaseIdOf(const v1::Command& command) {
  v1::Command copy = command;
  Message* inner = Inner(copy);
  return inner->GetReflection()->GetString(
      *inner, inner->GetDescriptor()->FindFieldByName("case_id"));
}

v1::Command WithCaseId(v1::Command command, absl::string_view id) {
  Message* inner = Inner(command);
  inner->GetReflection()->SetString(
      inner, inner->GetDescriptor()->FindFieldByName("case_id"),
      std::string(id));
  return command;
}

}  // namespace atgard::testing
