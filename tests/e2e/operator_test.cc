// The operator's round trip with the real binaries: verify a running
// server's log, take an online backup with atgardctl while it serves,
// restore it into an empty directory, and serve the restored store.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "atgard/v1/provider_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/auth/dev_tokens.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;

std::string Token(const std::string& data_dir, v1::Role role) {
  absl::StatusOr<std::string> token =
      auth::MintDevToken(data_dir,
                         {.subject = absl::StrCat("e2e-", v1::Role_Name(role)),
                          .role = role,
                          .tenant = "0780"},
                         absl::Now());
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

class OperatorTest : public ::testing::Test {
 protected:
  std::shared_ptr<grpc::Channel> Connect(const ServerProcess& server) {
    return grpc::CreateChannel(server.address(),
                               grpc::InsecureChannelCredentials());
  }

  // Registers provider `id`; returns the global position it got.
  uint64_t RegisterProvider(const ServerProcess& server,
                            const std::string& id) {
    auto stub = v1::ProviderService::NewStub(Connect(server));
    grpc::ClientContext context;
    context.AddMetadata(
        "authorization",
        absl::StrCat("Bearer ", Token(data_, v1::ROLE_FOLLOW_UP_OFFICER)));
    v1::RegisterProviderRequest request;
    request.mutable_options()->set_command_id(absl::StrCat("register-", id));
    request.mutable_command()->set_provider_id(id);
    request.mutable_command()->set_name("Omsorgsbolaget AB");
    request.mutable_command()->set_organisation_number("556677-8899");
    request.mutable_command()->set_regiform(v1::REGIFORM_PRIVATE);
    v1::RegisterProviderResponse response;
    const grpc::Status status =
        stub->RegisterProvider(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.result().global_position();
  }

  TempDir tmp_;
  const std::string data_ = tmp_.Join("data");
  const std::string backups_ = tmp_.Join("backups");
};

TEST_F(OperatorTest, BackupWhileServingRestoresToAVerifiedStore) {
  auto server = ServerProcess::Start(
      {.data_dir = data_,
       .extra_args = {absl::StrCat("--backup_dir=", backups_)},
       .work_dir = tmp_.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  const uint64_t before = RegisterProvider(**server, "first");
  ASSERT_GT(before, 0u);

  const std::string operator_token = Token(data_, v1::ROLE_OPERATOR);
  const std::string server_flag =
      absl::StrCat("--server=", (*server)->address());
  auto verify = RunCtlToExit(
      {"verify", server_flag, "--token=" + operator_token}, tmp_.path());
  ASSERT_TRUE(verify.ok()) << verify.status();
  EXPECT_EQ(verify->exit_code, 0) << verify->output;
  EXPECT_THAT(verify->output, HasSubstr("hash chain and indexes intact"));

  auto backup = RunCtlToExit(
      {"backup", server_flag, "--token=" + operator_token}, tmp_.path());
  ASSERT_TRUE(backup.ok()) << backup.status();
  ASSERT_EQ(backup->exit_code, 0) << backup->output;
  EXPECT_THAT(backup->output, HasSubstr(backups_));

  // Written after the backup: not in it.
  const uint64_t after = RegisterProvider(**server, "second");
  ASSERT_GT(after, before);
  ASSERT_EQ((*server)->Stop()->exit_code, 0);

  const std::string restored = tmp_.Join("restored");
  auto restore = RunCtlToExit(
      {"restore", "--backup_dir=" + backups_, "--data_dir=" + restored},
      tmp_.path());
  ASSERT_TRUE(restore.ok()) << restore.status();
  ASSERT_EQ(restore->exit_code, 0) << restore->output;
  EXPECT_THAT(restore->output, HasSubstr("intact"));

  // The restored store serves, and holds what the backup held.
  auto again =
      ServerProcess::Start({.data_dir = restored, .work_dir = tmp_.path()});
  ASSERT_TRUE(again.ok()) << again.status();
  auto stub = v1::OperatorService::NewStub(Connect(**again));
  grpc::ClientContext context;
  context.AddMetadata(
      "authorization",
      absl::StrCat("Bearer ", Token(restored, v1::ROLE_OPERATOR)));
  v1::VerifyLogResponse report;
  ASSERT_TRUE(stub->VerifyLog(&context, v1::VerifyLogRequest(), &report).ok());
  EXPECT_TRUE(report.ok()) << report.problem();
  EXPECT_GE(report.events_checked(), before);
  EXPECT_LT(report.events_checked(), after);
}

TEST_F(OperatorTest, OnlyOperatorsRunTheStore) {
  auto server = ServerProcess::Start(
      {.data_dir = data_,
       .extra_args = {absl::StrCat("--backup_dir=", backups_)},
       .work_dir = tmp_.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::OperatorService::NewStub(Connect(**server));
  for (v1::Role role :
       {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_AUDITOR, v1::ROLE_SUPERVISOR,
        v1::ROLE_ADMINISTRATION_DIRECTOR}) {
    grpc::ClientContext verify_context;
    verify_context.AddMetadata("authorization",
                               absl::StrCat("Bearer ", Token(data_, role)));
    v1::VerifyLogResponse report;
    EXPECT_EQ(stub->VerifyLog(&verify_context, {}, &report).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << v1::Role_Name(role);
    grpc::ClientContext backup_context;
    backup_context.AddMetadata("authorization",
                               absl::StrCat("Bearer ", Token(data_, role)));
    v1::CreateBackupResponse backup;
    EXPECT_EQ(stub->CreateBackup(&backup_context, {}, &backup).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << v1::Role_Name(role);
  }
  grpc::ClientContext anonymous;
  v1::VerifyLogResponse report;
  EXPECT_EQ(stub->VerifyLog(&anonymous, {}, &report).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(OperatorTest, BackupNeedsABackupDirectory) {
  auto server =
      ServerProcess::Start({.data_dir = data_, .work_dir = tmp_.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::OperatorService::NewStub(Connect(**server));
  grpc::ClientContext context;
  context.AddMetadata("authorization",
                      absl::StrCat("Bearer ", Token(data_, v1::ROLE_OPERATOR)));
  v1::CreateBackupResponse backup;
  const grpc::Status status = stub->CreateBackup(&context, {}, &backup);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("--backup_dir"));
}

}  // namespace
}  // namespace atgard::testing
