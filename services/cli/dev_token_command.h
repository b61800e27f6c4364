// atgardctl dev-token: prints a development bearer token (dev_tokens.h).
#ifndef ATGARD_SERVICES_CLI_DEV_TOKEN_COMMAND_H_
#define ATGARD_SERVICES_CLI_DEV_TOKEN_COMMAND_H_

#include <string>
#include <vector>

namespace atgard::cli {

// Mints a token for --role, --tenant, --subject, --provider_id and --ttl
// with the development key of --data_dir and prints it on stdout followed
// by a newline. kExitUsage for missing or invalid flags, kExitFailed if the
// key cannot be loaded or created.
int RunDevToken(const std::vector<std::string>& args);

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_DEV_TOKEN_COMMAND_H_
