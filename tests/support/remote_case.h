// The domain fixtures over gRPC: providers seeded in a running server and a
// deficiency case driven through the workflow with real RPCs, each command
// sent by the role its step calls for (services/domain/CASE_WORKFLOW.md).
// Dates are relative to today in Stockholm, because the server judges every
// date against its own clock.
//
// Every helper that runs a command fails the calling test (ADD_FAILURE) if
// the command is refused, and returns the outcome for further checks.
#ifndef ATGARD_TESTS_SUPPORT_REMOTE_CASE_H_
#define ATGARD_TESTS_SUPPORT_REMOTE_CASE_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "gtest/gtest.h"
#include "services/domain/principal.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {

// Today's date in Europe/Stockholm, as the server sees it.
absl::CivilDay Today();

// Runs `command` as `principal` and fails the test unless it is accepted.
CommandOutcome MustRun(const GrpcClient& client,
                       const domain::Principal& principal,
                       const v1::Command& command);

// Registers, in `tenant`, the fixtures' three providers with their units
// and the private provider's contract kContract (running from 400 days ago
// to 700 days ahead).
void SeedProvidersRemotely(const GrpcClient& client,
                           absl::string_view tenant = kTenant);

// The common fixture of the end-to-end tests: the real server on a fresh
// data directory, a client of it, and (unless told otherwise) the
// fixtures' providers registered.
class ServerTest : public ::testing::Test {
 protected:
  explicit ServerTest(bool seed_providers = true)
      : seed_providers_(seed_providers) {}

  void SetUp() override;
  // Starts the server on tmp_'s data directory (again, after a Stop()) and
  // a client of it.
  void StartServer();

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;

 private:
  const bool seed_providers_;
};

class RemoteCase {
 public:
  // A case of kPrivateProvider at kPrivateUnit, or of kMunicipalProvider at
  // kMunicipalUnit, in `tenant`.
  RemoteCase(const GrpcClient& client, std::string case_id,
             bool private_provider, std::string tenant = kTenant);

  CommandOutcome Register();
  // A request made today (Request(Today())); at step 1b complete_by is
  // the limit set when escalating.
  CommandOutcome RequestPlan();
  // The fixtures' plan, with milestones where the step needs them.
  CommandOutcome SubmitPlan();
  CommandOutcome Approve();
  CommandOutcome Reject();
  // Reports every action green and completes it.
  void CompleteAllActions();
  CommandOutcome ReportImplementation();
  CommandOutcome FollowUp(v1::FollowUpResult result);
  // Escalates the (failed) case to the next step of its staircase; to
  // step 1b with a plan limit four months ahead.
  CommandOutcome Escalate();
  // Request, submit and reject: the current step fails.
  void FailStep();
  // Registers the case and fails and escalates steps until it is at
  // `step`.
  void AdvanceTo(v1::EscalationStep step);

  // Who acts at the current step.
  domain::Principal Requester() const;
  domain::Principal Assessor() const;
  domain::Principal Escalator() const;
  domain::Principal Staff() const;

  const std::string& case_id() const { return case_id_; }
  std::string stream_id() const;
  std::string provider_id() const;
  std::string unit_id() const;
  v1::EscalationStep step() const { return step_; }
  absl::CivilDay complete_by() const { return complete_by_; }
  const std::string& tenant() const { return tenant_; }

 private:
  CommandOutcome As(const domain::Principal& principal,
                    const v1::Command& command);
  v1::EscalationStep NextStep() const;

  const GrpcClient& client_;
  std::string case_id_;
  bool private_provider_;
  std::string tenant_;
  v1::EscalationStep step_ = v1::ESCALATION_STEP_1;
  absl::CivilDay complete_by_;
  absl::CivilDay plan_limit_;
};

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_REMOTE_CASE_H_
