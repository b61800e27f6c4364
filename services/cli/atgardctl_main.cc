// atgardctl: the operator's command-line tool. See --help.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/cli/command.h"
#include "services/cli/dev_token_command.h"
#include "services/cli/store_commands.h"

namespace atgard::cli {
namespace {

// Every subcommand; a new one is a new file and a new row.
constexpr Command kCommands[] = {
    {"dev-token",
     "print a development bearer token for a server run with --dev_auth",
     RunDevToken},
    {"verify",
     "recompute the event log's hash chain (--server, or a stopped "
     "--data_dir)",
     RunVerify},
    {"backup", "take an online backup through the running --server", RunBackup},
    {"restore",
     "restore the latest backup of --backup_dir into an empty --data_dir "
     "and verify it",
     RunRestore},
};

std::string CommandList() {
  std::string out = "Commands:\n";
  for (const Command& c : kCommands) {
    absl::StrAppend(&out, absl::StrFormat("  %-12s %s\n", c.name, c.summary));
  }
  return out;
}

int Main(int argc, char** argv) {
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "services/cli/");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  usage.normalize_filename = [](absl::string_view file) {
    const size_t at = file.find("services/");
    return std::string(at == absl::string_view::npos ? file : file.substr(at));
  };
  usage.version_string = [] { return std::string("atgardctl 0.1.0\n"); };
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(absl::StrCat(
      "the operator's tool for atgard.\n\n"
      "Usage: atgardctl <command> [flags]\n\n",
      CommandList(),
      "\nExamples:\n"
      "  atgardctl dev-token --data_dir=./data --role=FOLLOW_UP_OFFICER "
      "--tenant=0780\n"
      "  atgardctl backup --server=127.0.0.1:50051 --token_file=operator.jwt\n"
      "  atgardctl restore --backup_dir=/backup/atgard "
      "--data_dir=./restored\n\n"
      "Each flag's help names the command it belongs to."));
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::fprintf(stderr, "atgardctl: no command given\n\n%s",
                 CommandList().c_str());
    return kExitUsage;
  }
  const std::string name = positional[1];
  for (const Command& c : kCommands) {
    if (name == c.name) {
      return c.run(
          std::vector<std::string>(positional.begin() + 2, positional.end()));
    }
  }
  std::fprintf(stderr, "atgardctl: unknown command \"%s\"\n\n%s", name.c_str(),
               CommandList().c_str());
  return kExitUsage;
}

}  // namespace
}  // namespace atgard::cli

int main(int argc, char** argv) { return atgard::cli::Main(argc, argv); }
