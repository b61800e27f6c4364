// A subcommand of atgardctl. Each lives in a file of its own with an Add…
// function that declares the subcommand and its own flags on the tool's
// CLI11 application and returns how to run it; atgardctl_main.cc lists
// them. CLI11 stays out of this header (it is heavy): only the .cc files
// that declare flags include it.
#ifndef ATGARD_SERVICES_CLI_COMMAND_H_
#define ATGARD_SERVICES_CLI_COMMAND_H_

#include <functional>

namespace CLI {
class App;
}  // namespace CLI

namespace atgard::cli {

// Exit codes shared by every subcommand, for scripts to rely on.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the command ran and failed
inline constexpr int kExitUsage = 2;        // bad flags, paths or configuration
inline constexpr int kExitUnreachable = 3;  // the server could not be reached

// Runs a parsed subcommand: writes results to stdout and diagnostics to
// stderr, and returns an exit code above.
using CommandRunner = std::function<int()>;

// Each declares its subcommand on `app` (flags bound to state the returned
// runner owns) and returns the runner.
CommandRunner AddDevTokenCommand(CLI::App& app);
CommandRunner AddVerifyCommand(CLI::App& app);
CommandRunner AddBackupCommand(CLI::App& app);
CommandRunner AddRestoreCommand(CLI::App& app);
CommandRunner AddSalvageCommand(CLI::App& app);
CommandRunner AddImportCommand(CLI::App& app);

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_COMMAND_H_
