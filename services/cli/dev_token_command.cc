#include "services/cli/dev_token_command.h"

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/auth/dev_tokens.h"
#include "services/auth/principal_rules.h"
#include "services/cli/command.h"

ABSL_FLAG(std::string, data_dir, "./data",
          "dev-token, verify, restore: the server's --data_dir (dev-token: "
          "its development key is in <data_dir>.dev-auth, created on first "
          "use; verify: a stopped store; restore: the empty target).");
ABSL_FLAG(std::string, role, "",
          "dev-token: the role, e.g. FOLLOW_UP_OFFICER, CARE_DIRECTOR, "
          "ADMINISTRATION_DIRECTOR, PROVIDER, MEDICAL_OFFICER, AUDITOR, "
          "SUPERVISOR, OPERATOR. Required.");
ABSL_FLAG(std::string, tenant, "",
          "dev-token: the tenant's kommunkod, four digits (e.g. 0780). "
          "Required.");
ABSL_FLAG(std::string, provider_id, "",
          "dev-token: the provider the principal acts for; required with "
          "--role=PROVIDER and refused otherwise.");
ABSL_FLAG(std::string, subject, "developer",
          "dev-token: the subject (user id) the token names.");
ABSL_FLAG(absl::Duration, ttl, absl::Hours(8),
          "dev-token: how long the token is valid, e.g. 8h, 30m (at most "
          "720h).");

namespace atgard::cli {
namespace {

int Usage(absl::string_view message) {
  std::fprintf(stderr, "atgardctl dev-token: %s\n",
               std::string(message).c_str());
  return kExitUsage;
}

}  // namespace

int RunDevToken(const std::vector<std::string>& args) {
  if (!args.empty()) {
    return Usage(absl::StrCat("unexpected argument \"", args[0],
                              "\"; see atgardctl --help"));
  }
  const std::string role_name = absl::GetFlag(FLAGS_role);
  if (role_name.empty()) return Usage("--role is required");
  if (absl::GetFlag(FLAGS_tenant).empty()) return Usage("--tenant is required");
  absl::StatusOr<v1::Role> role = auth::ParseExternalRole(role_name);
  if (!role.ok())
    return Usage(absl::StrCat("--role: ", role.status().message()));

  auth::DevTokenRequest request;
  request.subject = absl::GetFlag(FLAGS_subject);
  request.role = *role;
  request.tenant = absl::GetFlag(FLAGS_tenant);
  request.provider_id = absl::GetFlag(FLAGS_provider_id);
  request.ttl = absl::GetFlag(FLAGS_ttl);
  absl::StatusOr<std::string> token =
      auth::MintDevToken(absl::GetFlag(FLAGS_data_dir), request, absl::Now());
  if (!token.ok()) {
    std::fprintf(stderr, "atgardctl dev-token: %s\n",
                 std::string(token.status().message()).c_str());
    return absl::IsInvalidArgument(token.status()) ? kExitUsage : kExitFailed;
  }
  std::printf("%s\n", token->c_str());
  return kExitOk;
}

}  // namespace atgard::cli
