// The access policy (services/domain/access_policy.h) against the API and
// the deciders: every RPC of every service has a row and every row names
// an RPC; and for every row of a command, in each of its variants, the
// decider accepts exactly the row's roles and refuses every other role
// with PERMISSION_DENIED, so that the table the adapters enforce and the
// documents rendered from it cannot drift from what the deciders decide.
#include "services/domain/access_policy.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "atgard/v1/care_plan_service.pb.h"
#include "atgard/v1/case_service.pb.h"
#include "atgard/v1/contract_service.pb.h"
#include "atgard/v1/diagnostics_service.pb.h"
#include "atgard/v1/event_store_service.pb.h"
#include "atgard/v1/follow_up_plan_service.pb.h"
#include "atgard/v1/import_service.pb.h"
#include "atgard/v1/measurement_service.pb.h"
#include "atgard/v1/operator_service.pb.h"
#include "atgard/v1/organisation_service.pb.h"
#include "atgard/v1/provider_service.pb.h"
#include "atgard/v1/settings_service.pb.h"
#include "google/protobuf/descriptor.h"
#include "services/domain/calendar.h"
#include "services/domain/case_workflow.h"
#include "services/domain/dates.h"
#include "tests/support/aggregate_fixtures.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/given_when_then.h"
#include "tests/unit/domain/case_scenarios.h"

