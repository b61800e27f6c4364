// A subcommand of atgardctl. Each lives in a file of its own that defines
// its flags (abseil flags, shown by --help) and a Run function; the table
// in atgardctl_main.cc lists them.
#ifndef ATGARD_SERVICES_CLI_COMMAND_H_
#define ATGARD_SERVICES_CLI_COMMAND_H_

#include <string>
#include <vector>

namespace atgard::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  // As typed: "dev-token".
  const char* name;
  // One line for the command list.
  const char* summary;
  // `args` are the positional arguments after the subcommand's name (flags
  // are already parsed). Writes results to stdout and diagnostics to
  // stderr; returns an exit code above.
  int (*run)(const std::vector<std::string>& args);
};

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_COMMAND_H_
