// atgardctl: the operator's command-line tool. See `atgardctl --help`.
#include <cstdio>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "services/cli/command.h"

namespace atgard::cli {
namespace {

struct Subcommand {
  CLI::App* app;
  CommandRunner run;
};

int Main(int argc, char** argv) {
  CLI::App app(
      "atgardctl: the operator's tool for atgard, the action-plan workflow "
      "server.",
      "atgardctl");
  app.set_version_flag("--version", "atgardctl 0.1.0");
  app.require_subcommand(0, 1);
  app.footer(
      "\n`atgardctl COMMAND --help` or `atgardctl help COMMAND` shows a "
      "command's own flags.\nExit codes: 0 ok, 1 the command failed, 2 usage "
      "or configuration error, 3 server unreachable.");

  // Every subcommand; a new one is a new Add…Command and a new row.
  std::vector<Subcommand> commands;
  for (auto add : {AddDevTokenCommand, AddVerifyCommand, AddBackupCommand,
                   AddRestoreCommand, AddSalvageCommand, AddImportCommand}) {
    CommandRunner run = add(app);
    const std::vector<CLI::App*> declared =
        app.get_subcommands([](CLI::App*) { return true; });
    commands.push_back({declared.back(), std::move(run)});
  }
  std::string help_topic;
  CLI::App* help = app.add_subcommand(
      "help", "Show the commands, or with a command its own flags.");
  help->add_option("command", help_topic, "The command.");
  // Taken before parsing: afterwards CLI11 shows the chosen subcommand's.
  const std::string overview = app.help();

  // A word where a command belongs that names none: say so plainly (CLI11
  // would only call it an unexpected argument).
  if (argc >= 2 && argv[1][0] != '-') {
    const std::string name = argv[1];
    bool known = name == "help";
    for (const Subcommand& c : commands) known |= c.app->get_name() == name;
    if (!known) {
      std::fprintf(stderr, "atgardctl: unknown command \"%s\"\n\n%s",
                   name.c_str(), overview.c_str());
      return kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);  // prints the help of the command it was given to
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 reports every parse problem as an exception; here is the one
    // place that turns them into a message and the usage exit code.
    const std::string where =
        app.get_subcommands().empty()
            ? std::string("atgardctl")
            : absl::StrCat("atgardctl ", app.get_subcommands()[0]->get_name());
    std::fprintf(stderr, "%s: %s\nRun `%s --help` for its flags.\n",
                 where.c_str(), e.what(), where.c_str());
    return kExitUsage;
  }

  if (help->parsed()) {
    if (help_topic.empty()) {
      std::printf("%s", overview.c_str());
      return kExitOk;
    }
    for (const Subcommand& c : commands) {
      if (c.app->get_name() == help_topic) {
        std::printf("%s", c.app->help("atgardctl").c_str());
        return kExitOk;
      }
    }
    std::fprintf(stderr, "atgardctl help: unknown command \"%s\"\n\n%s",
                 help_topic.c_str(), overview.c_str());
    return kExitUsage;
  }
  for (const Subcommand& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  std::fprintf(stderr, "atgardctl: no command given\n\n%s", overview.c_str());
  return kExitUsage;
}

}  // namespace
}  // namespace atgard::cli

int main(int argc, char** argv) { return atgard::cli::Main(argc, argv); }
