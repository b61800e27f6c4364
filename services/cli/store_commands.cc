#include "services/cli/store_commands.h"

#include <cstdio>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "eventstore/event_store.h"
#include "services/cli/command.h"
#include "services/cli/connection.h"

ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_FLAG(std::string, backup_dir, "",
          "restore: the backup directory (the server's --backup_dir).");

namespace atgard::cli {
namespace {

int Fail(absl::string_view command, absl::string_view message, int code) {
  std::fprintf(stderr, "atgardctl %s: %s\n", std::string(command).c_str(),
               std::string(message).c_str());
  return code;
}

int UnexpectedArgs(absl::string_view command,
                   const std::vector<std::string>& args) {
  return Fail(command,
              absl::StrCat("unexpected argument \"", args[0],
                           "\"; see atgardctl --help"),
              kExitUsage);
}

int PrintReport(bool ok, uint64_t checked, uint64_t first_bad,
                absl::string_view problem) {
  if (ok) {
    std::printf("ok: %llu events verified, hash chain and indexes intact\n",
                static_cast<unsigned long long>(checked));
    return kExitOk;
  }
  std::printf("MISMATCH at position %llu after %llu events: %s\n",
              static_cast<unsigned long long>(first_bad),
              static_cast<unsigned long long>(checked),
              std::string(problem).c_str());
  return kExitFailed;
}

}  // namespace

int RunVerify(const std::vector<std::string>& args) {
  if (!args.empty()) return UnexpectedArgs("verify", args);
  if (ServerGiven()) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ConnectToServer();
    if (!channel.ok())
      return Fail("verify", channel.status().message(), kExitUsage);
    auto stub = v1::OperatorService::NewStub(*channel);
    grpc::ClientContext context;
    if (absl::Status s = AddCredentials(&context); !s.ok()) {
      return Fail("verify", s.message(), kExitUsage);
    }
    v1::VerifyLogResponse response;
    const grpc::Status status =
        stub->VerifyLog(&context, v1::VerifyLogRequest(), &response);
    if (!status.ok())
      return Fail("verify", status.error_message(), kExitFailed);
    return PrintReport(response.ok(), response.events_checked(),
                       response.first_bad_position(), response.problem());
  }
  // No server: open the stopped store's directory itself.
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
      eventstore::EventStore::Open({.path = absl::GetFlag(FLAGS_data_dir)});
  if (!store.ok()) {
    return Fail("verify",
                absl::StrCat(store.status().message(),
                             " (for a running server, give --server)"),
                kExitFailed);
  }
  absl::StatusOr<eventstore::VerifyReport> report = (*store)->Verify();
  if (!report.ok())
    return Fail("verify", report.status().message(), kExitFailed);
  return PrintReport(report->ok, report->events_checked,
                     report->first_bad_position, report->problem);
}

int RunBackup(const std::vector<std::string>& args) {
  if (!args.empty()) return UnexpectedArgs("backup", args);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = ConnectToServer();
  if (!channel.ok())
    return Fail("backup", channel.status().message(), kExitUsage);
  auto stub = v1::OperatorService::NewStub(*channel);
  grpc::ClientContext context;
  if (absl::Status s = AddCredentials(&context); !s.ok()) {
    return Fail("backup", s.message(), kExitUsage);
  }
  v1::CreateBackupResponse response;
  const grpc::Status status =
      stub->CreateBackup(&context, v1::CreateBackupRequest(), &response);
  if (!status.ok()) return Fail("backup", status.error_message(), kExitFailed);
  std::printf("backup taken in %s, holding at least positions 1..%llu\n",
              response.backup_dir().c_str(),
              static_cast<unsigned long long>(response.head_position()));
  return kExitOk;
}

int RunRestore(const std::vector<std::string>& args) {
  if (!args.empty()) return UnexpectedArgs("restore", args);
  const std::string backup_dir = absl::GetFlag(FLAGS_backup_dir);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (backup_dir.empty())
    return Fail("restore", "--backup_dir is required", kExitUsage);
  if (absl::Status s =
          eventstore::EventStore::RestoreBackup(backup_dir, data_dir);
      !s.ok()) {
    return Fail("restore", s.message(), kExitFailed);
  }
  // A restore is only done once the restored log verifies.
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
      eventstore::EventStore::Open({.path = data_dir});
  if (!store.ok())
    return Fail("restore", store.status().message(), kExitFailed);
  absl::StatusOr<eventstore::VerifyReport> report = (*store)->Verify();
  if (!report.ok())
    return Fail("restore", report.status().message(), kExitFailed);
  std::printf("restored %s into %s; ", backup_dir.c_str(), data_dir.c_str());
  return PrintReport(report->ok, report->events_checked,
                     report->first_bad_position, report->problem);
}

}  // namespace atgard::cli
