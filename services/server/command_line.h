// atgard-server's command line, flag files and configuration file, all read
// through the settings table (settings.h).
//
// Command line, as the server has always taken it:
//   --name=value, -name=value    any setting ("--metrics_listen=" is empty)
//   --name value, -name value    any setting but a bool
//   --name, --noname             a bool (also --name=true, --name=false)
//   --flagfile=FILE[,FILE...]    reads FILE's lines as flags where it stands:
//                                one flag per line (--name=value), blank
//                                lines and lines starting with # skipped;
//                                flag files may name flag files
//   --config=FILE                a configuration file (below), read before
//                                every flag, so that flags override it
//   --                           ends the flags
// Of a setting given twice the last counts. --help, -h, --helpfull and the
// like ask for help, --version for the version, wherever they stand
// before "--".
//
// Configuration file (--config), for operators to write by hand:
//   # a comment
//   listen = 0.0.0.0:50051
//   jwt_public_keys = /etc/atgard/a.pem,/etc/atgard/b.pem
//   metrics_listen =
// One `name = value` per line, names as the flags' without "--"; the value
// is the rest of the line with surrounding blanks removed (no quoting, so
// "#" inside a value is kept). Blank lines and lines whose first non-blank
// character is "#" are skipped. An unknown name, a line without "=", a
// bad value or a name given twice is an error naming the file and line.
// deploy/atgard.conf.example is one.
//
// Thread-compatible: functions without shared state.
#ifndef ATGARD_SERVICES_SERVER_COMMAND_LINE_H_
#define ATGARD_SERVICES_SERVER_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/server/server_config.h"

namespace atgard::server {

struct Invocation {
  enum class Action {
    kServe,    // start the server with `config`
    kHelp,     // print HelpText() and exit 0
    kVersion,  // print the version and exit 0
  };
  Action action = Action::kServe;
  // The table's defaults, then the configuration file, then the flags.
  // Not validated: see Validate() in server_config.h.
  ServerConfig config;
};

// Reads the arguments after the program name. A help or version flag
// anywhere before "--" wins over everything else, even over errors.
// INVALID_ARGUMENT with a message naming the flag, and the file and line
// for flag and configuration files ("atgard.conf:3: --tls_refresh: ..."),
// for: an unknown flag, a value the setting's type does not read, a value
// missing, a positional argument, --config twice or in a file,
// --only_check_args. NOT_FOUND / PERMISSION_DENIED naming --flagfile or
// --config and the path if a file cannot be read.
[[nodiscard]] absl::StatusOr<Invocation> ParseCommandLine(
    const std::vector<std::string>& args);

// Applies the configuration file `text` (format above) to `config`.
// `source` names it in errors, e.g. the path. INVALID_ARGUMENT
// "<source>:<line>: ..." for the errors above; `config` may then hold the
// lines before the bad one.
[[nodiscard]] absl::Status ApplyConfigFile(absl::string_view text,
                                           absl::string_view source,
                                           ServerConfig& config);

}  // namespace atgard::server

#endif  // ATGARD_SERVICES_SERVER_COMMAND_LINE_H_
