#include "tests/support/remote_case.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/domain/calendar.h"

namespace atgard::testing {

absl::CivilDay Today() { return domain::StockholmDay(absl::Now()); }

CommandOutcome MustRun(const GrpcClient& client,
                       const domain::Principal& principal,
                       const v1::Command& command) {
  CommandOutcome outcome = client.Run(principal, command);
  if (!outcome.ok()) {
    ADD_FAILURE() << v1::Command::descriptor()
                         ->FindFieldByNumber(command.command_case())
                         ->message_type()
                         ->name()
                  << " as " << domain::RoleName(principal.role)
                  << " refused: " << Describe(outcome.status);
  }
  return outcome;
}

void SeedProvidersRemotely(const GrpcClient& client, absl::string_view tenant) {
  const domain::Principal officer = FollowUpOfficer(tenant);
  MustRun(client, officer,
          RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                           v1::REGIFORM_PRIVATE));
  MustRun(client, officer, RegisterUnit(kPrivateProvider, kPrivateUnit));
  MustRun(client, officer,
          RegisterUnit(kPrivateProvider, kDisabilityUnit,
                       v1::CARE_AREA_DISABILITY_CARE));
  MustRun(
      client, officer,
      RegisterProvider(kOtherProvider, kOtherOrgNumber, v1::REGIFORM_PRIVATE));
  MustRun(client, officer, RegisterUnit(kOtherProvider, kOtherUnit));
  MustRun(client, officer,
          RegisterProvider(kMunicipalProvider, kMunicipalOrgNumber,
                           v1::REGIFORM_MUNICIPAL));
  MustRun(client, officer, RegisterUnit(kMunicipalProvider, kMunicipalUnit));
  MustRun(client, AdministrationDirector(tenant),
          RegisterContract(kContract, Terms(kPrivateProvider, Today() - 400,
                                            Today() + 700)));
}

RemoteCase::RemoteCase(const GrpcClient& client, std::string case_id,
                       bool private_provider, std::string tenant)
    : client_(client),
      case_id_(std::move(case_id)),
      private_provider_(private_provider),
      tenant_(std::move(tenant)) {}

std::string RemoteCase::stream_id() const {
  return absl::StrCat(tenant_, "/case/", case_id_);
}
std::string RemoteCase::provider_id() const {
  return private_provider_ ? kPrivateProvider : kMunicipalProvider;
}
std::string RemoteCase::unit_id() const {
  return private_provider_ ? kPrivateUnit : kMunicipalUnit;
}

// The staircases of CASE_WORKFLOW.md: who requests, assesses and escalates
// at each step.
domain::Principal RemoteCase::Requester() const {
  if (private_provider_) return FollowUpOfficer(tenant_);
  return step_ == v1::ESCALATION_STEP_3 ? AdministrationDirector(tenant_)
                                        : CareDirector(tenant_);
}

domain::Principal RemoteCase::Assessor() const {
  switch (step_) {
    case v1::ESCALATION_STEP_1:
      return private_provider_ ? FollowUpOfficer(tenant_)
                               : CareDirector(tenant_);
    case v1::ESCALATION_STEP_2:
      return CareDirector(tenant_);
    default:
      return AdministrationDirector(tenant_);
  }
}

domain::Principal RemoteCase::Escalator() const {
  if (!private_provider_ && step_ == v1::ESCALATION_STEP_1) {
    return CareDirector(tenant_);
  }
  return AdministrationDirector(tenant_);
}

domain::Principal RemoteCase::Staff() const {
  return ProviderStaff(provider_id(), tenant_);
}

v1::EscalationStep RemoteCase::NextStep() const {
  switch (step_) {
    case v1::ESCALATION_STEP_1:
      return private_provider_ ? v1::ESCALATION_STEP_1B : v1::ESCALATION_STEP_2;
    case v1::ESCALATION_STEP_2:
      return v1::ESCALATION_STEP_3;
    default:
      return v1::ESCALATION_STEP_4;
  }
}

CommandOutcome RemoteCase::As(const domain::Principal& principal,
                              const v1::Command& command) {
  return MustRun(client_, principal, command);
}

CommandOutcome RemoteCase::Register() {
  return As(FollowUpOfficer(tenant_),
            RegisterCase(case_id_, provider_id(), unit_id(), Today() - 7));
}

CommandOutcome RemoteCase::RequestPlan() {
  v1::PlanRequest request = Request(Today());
  if (step_ == v1::ESCALATION_STEP_1B) {
    *request.mutable_complete_by() = D(plan_limit_);
  }
  complete_by_ = absl::CivilDay(request.complete_by().year(),
                                request.complete_by().month(),
                                request.complete_by().day());
  return As(Requester(), testing::RequestPlan(case_id_, request));
}

CommandOutcome RemoteCase::SubmitPlan() {
  const bool milestones =
      step_ == v1::ESCALATION_STEP_1B || step_ == v1::ESCALATION_STEP_3;
  return As(Staff(),
            testing::SubmitPlan(case_id_, Plan(complete_by_, milestones)));
}

CommandOutcome RemoteCase::Approve() {
  return As(Assessor(), AssessPlan(case_id_, Approval()));
}

CommandOutcome RemoteCase::Reject() {
  return As(Assessor(), AssessPlan(case_id_, Rejection()));
}

void RemoteCase::CompleteAllActions() {
  for (int action : {1, 2}) {
    As(Staff(), ReportProgress(case_id_, action, v1::TRAFFIC_LIGHT_GREEN));
    As(Staff(), CompleteAction(case_id_, action));
  }
}

CommandOutcome RemoteCase::ReportImplementation() {
  return As(Staff(), testing::ReportImplementation(case_id_));
}

CommandOutcome RemoteCase::FollowUp(v1::FollowUpResult result) {
  return As(FollowUpOfficer(tenant_),
            RecordFollowUp(case_id_, Today(), result));
}

CommandOutcome RemoteCase::Escalate() {
  const v1::EscalationStep next = NextStep();
  if (next == v1::ESCALATION_STEP_1B) {
    plan_limit_ = domain::AddCalendarMonths(Today(), 4);
  }
  CommandOutcome outcome =
      As(Escalator(), testing::Escalate(case_id_, next, Today(), plan_limit_));
  if (outcome.ok()) step_ = next;
  return outcome;
}

void RemoteCase::FailStep() {
  RequestPlan();
  SubmitPlan();
  Reject();
}

void RemoteCase::AdvanceTo(v1::EscalationStep step) {
  Register();
  while (step_ != step && step_ != v1::ESCALATION_STEP_4) {
    FailStep();
    if (!Escalate().ok()) return;
  }
}

void ServerTest::SetUp() {
  ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
  StartServer();
  if (seed_providers_ && client_ != nullptr) SeedProvidersRemotely(*client_);
}

void ServerTest::StartServer() {
  auto server = ServerProcess::Start(
      {.data_dir = tmp_.Join("data"), .work_dir = tmp_.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  client_ = std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
}

}  // namespace atgard::testing
