// Whole cases over real gRPC against the real server: the private
// provider's path of the worked example
// (services/domain/RULES_CASE.md#worked-example) from the deficiency to the
// terminated contract (after which the contract accepts nothing more), and a
// municipal unit's climb up the staircase to the consequence decision.
// Along the way: every CommandResult, the views, the case's history with
// its actors, the hash chain of the whole log and the access log of the
// reads.
#include <grpcpp/client_context.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/contract_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/provider_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// One event as the case's history must show it.
struct Expected {
  std::string type;
  std::string subject;
  std::string role;
};

// Checks each accepted command's result against everything before it: its
// stream, a stream version grown by exactly its events, a global position
// beyond every earlier one, the event types; and remembers who caused
// which events, to compare with the stored history.
class Ledger {
 public:
  void Accepted(const CommandOutcome& outcome,
                const domain::Principal& principal,
                const std::string& stream_id,
                const std::vector<std::string>& types) {
    ASSERT_TRUE(outcome.ok()) << Describe(outcome.status);
    const v1::CommandResult& r = outcome.result;
    EXPECT_EQ(r.stream_id(), stream_id);
    EXPECT_THAT(r.event_types(), ElementsAreArray(types));
    EXPECT_FALSE(r.deduplicated());
    uint64_t& version = versions_[stream_id];
    EXPECT_EQ(r.stream_version(), version + types.size())
        << stream_id << " " << types.front();
    version = r.stream_version();
    EXPECT_GT(r.global_position(), last_position_) << types.front();
    last_position_ = r.global_position();
    for (const std::string& type : types) {
      history_[stream_id].push_back(
          {type, principal.subject,
           std::string(domain::RoleName(principal.role))});
    }
  }

  // An event appended by the server itself (a policy).
  void BySystem(const std::string& stream_id, const std::string& type) {
    ++versions_[stream_id];
    history_[stream_id].push_back({type, "", "SYSTEM"});
  }

  uint64_t version(const std::string& stream_id) {
    return versions_[stream_id];
  }
  const std::vector<Expected>& history(const std::string& stream_id) {
    return history_[stream_id];
  }

 private:
  std::map<std::string, uint64_t> versions_;
  std::map<std::string, std::vector<Expected>> history_;
  uint64_t last_position_ = 0;
};

class CaseLifecycle : public ServerTest {
 protected:
  CaseLifecycle() : ServerTest(/*seed_providers=*/false) {}
  // Runs `command` as `principal` and checks its result in the ledger.
  void Step(const domain::Principal& principal, const v1::Command& command,
            const std::string& stream_id,
            const std::vector<std::string>& types) {
    ledger_.Accepted(client_->Run(principal, command), principal, stream_id,
                     types);
  }

