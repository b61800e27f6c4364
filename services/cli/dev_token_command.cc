// atgardctl dev-token: prints a development bearer token (dev_tokens.h)
// for a server started with --dev_auth.
#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/auth/dev_tokens.h"
#include "services/auth/principal_rules.h"
#include "services/cli/command.h"

namespace atgard::cli {
namespace {

struct DevTokenFlags {
  std::string data_dir = "./data";
  std::string role;
  std::string tenant;
  std::string provider_id;
  std::string area;
  std::string subject = "developer";
  std::string ttl = "8h";
};

int Usage(absl::string_view message) {
  std::fprintf(stderr, "atgardctl dev-token: %s\n",
               std::string(message).c_str());
  return kExitUsage;
}

int Run(const DevTokenFlags& flags) {
  absl::StatusOr<v1::Role> role = auth::ParseExternalRole(flags.role);
  if (!role.ok()) {
    return Usage(absl::StrCat("--role: ", role.status().message()));
  }
  auth::DevTokenRequest request;
  request.subject = flags.subject;
  request.role = *role;
  request.tenant = flags.tenant;
  request.provider_id = flags.provider_id;
  request.area_id = flags.area;
  if (!absl::ParseDuration(flags.ttl, &request.ttl)) {
    return Usage(absl::StrCat("--ttl \"", flags.ttl,
                              "\" is not a duration such as 8h or 30m"));
  }
  // Only the server creates the key (with --dev_auth): a token signed by a
  // key minted here would be one that no server accepts.
  absl::StatusOr<auth::PrivateKey> key = auth::LoadDevKey(flags.data_dir);
  if (!key.ok()) {
    if (absl::IsNotFound(key.status())) {
      return Usage(absl::StrCat(key.status().message(),
                                ": start the server with --dev_auth "
                                "--data_dir=",
                                flags.data_dir,
                                " first, or give the --data_dir "
                                "it runs with"));
    }
    std::fprintf(stderr, "atgardctl dev-token: %s\n",
                 std::string(key.status().message()).c_str());
    return kExitFailed;
  }
  absl::StatusOr<std::string> token =
      auth::MintDevToken(*key, request, absl::Now());
  if (!token.ok()) {
    std::fprintf(stderr, "atgardctl dev-token: %s\n",
                 std::string(token.status().message()).c_str());
    return absl::IsInvalidArgument(token.status()) ? kExitUsage : kExitFailed;
  }
  std::printf("%s\n", token->c_str());
  return kExitOk;
}

}  // namespace

CommandRunner AddDevTokenCommand(CLI::App& app) {
  auto flags = std::make_shared<DevTokenFlags>();
  CLI::App* command = app.add_subcommand(
      "dev-token",
      "Print a development bearer token for a server run with --dev_auth.");
  command->footer(
      "\nThe token is signed with the development key that the server keeps "
      "in <data_dir>.dev-auth; send it as \"authorization: Bearer <token>\".\n"
      "Example:\n"
      "  atgardctl dev-token --data_dir=./data --role=FOLLOW_UP_OFFICER "
      "--tenant=0780 --subject=anna");
  command
      ->add_option("--data_dir", flags->data_dir,
                   "The --data_dir of the server run with --dev_auth; its "
                   "development key is in <data_dir>.dev-auth.")
      ->capture_default_str();
  command
      ->add_option("--role", flags->role,
                   "The role: FOLLOW_UP_OFFICER, CARE_DIRECTOR, "
                   "ADMINISTRATION_DIRECTOR, PROVIDER, MEDICAL_OFFICER, "
                   "AUDITOR, SUPERVISOR or OPERATOR.")
      ->required();
  command
      ->add_option("--tenant", flags->tenant,
                   "The tenant's kommunkod, four digits (e.g. 0780).")
      ->required();
  command->add_option("--provider_id", flags->provider_id,
                      "The provider the principal acts for; required with "
                      "--role=PROVIDER and refused otherwise.");
  command->add_option("--area", flags->area,
                      "The area the care director acts in (the \"area\" "
                      "claim): narrows it to that one of its areas; only "
                      "with --role=CARE_DIRECTOR.");
  command
      ->add_option("--subject", flags->subject,
                   "The subject (user id) the token names.")
      ->capture_default_str();
  command
      ->add_option("--ttl", flags->ttl,
                   "How long the token is valid, e.g. 8h or 30m (at most "
                   "720h).")
      ->capture_default_str();
  return [flags] { return Run(*flags); };
}

}  // namespace atgard::cli
