// The settings of atgard-server: one table with each setting's name, type,
// default, allowed range or values, help and when a change takes effect.
// Everything else is derived from it: the defaults of ServerConfig, the
// command-line flags and the configuration file (command_line.h), --help,
// the range checks of Validate() (server_config.h), and README's settings
// table (printed by server_settings_doc, checked by lint.settings_doc).
//
// Adding a setting: a field in ServerConfig and a row in settings.cc; the
// rest follows.
//
// Thread-safe: the table is built once, on first use, and never changes.
#ifndef ATGARD_SERVICES_SERVER_SETTINGS_H_
#define ATGARD_SERVICES_SERVER_SETTINGS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/server/server_config.h"

namespace atgard::server {

// When a changed value takes effect. The settings themselves are read
// once, at start; some name files whose contents are read again.
enum class Reload {
  kRestart,     // at the next start
  kSighup,      // the file it names is read again on SIGHUP
  kTlsRefresh,  // the file it names is read again every --tls_refresh
};

// "restart", "SIGHUP re-reads the file", "re-read every --tls_refresh".
absl::string_view ReloadText(Reload reload);

// One row of the table. Rows are built in settings.cc only.
struct Setting {
  // The flag's name without "--", and the name in a configuration file.
  std::string name;
  // "string", "address", "path", "duration", "integer", "bool", "list",
  // "size", "choice" or "time".
  std::string type;
  // The default, in the form `parse` reads ("" for none).
  std::string default_value;
  // The allowed range or values, e.g. "[1s, 24h]" or "trace, debug, info,
  // warn, error"; "" if every value of the type is allowed.
  std::string allowed;
  std::string help;
  Reload reload = Reload::kRestart;
  // A bool takes `--name` alone and `--noname`.
  bool is_bool = false;

  // Sets the setting's field of `config` from `text`. INVALID_ARGUMENT
  // "--name: ..." if `text` is no value of the type (or, for a choice, not
  // one of the allowed values); `config` is then unchanged. Ranges are left
  // to `check`, so that values set in code are checked the same way.
  std::function<absl::Status(absl::string_view text, ServerConfig& config)>
      parse;
  // INVALID_ARGUMENT naming the setting and the allowed range if the field
  // of `config` is outside it ("--aggregate_cache: -1 is out of range
  // [0, 1000000]"); OK otherwise.
  std::function<absl::Status(const ServerConfig& config)> check;
  // The field of `config` in the form `parse` reads.
  std::function<std::string(const ServerConfig& config)> format;
  // Sets the field of `config` to the default.
  std::function<void(ServerConfig& config)> reset;
};

// Every setting, sorted by name. Lives as long as the program.
const std::vector<Setting>& Settings();

// The setting called `name` (without "--"); null if there is none.
const Setting* FindSetting(absl::string_view name);

// Every setting's `check`, in table order: the first error, or OK.
[[nodiscard]] absl::Status CheckRanges(const ServerConfig& config);

// atgard-server's --help: usage, exit codes, and every setting with its
// default, allowed values, when it takes effect and its help, by name.
std::string HelpText();

// README's settings table (Markdown), one row per setting.
std::string SettingsMarkdown();

}  // namespace atgard::server

#endif  // ATGARD_SERVICES_SERVER_SETTINGS_H_