  v1::CaseView GetCase(const std::string& case_id,
                       const domain::Principal& reader = FollowUpOfficer()) {
    auto stub = v1::CaseService::NewStub(client_->channel());
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    v1::GetCaseResponse response;
    const grpc::Status status =
        stub->GetCase(client_->Context(reader).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response.case_();
  }

  v1::ContractView GetContract(const std::string& contract_id) {
    auto stub = v1::ContractService::NewStub(client_->channel());
    v1::GetContractRequest request;
    request.set_contract_id(contract_id);
    v1::GetContractResponse response;
    const grpc::Status status = stub->GetContract(
        client_->Context(AdministrationDirector()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response.contract();
  }

  v1::ReadStreamResponse ReadStream(const std::string& stream_id,
                                    const domain::Principal& reader) {
    auto stub = v1::EventStoreService::NewStub(client_->channel());
    v1::ReadStreamRequest request;
    request.set_stream_id(stream_id);
    request.set_max_count(1000);
    v1::ReadStreamResponse response;
    const grpc::Status status =
        stub->ReadStream(client_->Context(reader).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response;
  }

  // Every event of the tenant matching `filter`, page by page.
  std::vector<v1::RecordedEvent> ReadAll(const v1::EventFilter& filter,
                                         const domain::Principal& reader) {
    auto stub = v1::EventStoreService::NewStub(client_->channel());
    std::vector<v1::RecordedEvent> events;
    uint64_t from = 1;
    while (true) {
      v1::ReadAllRequest request;
      request.set_from_position(from);
      request.set_max_count(500);
      *request.mutable_filter() = filter;
      v1::ReadAllResponse response;
      const grpc::Status status =
          stub->ReadAll(client_->Context(reader).get(), request, &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) return events;
      for (const v1::RecordedEvent& e : response.events()) {
        events.push_back(e);
      }
      if (response.next_position() > response.head_position()) return events;
      from = response.next_position();
    }
  }

  // The case as the policy runner leaves it: it closes the cases of a
  // terminated contract asynchronously.
  v1::CaseView WaitUntilClosed(const std::string& case_id) {
    v1::CaseView view;
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    do {
      view = GetCase(case_id);
      if (view.status() == v1::CASE_STATUS_CLOSED) break;
      absl::SleepFor(absl::Milliseconds(50));
    } while (absl::Now() < deadline);
    return view;
  }

  Ledger ledger_;
};

TEST_F(CaseLifecycle, PrivateProviderFromDeficiencyToTerminatedContract) {
  const absl::CivilDay today = Today();
  const domain::Principal officer = FollowUpOfficer();
  const domain::Principal director = AdministrationDirector();
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  const std::string provider_stream =
      absl::StrCat(kTenant, "/provider/", kPrivateProvider);
  const std::string contract_stream =
      absl::StrCat(kTenant, "/contract/", kContract);
  const std::string case_id = "hn-2026-001";
  const std::string case_stream = absl::StrCat(kTenant, "/case/", case_id);

  // The provider, its unit and its contract with the ladder correction →
  // fine → termination.
  Step(officer,
       RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                        v1::REGIFORM_PRIVATE),
       provider_stream, {"ProviderRegistered"});
  Step(officer, RegisterUnit(kPrivateProvider, kPrivateUnit), provider_stream,
       {"UnitRegistered"});
  Step(director,
       RegisterContract(kContract,
                        Terms(kPrivateProvider, today - 400, today + 700)),
       contract_stream, {"ContractRegistered"});

  // The deficiency at Hemtjänst Norr.
  Step(officer,
       RegisterCase(case_id, kPrivateProvider, kPrivateUnit, today - 7),
       case_stream, {"CaseRegistered"});
  v1::CaseView view = GetCase(case_id);
  EXPECT_EQ(view.case_id(), case_id);
  EXPECT_EQ(view.version(), 1u);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(view.step(), v1::ESCALATION_STEP_1);
  EXPECT_EQ(view.regiform(), v1::REGIFORM_PRIVATE);
  EXPECT_EQ(view.registration().deficiency().unit_id(), kPrivateUnit);

  // Step 1: request, a plan, a revision, approval.
  const v1::PlanRequest request = Request(today);
  const absl::CivilDay complete_by = domain::DayOf(request.complete_by());
  Step(officer, RequestPlan(case_id, request), case_stream, {"PlanRequested"});
  view = GetCase(case_id);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_PLAN_REQUESTED);
  EXPECT_EQ(view.round(), 1);
  EXPECT_EQ(view.request().request().background(), request.background());

  const v1::ActionPlan plan = Plan(complete_by);
  Step(staff, SubmitPlan(case_id, plan), case_stream, {"PlanSubmitted"});
  EXPECT_EQ(GetCase(case_id).status(), v1::CASE_STATUS_PLAN_SUBMITTED);

  Step(officer, AssessPlan(case_id, RevisionRequired(today + 10)), case_stream,
       {"PlanAssessed"});
  view = GetCase(case_id);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_REVISION_REQUESTED);
  EXPECT_EQ(domain::DayOf(view.submit_due()), today + 10);
  EXPECT_EQ(view.assessment().assessment().decision(),
            v1::ASSESSMENT_DECISION_REVISION_REQUIRED);

  v1::ActionPlan revised = plan;
  revised.mutable_actions(0)->set_description(
      "Fasta brukargrupper per personalgrupp, även helger.");
  Step(staff, SubmitPlan(case_id, revised), case_stream, {"PlanSubmitted"});
  view = GetCase(case_id);
  EXPECT_EQ(view.plan().revision(), 1);
  EXPECT_FALSE(view.plan().late());

  Step(officer, AssessPlan(case_id, Approval()), case_stream, {"PlanAssessed"});
  view = GetCase(case_id);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_IMPLEMENTING);
  ASSERT_EQ(view.actions_size(), 2);
  EXPECT_EQ(view.actions(0).planned().description(),
            revised.actions(0).description());

