// atgardctl's store commands: verify the hash chain (of a running server,
// or of a stopped store's directory), take an online backup through the
// running server, and restore a backup into an empty directory.
#ifndef ATGARD_SERVICES_CLI_STORE_COMMANDS_H_
#define ATGARD_SERVICES_CLI_STORE_COMMANDS_H_

#include <string>
#include <vector>

namespace atgard::cli {

int RunVerify(const std::vector<std::string>& args);
int RunBackup(const std::vector<std::string>& args);
int RunRestore(const std::vector<std::string>& args);

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_STORE_COMMANDS_H_
