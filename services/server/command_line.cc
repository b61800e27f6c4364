#include "services/server/command_line.h"

#include <map>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "eventstore/base/status_macros.h"
#include "services/common/files.h"
#include "services/server/settings.h"

namespace atgard::server {
namespace {

// Flag files naming flag files: deep enough for any layout, shallow enough
// to stop a file that names itself.
constexpr int kMaxFlagfileDepth = 8;

// --help, -h, --helpfull, --helpshort, --helpon=..., --version and
// --only_check_args: abseil's usage flags, which the server answered
// before it read its flags through the table, and still does.
bool IsUsageFlag(absl::string_view arg) {
  absl::ConsumePrefix(&arg, "-");
  absl::ConsumePrefix(&arg, "-");
  return absl::StartsWith(arg, "help") || arg == "h" ||
         absl::StartsWith(arg, "version") ||
         absl::StartsWith(arg, "only_check_args");
}

// One flag with its value, and where it was written.
struct Assignment {
  std::string name;   // a setting's name, "flagfile" or "config"
  std::string value;  // for a bool given alone, "true"
  std::string where;  // "" on the command line, "FILE:LINE: " in a file
};

absl::Status At(absl::string_view where, const absl::Status& status) {
  if (status.ok() || where.empty()) return status;
  return absl::Status(status.code(), absl::StrCat(where, status.message()));
}

absl::Status Unexpected(absl::string_view arg) {
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected argument \"", arg, "\"; see --help"));
}

// Splits flags into assignments. `where[i]` says where `args[i]` was
// written; `next_word` lets a flag other than a bool take its value from
// the next argument (on the command line, not in a flag file's line).
absl::Status Split(const std::vector<std::string>& args,
                   const std::vector<std::string>& where, bool next_word,
                   std::vector<Assignment>& out) {
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      return At(where[i], Unexpected(arg));
    }
    absl::ConsumePrefix(&arg, "-");
    absl::ConsumePrefix(&arg, "-");
    const size_t equals = arg.find('=');
    const std::string name(arg.substr(0, equals));
    std::optional<std::string> value;
    if (equals != absl::string_view::npos) {
      value = std::string(arg.substr(equals + 1));
    }
    const Setting* setting = FindSetting(name);
    const bool special = name == "flagfile" || name == "config";
    if (setting == nullptr && !special && absl::StartsWith(name, "no")) {
      const Setting* negated = FindSetting(absl::string_view(name).substr(2));
      if (negated != nullptr && negated->is_bool) {
        if (value.has_value()) {
          return At(where[i], absl::InvalidArgumentError(
                                  absl::StrCat("--", name, " takes no value")));
        }
        out.push_back({negated->name, "false", where[i]});
        continue;
      }
    }
    if (setting == nullptr && !special) {
      return At(where[i], absl::InvalidArgumentError(absl::StrCat(
                              "unknown flag --", name, "; see --help")));
    }
    if (!value.has_value()) {
      if (setting != nullptr && setting->is_bool) {
        value = "true";
      } else if (next_word && i + 1 < args.size()) {
        value = args[++i];
      } else {
        return At(where[i],
                  absl::InvalidArgumentError(absl::StrCat(
                      "--", name, " needs a value: --", name, "=VALUE")));
      }
    }
    out.push_back({name, *std::move(value), where[i]});
  }
  return absl::OkStatus();
}

absl::Status Apply(const std::vector<Assignment>& assignments, int depth,
                   ServerConfig& config);

// A flag file's lines, as flags where --flagfile stands.
absl::Status ApplyFlagfile(const std::string& path, int depth,
                           ServerConfig& config) {
  if (depth > kMaxFlagfileDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("--flagfile ", path, ": flag files nested deeper than ",
                     kMaxFlagfileDepth, " (does one name itself?)"));
  }
  ASSIGN_OR_RETURN(const std::string text,
                   ReadFileToString(path, "--flagfile"));
  std::vector<std::string> args;
  std::vector<std::string> where;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    args.emplace_back(line);
    where.push_back(absl::StrCat(path, ":", line_number, ": "));
  }
  std::vector<Assignment> assignments;
  RETURN_IF_ERROR(Split(args, where, /*next_word=*/false, assignments));
  return Apply(assignments, depth, config);
}

absl::Status Apply(const std::vector<Assignment>& assignments, int depth,
                   ServerConfig& config) {
  for (const Assignment& a : assignments) {
    if (a.name == "config") {
      return At(a.where,
                absl::InvalidArgumentError(
                    "--config is read from the command line only, before "
                    "every flag"));
    }
    if (a.name == "flagfile") {
      for (absl::string_view path :
           absl::StrSplit(a.value, ',', absl::SkipEmpty())) {
        RETURN_IF_ERROR(
            At(a.where, ApplyFlagfile(std::string(path), depth + 1, config)));
      }
      continue;
    }
    RETURN_IF_ERROR(At(a.where, FindSetting(a.name)->parse(a.value, config)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args) {
  Invocation invocation;
  size_t end = 0;  // of the flags: "--" or the end
  while (end < args.size() && args[end] != "--") ++end;
  for (size_t i = 0; i < end; ++i) {
    if (!IsUsageFlag(args[i])) continue;
    if (absl::StrContains(args[i], "only_check_args")) {
      return absl::InvalidArgumentError("--only_check_args is not supported");
    }
    invocation.action = absl::StrContains(args[i], "version")
                            ? Invocation::Action::kVersion
                            : Invocation::Action::kHelp;
    return invocation;
  }
  if (end + 1 < args.size()) return Unexpected(args[end + 1]);

  const std::vector<std::string> flags(args.begin(), args.begin() + end);
  std::vector<Assignment> assignments;
  RETURN_IF_ERROR(Split(flags, std::vector<std::string>(flags.size()),
                        /*next_word=*/true, assignments));
  // The configuration file first, so that every flag overrides it.
  std::vector<Assignment> rest;
  std::optional<std::string> config_file;
  for (Assignment& a : assignments) {
    if (a.name != "config") {
      rest.push_back(std::move(a));
    } else if (config_file.has_value()) {
      return absl::InvalidArgumentError(
          "--config is given twice: settings come from one configuration "
          "file (and the flags)");
    } else {
      config_file = std::move(a.value);
    }
  }
  if (config_file.has_value()) {
    if (config_file->empty()) {
      return absl::InvalidArgumentError("--config needs a file: --config=FILE");
    }
    ASSIGN_OR_RETURN(const std::string text,
                     ReadFileToString(*config_file, "--config"));
    RETURN_IF_ERROR(ApplyConfigFile(text, *config_file, invocation.config));
  }
  RETURN_IF_ERROR(Apply(rest, /*depth=*/0, invocation.config));
  return invocation;
}

absl::Status ApplyConfigFile(absl::string_view text, absl::string_view source,
                             ServerConfig& config) {
  std::map<std::string, int> first_line;  // of each name, for duplicates
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(source, ":", line_number, ": ");
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, "expected `name = value`, found \"", line, "\""));
    }
    const std::string name(absl::StripAsciiWhitespace(line.substr(0, equals)));
    const absl::string_view value =
        absl::StripAsciiWhitespace(line.substr(equals + 1));
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, "unknown setting \"", name, "\"",
          absl::StartsWith(name, "-") ? " (names are written without --)" : "",
          "; see atgard-server --help"));
    }
    if (const auto [it, inserted] = first_line.emplace(name, line_number);
        !inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, name, " is already set on line ", it->second));
    }
    RETURN_IF_ERROR(At(where, setting->parse(value, config)));
  }
  return absl::OkStatus();
}

}  // namespace atgard::server