namespace atgard::testing {
namespace {

namespace pb = google::protobuf;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::CivilDay kToday = Day(2026, 3, 2);
constexpr char kFailedCase[] = "kontinuitet-underkand";
constexpr char kCaseId[] = "behorighet-1";

// The service files of the API, as the source tree has them: a new file
// is found without being listed here.
std::vector<std::string> ServiceProtoFiles() {
  std::vector<std::string> files;
  const std::string dir = absl::StrCat(ATGARD_SOURCE_DIR, "/proto/atgard/v1");
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (const dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (absl::EndsWith(name, "_service.proto")) {
      files.push_back(absl::StrCat("atgard/v1/", name));
    }
  }
  closedir(d);
  return files;
}

// "/atgard.v1.CaseService/CloseCase" for every rpc of every service file.
std::set<std::string> ApiMethods() {
  // A file's descriptor is in the generated pool only if the linker kept
  // its code: one message of each keeps it. A new service file fails below
  // until it is named here.
  for (const pb::Descriptor* kept :
       {v1::RegisterProviderRequest::descriptor(),
        v1::RegisterContractRequest::descriptor(),
        v1::RegisterCaseRequest::descriptor(),
        v1::RecordMeasurementRequest::descriptor(),
        v1::RecordCarePlanReviewRequest::descriptor(),
        v1::AdoptFollowUpPlanRequest::descriptor(),
        v1::ReadAllRequest::descriptor(), v1::PingRequest::descriptor(),
        v1::VerifyLogRequest::descriptor(),
        v1::ImportMeasurementsRequest::descriptor(),
        v1::SetPolicySettingsRequest::descriptor(),
        v1::DefineAreaRequest::descriptor()}) {
    EXPECT_NE(kept, nullptr);
  }
  std::set<std::string> methods;
  for (const std::string& name : ServiceProtoFiles()) {
    const pb::FileDescriptor* file =
        pb::DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(file, nullptr) << name << " is not compiled in";
    if (file == nullptr) continue;
    for (int s = 0; s < file->service_count(); ++s) {
      const pb::ServiceDescriptor* service = file->service(s);
      for (int m = 0; m < service->method_count(); ++m) {
        methods.insert(absl::StrCat("/", service->full_name(), "/",
                                    service->method(m)->name()));
      }
    }
  }
  return methods;
}

TEST(AccessPolicy, EveryRpcOfEveryServiceHasARowAndEveryRowAnRpc) {
  const std::set<std::string> api = ApiMethods();
  ASSERT_GE(api.size(), 36u) << "the service files were not found";
  for (const std::string& method : api) {
    EXPECT_FALSE(domain::RulesFor(method).empty())
        << method << " has no row in the access policy";
  }
  for (const domain::AccessRule& rule : domain::AccessPolicy()) {
    EXPECT_TRUE(api.contains(std::string(rule.method)))
        << rule.method << " is not an RPC of the API";
    EXPECT_FALSE(rule.roles.empty()) << rule.method;
    EXPECT_TRUE(std::is_sorted(rule.roles.begin(), rule.roles.end()))
        << rule.method << ": roles in the Role enum's order";
  }
}

TEST(AccessPolicy, CallerRoleIsCheckedAgainstEveryVariantOfTheRpc) {
  auto as = [](v1::Role role) {
    return domain::Principal{.subject = "x", .role = role, .tenant = kTenant};
  };
  const absl::string_view close = "/atgard.v1.CaseService/CloseCase";
  // Any variant's role passes: the decider checks the variant.
  EXPECT_TRUE(
      domain::CheckCallerRole(close, as(v1::ROLE_FOLLOW_UP_OFFICER)).ok());
  EXPECT_TRUE(domain::CheckCallerRole(close, as(v1::ROLE_SYSTEM)).ok());
  const absl::Status denied =
      domain::CheckCallerRole(close, as(v1::ROLE_AUDITOR));
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.message()),
              HasSubstr("role AUDITOR may not call CaseService/CloseCase"));
  // An RPC nobody declared is refused to everyone.
  EXPECT_EQ(domain::CheckCallerRole("/atgard.v1.CaseService/Nothing",
                                    as(v1::ROLE_FOLLOW_UP_OFFICER))
                .code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(AccessPolicy, ProtoRolesLinesAreReplacedNotAppended) {
  const std::string proto =
      "service CaseService {\n"
      "  // Closes a case.\n"
      "  // Roles: AUDITOR.\n"
      "  rpc CloseCase(CloseCaseRequest) returns (CloseCaseResponse);\n"
      "}\n";
  absl::StatusOr<std::string> once = domain::RenderProtoRoles(proto);
  ASSERT_TRUE(once.ok()) << once.status();
  EXPECT_THAT(*once, Not(HasSubstr("AUDITOR")));
  EXPECT_THAT(*once, HasSubstr("  // Closes a case.\n  // Roles: closure "));
  EXPECT_EQ(domain::RenderProtoRoles(*once).value_or(""), *once);
  EXPECT_EQ(domain::RenderProtoRoles(
                absl::StrReplaceAll(proto, {{"CloseCase(", "Nothing("}}))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// The command field of v1::Command that an RPC sends ("CloseCase" ->
// close_case), or nullptr for an RPC that sends no command.
const pb::FieldDescriptor* CommandField(absl::string_view rpc) {
  const pb::Descriptor* command = v1::Command::descriptor();
  for (int i = 0; i < command->field_count(); ++i) {
    std::string camel;
    for (absl::string_view part :
         absl::StrSplit(command->field(i)->name(), '_')) {
      absl::StrAppend(&camel, absl::AsciiStrToUpper(part.substr(0, 1)),
                      part.substr(1));
    }
    if (camel == rpc) return command->field(i);
  }
  return nullptr;
}

// A command in a situation where a role the row allows would have it
// accepted: the world it is decided in, the day and the provider whose
// staff is PROVIDER.
struct Attempt {
  World world;
  absl::CivilDay day;
  std::string provider_id = kPrivateProvider;
  v1::Command command;
};

// A case of `rule`'s regiform at `step` driven to where `rpc` applies.
Attempt CaseAttempt(absl::string_view rpc, bool private_case,
                    v1::EscalationStep step, v1::CaseClosure closure) {
  Attempt a;
  SeedProviders(a.world);
  const std::string id = kCaseId;
  if (rpc == "RegisterCase") {
    a.day = Day(2026, 2, 10);
    a.command = RegisterCase(id, kPrivateProvider, kPrivateUnit, a.day - 7);
    return a;
  }
  if (closure == v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED) {
    a.world.MustRun(FollowUpOfficer(), Day(2026, 2, 10),
                    RegisterSystemLevelCase(id, Day(2026, 2, 3)));
    a.day = Day(2026, 2, 11);
    a.command = CloseCase(id, closure);
    return a;
  }
  CaseDriver d = CaseAtStep(a.world, id, private_case, step);
  a.provider_id = d.provider_id();
  const domain::StepRule* rule =
      domain::FindStep(d.State().regiform, d.State().step);
  auto approved = [&] { d.RequestPlan().SubmitPlan().Approve(); };
  auto implemented = [&] {
    approved();
    d.CompleteAllActions().ReportImplementation();
  };
  if (rpc == "MarkCaseSystemLevel") {
    a.command.mutable_mark_case_system_level()->set_case_id(id);
    a.command.mutable_mark_case_system_level()->set_reason(
        "Bristen ligger i kommunens egen uppföljningsrutin.");
  } else if (rpc == "RequestPlan") {
    v1::PlanRequest request = Request(d.today());
    if (d.State().plan_limit.has_value()) {
      *request.mutable_complete_by() = domain::ToDate(*d.State().plan_limit);
    }
    a.command = RequestPlan(id, request);
  } else if (rpc == "SubmitPlan") {
    d.RequestPlan();
    a.command = SubmitPlan(
        id, Plan(domain::DayOf(d.State().request.request().complete_by()),
                 rule->milestones_required));
  } else if (rpc == "AssessPlan") {
    d.RequestPlan().SubmitPlan();
    a.command = AssessPlan(id, Approval());
  } else if (rpc == "ReportActionProgress") {
    approved();
    a.command = ReportProgress(id, 1, v1::TRAFFIC_LIGHT_YELLOW);
  } else if (rpc == "CompleteAction") {
    approved();
    a.command = CompleteAction(id, 1);
  } else if (rpc == "WithdrawAction") {
    approved();
    a.command = WithdrawAction(id, 2);
  } else if (rpc == "ReportImplementation") {
    approved();
    d.CompleteAllActions();
    a.command = ReportImplementation(id);
  } else if (rpc == "RecordMilestone") {
    approved();
    a.command = RecordMilestone(id, 1, true);
  } else if (rpc == "ScheduleFollowUp") {
    implemented();
    a.command = ScheduleFollowUp(id, d.today() + 30);
  } else if (rpc == "RecordFollowUp") {
    implemented();
    a.command = RecordFollowUp(id, d.today(), v1::FOLLOW_UP_RESULT_RESOLVED);
  } else if (rpc == "ProposeEscalation") {
    d.RequestPlan().SubmitPlan().Reject();
    a.command = ProposeEscalation(id);
  } else if (rpc == "EscalateCase") {
    d.RequestPlan().SubmitPlan().Reject();
    a.command = Escalate(id, rule->next, d.today(),
                         domain::AddCalendarMonths(d.today(), 4));
  } else if (rpc == "DecideConsequence") {
    a.command = DecideConsequence(id, d.today(), !private_case);
  } else if (rpc == "CloseCase" &&
             closure == v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
    d.RequestPlan().SubmitPlan().Reject();
    a.world.MustRun(AdministrationDirector(), d.today(),
                    TerminateContract(kContract, {id}, d.today()));
    a.command = CloseCase(id, closure, kContract);
  } else if (rpc == "CloseCase") {
    a.command = CloseCase(id, closure);
  } else if (rpc == "SubmitOwnPlan") {
    v1::SubmitOwnPlan* own = a.command.mutable_submit_own_plan();
    own->set_case_id(id);
    *own->mutable_start_by() = D(d.today());
    *own->mutable_complete_by() = D(d.today() + 60);
    *own->mutable_plan() = Plan(d.today() + 60);
  } else if (rpc == "AcceptImplementationReport") {
    a.world.MustRun(d.Commissioner(), d.today(),
                    RequestPlan(id, RequestWithoutFollowUp(d.today())));
    d.Wait(1).SubmitPlan().Approve().CompleteAllActions();
    d.ReportImplementation();
    a.command = AcceptImplementationReport(id);
  } else if (rpc == "RecordPlannedMeasurement") {
    approved();
    a.command = RecordPlannedMeasurement(id, 1, d.today());
  } else {
    ADD_FAILURE() << rpc << " is a case command without a situation here";
  }
  a.day = d.today();
  return a;
}

// The commands on an adopted 2026 follow-up plan; false for other RPCs.
bool FollowUpPlanAttempt(absl::string_view rpc, Attempt& a) {
  v1::Command adopt;
  adopt.mutable_adopt_follow_up_plan()->set_year(2026);
  *adopt.mutable_adopt_follow_up_plan()->mutable_decision() =
      DecisionOn(kToday);
  if (rpc == "AmendFollowUpPlan") {
    v1::AmendFollowUpPlan* c = a.command.mutable_amend_follow_up_plan();
    c->set_year(2026);
    c->mutable_settings()->set_analysis_teams_max(3);
    c->set_reason("Ett tredje analysteam behövs.");
    *c->mutable_decision() = DecisionOn(kToday);
  } else if (rpc == "AddFollowUpPlanSubject") {
    v1::AddFollowUpPlanSubject* c =
        a.command.mutable_add_follow_up_plan_subject();
    c->set_year(2026);
    c->set_provider_id(kPrivateProvider);
    c->set_unit_id("ny-enhet");
    *c->mutable_registered_on() = D(kToday);
    c->set_triggered_by("0780/provider/omsorgsbolaget@9");
  } else if (rpc == "AddTriggeredFollowUp") {
    v1::AddTriggeredFollowUp* c = a.command.mutable_add_triggered_follow_up();
    c->set_year(2026);
    c->set_kind(v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND);
    c->set_provider_id(kPrivateProvider);
    c->set_unit_id(kPrivateUnit);
    *c->mutable_found_on() = D(kToday);
    c->set_triggered_by("0780/indicator/omsorgsbolaget/hemtjanst-norr/ppm@1");
  } else if (rpc == "RecordPlannedFollowUpFulfilment") {
    v1::RecordPlannedFollowUpFulfilment* c =
        a.command.mutable_record_planned_follow_up_fulfilment();
    c->set_year(2026);
    c->set_activity_id("avstamning-1");
    c->set_provider_id(kPrivateProvider);
    c->add_unit_ids(kPrivateUnit);
    c->set_kind(v1::ACTIVITY_KIND_RECONCILIATION_MEETING);
    *c->mutable_performed_on() = D(kToday);
  } else {
    return false;
  }
  a.world.MustRun(FollowUpOfficer(), kToday, adopt);
  return true;
}

// A command of another aggregate in a world with the seeded providers and
// a failed case of the private provider.
Attempt AggregateAttempt(absl::string_view rpc) {
  Attempt a;
  SeedProviders(a.world);
  FailedCase(a.world, kFailedCase, kPrivateProvider, kPrivateUnit,
             /*municipal=*/false);
  a.day = kToday;
  if (rpc == "RegisterProvider") {
    a.command =
        RegisterProvider("nytt-bolag", "559123-4561", v1::REGIFORM_PRIVATE);
  } else if (rpc == "RegisterUnit") {
    a.command = RegisterUnit(kPrivateProvider, "ny-enhet");
  } else if (rpc == "RecordFollowUpActivity") {
    a.command = RecordActivity("besok-1", kPrivateProvider, {kPrivateUnit},
                               v1::ACTIVITY_KIND_OBSERVATION_VISIT, kToday);
  } else if (rpc == "RecordPositiveExample") {
    a.command = RecordPositiveExample("exempel-1", kPrivateProvider,
                                      kPrivateUnit, kToday);
  } else if (rpc == "RegisterContract") {
    a.command = RegisterContract(
        "avtal-nytt",
        Terms(kOtherProvider, Day(2026, 1, 1), Day(2028, 12, 31)));
  } else if (rpc == "ExtendContract") {
    a.command = ExtendContract(kContract, Day(2029, 12, 31), kToday);
  } else if (rpc == "DeclineContractExtension") {
    a.command = DeclineExtension(kContract, kToday);
  } else if (rpc == "ImposeSanction") {
    a.command = ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE,
                               {kFailedCase}, kToday, 4000);
  } else if (rpc == "TerminateContract") {
    a.command = TerminateContract(kContract, {kFailedCase}, kToday);
  } else if (rpc == "RecordMeasurement") {
    a.command = RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit,
                                  "kontinuitet", 2025, kToday, true);
  } else if (rpc == "RecordCarePlanReview") {
    a.command = RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit,
                                     "brukare-0042", kToday);
  } else if (rpc == "DecideNoSanction") {
    a.command = DecideNoSanction(kContract, kFailedCase, kToday);
  } else if (rpc == "RegisterCarePlan") {
    a.command = RegisterCarePlan(kPrivateProvider, kPrivateUnit, "brukare-0042",
                                 kToday);
  } else if (rpc == "EndCarePlan") {
    a.world.MustRun(FollowUpOfficer(), kToday - 30,
                    RegisterCarePlan(kPrivateProvider, kPrivateUnit,
                                     "brukare-0042", kToday - 30));
    a.command =
        EndCarePlan(kPrivateProvider, kPrivateUnit, "brukare-0042", kToday);
  } else if (rpc == "RecordSelfInspection") {
    a.command =
        RecordSelfInspection(kPrivateProvider, kPrivateUnit, 2026, false);
  } else if (rpc == "RecordComplaintCounts") {
    a.command = RecordComplaintCounts(kPrivateProvider, kPrivateUnit, "2026-02",
                                      v1::COMPLAINT_CATEGORY_COMPLAINT, 2);
  } else if (rpc == "SetPolicySettings") {
    a.command = SetPolicySettings(2, 0, 0, 0);
  } else if (rpc == "DefineArea") {
    v1::OrganisationArea* area =
        a.command.mutable_define_area()->mutable_area();
    area->set_area_id("norra");
    area->set_name("Område norra");
    area->add_units()->set_provider_id(kMunicipalProvider);
    area->mutable_units(0)->set_unit_id(kMunicipalUnit);
  } else if (rpc == "AdoptFollowUpPlan") {
    v1::AdoptFollowUpPlan* c = a.command.mutable_adopt_follow_up_plan();
    c->set_year(2026);
    *c->mutable_decision() = DecisionOn(kToday);
  } else if (FollowUpPlanAttempt(rpc, a)) {
  } else {
    ADD_FAILURE() << rpc << " is a command without a situation here";
  }
  return a;
}

// `command` as `role` sends it: a policy (SYSTEM) names the event that
// triggered a registration, which no one else may.
v1::Command AsIssuedBy(v1::Role role, v1::Command command) {
  if (role == v1::ROLE_SYSTEM && command.has_register_case()) {
    command.mutable_register_case()->set_triggered_by(
        "0780/provider/omsorgsbolaget@1");
  }
  return command;
}

// Every situation a row stands for: one per step of its variant (or one),
// and per closure.
std::vector<Attempt> AttemptsFor(const domain::AccessRule& rule) {
  const absl::string_view rpc = domain::RpcName(rule);
  if (domain::ServiceName(rule) != "CaseService") {
    std::vector<Attempt> one;
    one.push_back(AggregateAttempt(rpc));
    return one;
  }
  std::vector<Attempt> attempts;
  const bool private_case = rule.regiform != v1::REGIFORM_MUNICIPAL;
  std::vector<v1::EscalationStep> steps = rule.steps;
  if (steps.empty()) steps = {v1::ESCALATION_STEP_1};
  std::vector<v1::CaseClosure> closures = rule.closures;
  if (closures.empty()) closures = {v1::CASE_CLOSURE_UNSPECIFIED};
  for (v1::EscalationStep step : steps) {
    for (v1::CaseClosure closure : closures) {
      attempts.push_back(CaseAttempt(rpc, private_case, step, closure));
    }
  }
  return attempts;
}

TEST(AccessPolicy, EveryCommandRowAgreesWithItsDecider) {
  std::set<int> covered;
  for (const domain::AccessRule& rule : domain::AccessPolicy()) {
    const pb::FieldDescriptor* field = CommandField(domain::RpcName(rule));
    if (field == nullptr) continue;  // a read: no decider
    covered.insert(field->number());
    for (const Attempt& a : AttemptsFor(rule)) {
      SCOPED_TRACE(absl::StrCat(domain::RpcName(rule), " (",
                                domain::VariantName(rule), ") ",
                                a.command.ShortDebugString()));
      ASSERT_EQ(a.command.command_case(), field->number());
      for (v1::Role role : AllRoles()) {
        SCOPED_TRACE(RoleLabel(role));
        const Outcome outcome = Given(a.world)
                                    .As(WithRole(role, a.provider_id))
                                    .On(a.day)
                                    .When(AsIssuedBy(role, a.command));
        if (std::find(rule.roles.begin(), rule.roles.end(), role) !=
            rule.roles.end()) {
          EXPECT_TRUE(outcome.result().ok()) << outcome.result().status();
        } else {
          outcome.ThenFails(absl::StatusCode::kPermissionDenied);
        }
      }
    }
  }
  // And every command the API sends has a row to check. NoteUnitResult is
  // no RPC: only the policy on MeasurementRecorded issues it, and its
  // decider admits SYSTEM alone (trigger_policies_test.cc).
  std::set<int> commands;
  for (int i = 0; i < v1::Command::descriptor()->field_count(); ++i) {
    commands.insert(v1::Command::descriptor()->field(i)->number());
  }
  commands.erase(v1::Command::kNoteUnitResult);
  EXPECT_EQ(covered, commands);
}

}  // namespace
}  // namespace atgard::testing
