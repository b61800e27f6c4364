// atgardctl's store commands: verify the hash chain (of a running server,
// or of a stopped store's directory), take an online backup through the
// running server, and restore a backup into an empty directory.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "eventstore/event_store.h"
#include "services/cli/command.h"
#include "services/cli/connection.h"

namespace atgard::cli {
namespace {

int Fail(absl::string_view command, absl::string_view message, int code) {
  std::fprintf(stderr, "atgardctl %s: %s\n", std::string(command).c_str(),
               std::string(message).c_str());
  return code;
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

// Opens an existing store to read it. A missing or empty directory is a
// usage error (a mistyped path), never an empty log that verifies.
// With `read_only`, nothing in the directory changes (verification must
// not change what it verifies, nor finish a recovery an operator should
// decide on).
absl::StatusOr<std::unique_ptr<eventstore::EventStore>> OpenExisting(
    const std::string& data_dir, bool read_only = false) {
  return eventstore::EventStore::Open(
      {.path = data_dir, .create_if_missing = false, .read_only = read_only});
}

int ExitCodeOfOpen(const absl::Status& status) {
  return absl::IsNotFound(status) || absl::IsFailedPrecondition(status)
             ? kExitUsage
             : kExitFailed;
}

int VerifyServer(const ConnectionFlags& connection) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ConnectToServer(connection);
  if (!channel.ok()) {
    return Fail("verify", channel.status().message(), kExitUsage);
  }
  auto stub = v1::OperatorService::NewStub(*channel);
  grpc::ClientContext context;
  if (absl::Status s = AddCredentials(connection, &context); !s.ok()) {
    return Fail("verify", s.message(), kExitUsage);
  }
  v1::VerifyLogResponse response;
  const grpc::Status status =
      stub->VerifyLog(&context, v1::VerifyLogRequest(), &response);
  if (!status.ok()) return Fail("verify", status.error_message(), kExitFailed);
  return PrintReport(response.ok(), response.events_checked(),
                     response.first_bad_position(), response.problem());
}

int VerifyDirectory(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
      OpenExisting(data_dir, /*read_only=*/true);
  if (!store.ok()) {
    return Fail("verify",
                absl::StrCat(store.status().message(),
                             " (for a running server, give --server)"),
                ExitCodeOfOpen(store.status()));
  }
  absl::StatusOr<eventstore::VerifyReport> report = (*store)->Verify();
  if (!report.ok()) {
    return Fail("verify", report.status().message(), kExitFailed);
  }
  return PrintReport(report->ok, report->events_checked,
                     report->first_bad_position, report->problem);
}

}  // namespace

CommandRunner AddVerifyCommand(CLI::App& app) {
  struct Flags {
    ConnectionFlags connection;
    std::string data_dir;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "verify",
      "Recompute the event log's hash chain and indexes, of a running "
      "--server or of a stopped store's --data_dir.");
  command->footer(
      "\nExit code 0 if the log is intact, 1 on a mismatch, damage or error, "
      "2 on a usage error (including a --data_dir that holds no store). A "
      "--data_dir is opened read-only: no file in it changes.\n"
      "Examples:\n"
      "  atgardctl verify --server=127.0.0.1:50051 --token_file=operator.jwt\n"
      "  atgardctl verify --data_dir=/var/lib/atgard/data");
  AddConnectionFlags(*command, &flags->connection, /*server_required=*/false);
  command->add_option("--data_dir", flags->data_dir,
                      "The directory of a stopped store (instead of "
                      "--server); it must exist and hold a store.");
  command->get_option("--data_dir")->excludes("--server");
  return [flags] {
    if (!flags->connection.server.empty()) {
      return VerifyServer(flags->connection);
    }
    if (flags->data_dir.empty()) {
      return Fail("verify", "give --server or --data_dir", kExitUsage);
    }
    return VerifyDirectory(flags->data_dir);
  };
}

CommandRunner AddBackupCommand(CLI::App& app) {
  auto flags = std::make_shared<ConnectionFlags>();
  CLI::App* command = app.add_subcommand(
      "backup",
      "Take an online backup through the running --server into its "
      "--backup_dir.");
  command->footer(
      "\nExample:\n"
      "  atgardctl backup --server=127.0.0.1:50051 "
      "--token_file=operator.jwt");
  AddConnectionFlags(*command, flags.get(), /*server_required=*/true);
  return [flags] {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        ConnectToServer(*flags);
    if (!channel.ok()) {
      return Fail("backup", channel.status().message(), kExitUsage);
    }
    auto stub = v1::OperatorService::NewStub(*channel);
    grpc::ClientContext context;
    if (absl::Status s = AddCredentials(*flags, &context); !s.ok()) {
      return Fail("backup", s.message(), kExitUsage);
    }
    v1::CreateBackupResponse response;
    const grpc::Status status =
        stub->CreateBackup(&context, v1::CreateBackupRequest(), &response);
    if (!status.ok()) {
      return Fail("backup", status.error_message(), kExitFailed);
    }
    std::printf("backup taken in %s, holding at least positions 1..%llu\n",
                response.backup_dir().c_str(),
                static_cast<unsigned long long>(response.head_position()));
    return kExitOk;
  };
}

CommandRunner AddRestoreCommand(CLI::App& app) {
  struct Flags {
    std::string backup_dir;
    std::string data_dir;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "restore",
      "Restore the latest backup of --backup_dir into an empty --data_dir "
      "and verify it.");
  command->footer(
      "\nExample:\n"
      "  atgardctl restore --backup_dir=/backup/atgard --data_dir=./restored");
  command
      ->add_option("--backup_dir", flags->backup_dir,
                   "The backup directory (the server's --backup_dir).")
      ->required();
  command
      ->add_option("--data_dir", flags->data_dir,
                   "The target: missing or empty; created with mode 0700.")
      ->required();
  return [flags] {
    if (absl::Status s = eventstore::EventStore::RestoreBackup(
            flags->backup_dir, flags->data_dir);
        !s.ok()) {
      return Fail("restore", s.message(),
                  absl::IsNotFound(s) || absl::IsFailedPrecondition(s)
                      ? kExitUsage
                      : kExitFailed);
    }
    // A restore is only done once the restored log verifies.
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        OpenExisting(flags->data_dir);
    if (!store.ok()) {
      return Fail("restore", store.status().message(), kExitFailed);
    }
    absl::StatusOr<eventstore::VerifyReport> report = (*store)->Verify();
    if (!report.ok()) {
      return Fail("restore", report.status().message(), kExitFailed);
    }
    std::printf("restored %s into %s; ", flags->backup_dir.c_str(),
                flags->data_dir.c_str());
    return PrintReport(report->ok, report->events_checked,
                       report->first_bad_position, report->problem);
  };
}

}  // namespace atgard::cli