  // Implementation: action 1 green, action 2 yellow then green; both done.
  Step(staff, ReportProgress(case_id, 1, v1::TRAFFIC_LIGHT_GREEN), case_stream,
       {"ActionProgressReported"});
  Step(staff,
       ReportProgress(case_id, 2, v1::TRAFFIC_LIGHT_YELLOW,
                      "Hälften av de nyanställda har gått introduktionen."),
       case_stream, {"ActionProgressReported"});
  Step(staff, ReportProgress(case_id, 2, v1::TRAFFIC_LIGHT_GREEN), case_stream,
       {"ActionProgressReported"});
  Step(staff, CompleteAction(case_id, 1), case_stream, {"ActionCompleted"});
  Step(staff, CompleteAction(case_id, 2), case_stream, {"ActionCompleted"});
  view = GetCase(case_id);
  for (const v1::ActionView& action : view.actions()) {
    EXPECT_EQ(action.light(), v1::TRAFFIC_LIGHT_GREEN);
    EXPECT_TRUE(action.completed());
  }
  Step(staff, ReportImplementation(case_id), case_stream,
       {"ImplementationReported"});
  view = GetCase(case_id);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_IMPLEMENTED);
  EXPECT_FALSE(view.implementation().late());

  // The follow-up by extra measurement finds it still red.
  Step(officer, ScheduleFollowUp(case_id, today + 1), case_stream,
       {"FollowUpScheduled"});
  Step(officer,
       RecordFollowUp(case_id, today, v1::FOLLOW_UP_RESULT_NOT_RESOLVED),
       case_stream, {"FollowUpRecorded"});
  view = GetCase(case_id);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_OPEN);
  EXPECT_EQ(view.failure(), v1::STEP_FAILURE_FOLLOW_UP_NOT_RESOLVED);
  EXPECT_EQ(view.failures(), 1);

  // Step 1b, decided by the administration director, with its own limit.
  Step(officer, ProposeEscalation(case_id), case_stream,
       {"EscalationProposed"});
  const absl::CivilDay plan_limit = domain::AddCalendarMonths(today, 4);
  Step(director, Escalate(case_id, v1::ESCALATION_STEP_1B, today, plan_limit),
       case_stream, {"CaseEscalated"});
  view = GetCase(case_id);
  EXPECT_EQ(view.step(), v1::ESCALATION_STEP_1B);
  EXPECT_EQ(domain::DayOf(view.plan_limit()), plan_limit);
  EXPECT_EQ(view.failure(), v1::STEP_FAILURE_UNSPECIFIED);

  v1::PlanRequest larger = Request(today);
  *larger.mutable_complete_by() = D(plan_limit);
  Step(officer, RequestPlan(case_id, larger), case_stream, {"PlanRequested"});
  Step(staff, SubmitPlan(case_id, Plan(plan_limit, /*with_milestones=*/true)),
       case_stream, {"PlanSubmitted"});
  Step(director, AssessPlan(case_id, Approval()), case_stream,
       {"PlanAssessed"});
  view = GetCase(case_id);
  EXPECT_EQ(view.round(), 2);
  EXPECT_EQ(view.plan().plan().milestones_size(), 1);

  // The milestone is missed: a fine under the ladder, then step 4.
  Step(officer, RecordMilestone(case_id, 1, /*met=*/false), case_stream,
       {"MilestoneRecorded"});
  view = GetCase(case_id);
  EXPECT_EQ(view.failure(), v1::STEP_FAILURE_MILESTONE_MISSED);
  EXPECT_EQ(view.failures(), 2);
  Step(director,
       ImposeSanction(kContract, "vite-1", v1::SANCTION_KIND_FINE, {case_id},
                      today, 5000),
       contract_stream, {"SanctionImposed"});
  Step(director, Escalate(case_id, v1::ESCALATION_STEP_4, today), case_stream,
       {"CaseEscalated"});
  view = GetCase(case_id);
  EXPECT_EQ(view.step(), v1::ESCALATION_STEP_4);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_AWAITING_CONSEQUENCE);

  // The board terminates the contract; the policy closes the case.
  Step(director, TerminateContract(kContract, {case_id}, today),
       contract_stream, {"ContractTerminated"});
  view = WaitUntilClosed(case_id);
  ASSERT_EQ(view.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(view.closed().closure(), v1::CASE_CLOSURE_CONTRACT_TERMINATED);
  EXPECT_EQ(view.closed().contract_id(), kContract);
  ledger_.BySystem(case_stream, "CaseClosed");
  EXPECT_EQ(view.version(), ledger_.version(case_stream));

  const v1::ContractView contract = GetContract(kContract);
  EXPECT_EQ(contract.status(), v1::CONTRACT_STATUS_TERMINATED);
  ASSERT_EQ(contract.sanctions_size(), 1);
  EXPECT_EQ(contract.sanctions(0).amount_sek(), 5000);
  EXPECT_THAT(contract.termination().case_ids(), ElementsAreArray({case_id}));

  // Every later command on the contract is refused, naming it, and
  // changes nothing.
  v1::Command later_termination =
      TerminateContract(kContract, {case_id}, today);
  *later_termination.mutable_terminate_contract()->mutable_effective_on() =
      D(today + 30);
  const std::vector<v1::Command> later = {
      ExtendContract(kContract, today + 1000, today),
      DeclineExtension(kContract, today),
      ImposeSanction(kContract, "vite-2", v1::SANCTION_KIND_FINE, {case_id},
                     today, 1000),
      ImposeSanction(kContract, "rattelse-1", v1::SANCTION_KIND_CORRECTION,
                     {case_id}, today),
      TerminateContract(kContract, {case_id}, today,
                        v1::SANCTION_KIND_TERMINATION_WITH_NOTICE),
      later_termination,
      RegisterContract(kContract,
                       Terms(kPrivateProvider, today - 30, today + 900)),
  };
  for (const v1::Command& command : later) {
    const CommandOutcome outcome = client_->Run(director, command);
    EXPECT_EQ(outcome.status.error_code(),
              grpc::StatusCode::FAILED_PRECONDITION)
        << command.ShortDebugString() << " → " << Describe(outcome.status);
    EXPECT_THAT(outcome.status.error_message(), HasSubstr("contract_id"));
  }
  EXPECT_EQ(ReadStream(contract_stream, director).stream_version(),
            ledger_.version(contract_stream));
  // The closed case accepts nothing either.
  const CommandOutcome after =
      client_->Run(officer, RequestPlan(case_id, request));
  EXPECT_EQ(after.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(after.status);
  EXPECT_THAT(after.status.error_message(), HasSubstr("case_id"));

  // The case's history, as an auditor reads it: every event in order, with
  // who did it in which role.
  const v1::ReadStreamResponse stored = ReadStream(case_stream, Auditor());
  const std::vector<Expected>& expected = ledger_.history(case_stream);
  ASSERT_EQ(stored.events_size(), static_cast<int>(expected.size()));
  EXPECT_EQ(stored.stream_version(), expected.size());
  for (int i = 0; i < stored.events_size(); ++i) {
    const v1::EventEnvelope& e = stored.events(i).envelope();
    SCOPED_TRACE(absl::StrCat("event ", i + 1, " ", e.event_type()));
    EXPECT_EQ(e.stream_id(), case_stream);
    EXPECT_EQ(e.stream_version(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(e.event_type(), expected[i].type);
    EXPECT_EQ(e.metadata().actor_role(), expected[i].role);
    if (!expected[i].subject.empty()) {
      EXPECT_EQ(e.metadata().actor_subject(), expected[i].subject);
      EXPECT_THAT(e.metadata().command_id(),
                  ::testing::StartsWith(absl::StrCat(kTenant, "/cmd-")));
    }
    EXPECT_EQ(e.metadata().tenant(), kTenant);
    EXPECT_EQ(e.hash().size(), 32u);
    EXPECT_NE(stored.events(i).event().event_case(), v1::Event::EVENT_NOT_SET);
  }

  // The whole log is one hash chain: each event's previous_hash is the
  // hash of the event before it, from 32 zero bytes; the case's events are
  // the same links.
  const std::vector<v1::RecordedEvent> log =
      ReadAll(v1::EventFilter(), Auditor());
  ASSERT_FALSE(log.empty());
  std::string previous(32, '\0');
  std::map<uint64_t, std::string> hash_at;
  for (size_t i = 0; i < log.size(); ++i) {
    const v1::EventEnvelope& e = log[i].envelope();
    ASSERT_EQ(e.global_position(), i + 1) << "a gap in the log";
    EXPECT_EQ(e.previous_hash(), previous) << "chain broken at " << i + 1;
    previous = e.hash();
    hash_at[e.global_position()] = e.hash();
  }
  for (const v1::RecordedEvent& e : stored.events()) {
    EXPECT_EQ(hash_at[e.envelope().global_position()], e.envelope().hash());
  }

  // The reads were recorded: who read which case or stream, as what.
  v1::EventFilter access;
  access.add_stream_prefixes(absl::StrCat(kTenant, "/access/"));
  access.add_event_types("AccessRecorded");
  const std::vector<v1::RecordedEvent> reads = ReadAll(access, Auditor());
  auto recorded = [&](const std::string& method, const std::string& subject,
                      const std::string& resource) {
    for (const v1::RecordedEvent& e : reads) {
      const v1::AccessRecorded& a = e.event().access_recorded();
      if (a.method() == method && a.subject() == subject &&
          a.resource() == resource && a.outcome() == "OK") {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(
      recorded("/atgard.v1.CaseService/GetCase", officer.subject, case_stream));
  EXPECT_TRUE(recorded("/atgard.v1.ContractService/GetContract",
                       director.subject, contract_stream));
  EXPECT_TRUE(recorded("/atgard.v1.EventStoreService/ReadStream",
                       Auditor().subject, case_stream));
  EXPECT_TRUE(recorded("/atgard.v1.EventStoreService/ReadAll",
                       Auditor().subject, absl::StrCat(kTenant, "/ from 1")));
  for (const v1::RecordedEvent& e : reads) {
    const v1::AccessRecorded& a = e.event().access_recorded();
    if (a.subject() == Auditor().subject) {
      EXPECT_EQ(a.role(), v1::ROLE_AUDITOR);
      EXPECT_EQ(e.envelope().metadata().actor_role(), "AUDITOR");
    }
  }
}

TEST_F(CaseLifecycle, MunicipalUnitClimbsTheStaircaseToConsequences) {
  SeedProvidersRemotely(*client_);
  RemoteCase c(*client_, "ekbacken-2026-004", /*private_provider=*/false);
  c.Register();

  // Step 1: the care director's plan is rejected; the care director
  // escalates.
  c.FailStep();
  v1::CaseView view = GetCase(c.case_id(), CareDirector());
  EXPECT_EQ(view.failure(), v1::STEP_FAILURE_PLAN_REJECTED);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_OPEN);
  ASSERT_TRUE(c.Escalate().ok());
  EXPECT_EQ(GetCase(c.case_id()).step(), v1::ESCALATION_STEP_2);

  // Step 2 (care director), step 3 (administration director, with
  // milestones and extra measurements).
  c.FailStep();
  ASSERT_TRUE(c.Escalate().ok());
  view = GetCase(c.case_id());
  EXPECT_EQ(view.step(), v1::ESCALATION_STEP_3);
  c.FailStep();
  view = GetCase(c.case_id());
  EXPECT_EQ(view.plan().plan().milestones_size(), 1);
  EXPECT_EQ(view.request().step(), v1::ESCALATION_STEP_3);
  EXPECT_EQ(view.failures(), 3);
  ASSERT_TRUE(c.Escalate().ok());
  view = GetCase(c.case_id());
  EXPECT_EQ(view.step(), v1::ESCALATION_STEP_4);
  EXPECT_EQ(view.status(), v1::CASE_STATUS_AWAITING_CONSEQUENCE);

  // Step 4: the care director records both directors' decisions.
  const CommandOutcome decided =
      client_->Run(CareDirector(),
                   DecideConsequence(c.case_id(), Today(), /*municipal=*/true));
  ASSERT_TRUE(decided.ok()) << Describe(decided.status);
  EXPECT_THAT(decided.result.event_types(),
              ElementsAreArray({"ConsequenceDecided", "CaseClosed"}));
  view = GetCase(c.case_id(), Supervisor());
  EXPECT_EQ(view.status(), v1::CASE_STATUS_CLOSED);
  EXPECT_EQ(view.closed().closure(), v1::CASE_CLOSURE_CONSEQUENCE_DECIDED);
  EXPECT_TRUE(view.consequence().has_care_director_decision());
  EXPECT_TRUE(view.consequence().has_administration_director_decision());
  EXPECT_EQ(view.version(), decided.result.stream_version());

  // The staircase in the history: 1 → 2 → 3 → 4, each with its decider.
  std::vector<std::pair<v1::EscalationStep, std::string>> climbs;
  const v1::ReadStreamResponse history = ReadStream(c.stream_id(), Auditor());
  for (const v1::RecordedEvent& e : history.events()) {
    if (e.event().has_case_escalated()) {
      climbs.emplace_back(e.event().case_escalated().to_step(),
                          e.envelope().metadata().actor_role());
    }
  }
  EXPECT_THAT(
      climbs,
      ElementsAreArray(std::vector<std::pair<v1::EscalationStep, std::string>>{
          {v1::ESCALATION_STEP_2, "CARE_DIRECTOR"},
          {v1::ESCALATION_STEP_3, "ADMINISTRATION_DIRECTOR"},
          {v1::ESCALATION_STEP_4, "ADMINISTRATION_DIRECTOR"}}));

  // Closed: nothing more.
  const CommandOutcome again =
      client_->Run(CareDirector(), RequestPlan(c.case_id(), Request(Today())));
  EXPECT_EQ(again.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(again.status);
}

}  // namespace
}  // namespace atgard::testing
