#include "services/server/settings.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/authenticator.h"
#include "services/common/clock.h"

namespace atgard::server {
namespace {

// A field of ServerConfig, directly or inside its AuthConfig, so that one
// row builder serves both. Implicit, so that a row names its field as
// &ServerConfig::listen_address or &auth::AuthConfig::jwt_issuer.
template <typename T>
class Field {
 public:
  Field(T ServerConfig::*field) : top_(field) {}
  Field(T auth::AuthConfig::*field) : auth_(field) {}
  T& operator()(ServerConfig& c) const {
    return top_ ? c.*top_ : c.auth.*auth_;
  }
  const T& operator()(const ServerConfig& c) const {
    return top_ ? c.*top_ : c.auth.*auth_;
  }

 private:
  T ServerConfig::*top_ = nullptr;
  T auth::AuthConfig::*auth_ = nullptr;
};

std::string Flag(absl::string_view name) { return absl::StrCat("--", name); }

absl::Status Invalid(absl::string_view name, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(Flag(name), ": ", message));
}

// The parts every row shares; the builders below add type, range and the
// functions.
struct Row {
  const char* name;
  Reload reload;
  const char* help;
};

template <typename T>
Setting Make(const Row& row, const char* type, Field<T> field, T default_value,
             std::function<std::string(const T&)> format) {
  Setting s;
  s.name = row.name;
  s.type = type;
  s.help = row.help;
  s.reload = row.reload;
  s.default_value = format(default_value);
  s.format = [field, format](const ServerConfig& c) {
    return format(field(c));
  };
  s.reset = [field, default_value](ServerConfig& c) {
    field(c) = default_value;
  };
  s.check = [](const ServerConfig&) { return absl::OkStatus(); };
  return s;
}

std::string Verbatim(const std::string& s) { return s; }

// Any string; `required` refuses the empty one.
Setting Text(const Row& row, const char* type, Field<std::string> field,
             std::string default_value, bool required = false) {
  Setting s =
      Make<std::string>(row, type, field, std::move(default_value), Verbatim);
  s.parse = [field](absl::string_view text, ServerConfig& c) {
    field(c) = std::string(text);
    return absl::OkStatus();
  };
  if (required) {
    s.allowed = "not empty";
    s.check = [field, name = s.name](const ServerConfig& c) {
      return field(c).empty() ? Invalid(name, "must not be empty")
                              : absl::OkStatus();
    };
  }
  return s;
}

// A listen address: host:port, [ipv6]:port or unix:/path; empty turns the
// listener off unless `required`.
Setting Address(const Row& row, Field<std::string> field,
                std::string default_value, bool required) {
  Setting s = Text(row, "address", field, std::move(default_value));
  s.allowed = required ? "host:port, [ipv6]:port or unix:/path"
                       : "empty (off), host:port, [ipv6]:port or unix:/path";
  s.check = [field, required, name = s.name](const ServerConfig& c) {
    if (field(c).empty() && !required) return absl::OkStatus();
    return ListenHost(field(c), Flag(name)).status();
  };
  return s;
}

Setting Duration(const Row& row, Field<absl::Duration> field,
                 absl::Duration default_value, absl::Duration min,
                 absl::Duration max) {
  Setting s = Make<absl::Duration>(row, "duration", field, default_value,
                                   absl::FormatDuration);
  s.allowed = max == absl::InfiniteDuration()
                  ? absl::StrCat("[", absl::FormatDuration(min), ", inf)")
                  : absl::StrCat("[", absl::FormatDuration(min), ", ",
                                 absl::FormatDuration(max), "]");
  s.parse = [field, name = s.name](absl::string_view text, ServerConfig& c) {
    absl::Duration d;
    if (!absl::ParseDuration(text, &d)) {
      return Invalid(name, absl::StrCat("\"", text,
                                        "\" is not a duration (such as 500ms, "
                                        "10s, 5m or 1h30m)"));
    }
    field(c) = d;
    return absl::OkStatus();
  };
  s.check = [field, min, max, name = s.name,
             allowed = s.allowed](const ServerConfig& c) {
    const absl::Duration d = field(c);
    if (d < min || (max != absl::InfiniteDuration() && d > max)) {
      return Invalid(name, absl::StrCat(absl::FormatDuration(d),
                                        " is out of range ", allowed));
    }
    return absl::OkStatus();
  };
  return s;
}

Setting Integer(const Row& row, Field<int64_t> field, int64_t default_value,
                int64_t min, int64_t max) {
  Setting s = Make<int64_t>(row, "integer", field, default_value,
                            [](const int64_t& v) { return absl::StrCat(v); });
  s.allowed = absl::StrCat("[", min, ", ", max, "]");
  s.parse = [field, name = s.name](absl::string_view text, ServerConfig& c) {
    int64_t v = 0;
    if (!absl::SimpleAtoi(text, &v)) {
      return Invalid(name, absl::StrCat("\"", text, "\" is not an integer"));
    }
    field(c) = v;
    return absl::OkStatus();
  };
  s.check = [field, min, max, name = s.name,
             allowed = s.allowed](const ServerConfig& c) {
    const int64_t v = field(c);
    if (v < min || v > max) {
      return Invalid(name, absl::StrCat(v, " is out of range ", allowed));
    }
    return absl::OkStatus();
  };
  return s;
}

Setting Bool(const Row& row, Field<bool> field, bool default_value) {
  Setting s = Make<bool>(row, "bool", field, default_value,
                         [](const bool& v) { return v ? "true" : "false"; });
  s.is_bool = true;
  s.parse = [field, name = s.name](absl::string_view text, ServerConfig& c) {
    bool v = false;
    if (!absl::SimpleAtob(text, &v)) {
      return Invalid(name, absl::StrCat("\"", text, "\" is not true or false"));
    }
    field(c) = v;
    return absl::OkStatus();
  };
  return s;
}

// Comma-separated; empty for none.
Setting List(const Row& row, Field<std::vector<std::string>> field) {
  Setting s = Make<std::vector<std::string>>(
      row, "list", field, {},
      [](const std::vector<std::string>& v) { return absl::StrJoin(v, ","); });
  s.parse = [field](absl::string_view text, ServerConfig& c) {
    field(c) = text.empty()
                   ? std::vector<std::string>()
                   : std::vector<std::string>(absl::StrSplit(text, ','));
    return absl::OkStatus();
  };
  return s;
}

Setting Reserve(const Row& row, Field<eventstore::DiskReserve> field) {
  Setting s = Make<eventstore::DiskReserve>(
      row, "size", field, eventstore::DiskReserve::Default(),
      [](const eventstore::DiskReserve& r) { return r.ToString(); });
  s.allowed = "a size (1GiB, 512MiB), a share (5%), min(size,share) or 0";
  s.parse = [field, name = s.name](absl::string_view text, ServerConfig& c) {
    absl::StatusOr<eventstore::DiskReserve> r =
        eventstore::DiskReserve::Parse(text);
    if (!r.ok()) return Invalid(name, r.status().message());
    field(c) = *r;
    return absl::OkStatus();
  };
  return s;
}

// One of a fixed set of words, each standing for a value of E.
template <typename E>
Setting Choice(const Row& row, Field<E> field, E default_value,
               std::vector<std::pair<std::string, E>> values) {
  auto format = [values](const E& v) {
    for (const auto& [text, value] : values) {
      if (value == v) return text;
    }
    return std::string("?");
  };
  Setting s = Make<E>(row, "choice", field, default_value, format);
  std::vector<std::string> words;
  for (const auto& [text, value] : values) words.push_back(text);
  s.allowed = absl::StrJoin(words, ", ");
  s.parse = [field, values, name = s.name, allowed = s.allowed](
                absl::string_view text, ServerConfig& c) {
    for (const auto& [word, value] : values) {
      if (word == text) {
        field(c) = value;
        return absl::OkStatus();
      }
    }
    return Invalid(name,
                   absl::StrCat("\"", text, "\" is not one of ", allowed));
  };
  return s;
}

std::vector<Setting> BuildTable() {
  using R = Reload;
  using SC = ServerConfig;
  using AC = auth::AuthConfig;
  std::vector<Setting> t;
  // Where the server listens.
  t.push_back(
      Address({"listen", R::kRestart,
               "gRPC address to listen on. Port 0 picks a free port (see "
               "--port_file). Any address other machines can reach requires "
               "--tls_cert and --tls_key."},
              &SC::listen_address, "127.0.0.1:50051", /*required=*/true));
  t.push_back(Address(
      {"health_listen", R::kRestart,
       "Serves only the standard gRPC health service, in plaintext even off "
       "loopback (it tells nothing but whether the server serves), for "
       "probes without TLS such as the kubelet's. Port 0 picks a free port "
       "(see --port_file); it must be another address than --listen."},
      &SC::health_listen, "", /*required=*/false));
  t.push_back(
      Text({"metrics_listen", R::kRestart,
            "host:port serving Prometheus metrics at /metrics (port 0 picks a "
            "free port; empty turns metrics off)."},
           "address", &SC::metrics_listen, "127.0.0.1:9464"));
  t.push_back(
      Text({"port_file", R::kRestart,
            "If set, once serving the bound gRPC port is written to this file, "
            "on a second line the metrics port and on a third the health port "
            "(0 when off)."},
           "path", &SC::port_file, ""));
  // TLS.
  t.push_back(Text({"tls_cert", R::kTlsRefresh,
                    "PEM file with the server certificate chain. Enables "
                    "TLS; needs --tls_key."},
                   "path", &SC::tls_cert_file, ""));
  t.push_back(Text({"tls_key", R::kTlsRefresh,
                    "PEM file with the private key of --tls_cert."},
                   "path", &SC::tls_key_file, ""));
  t.push_back(
      Text({"tls_client_ca", R::kTlsRefresh,
            "PEM file with the CA(s) that sign client certificates. When "
            "set, every client must present a valid certificate (mutual "
            "TLS). Needs --tls_cert and --tls_key."},
           "path", &SC::tls_client_ca_file, ""));
  t.push_back(Duration(
      {"tls_refresh", R::kRestart,
       "How often --tls_cert, --tls_key and --tls_client_ca are read again: "
       "renewed certificates take effect without a restart. A pair that "
       "does not match is ignored until it does."},
      &SC::tls_refresh, absl::Minutes(1), absl::Seconds(1), absl::Hours(24)));
  // The store.
  t.push_back(
      Text({"data_dir", R::kRestart,
            "Directory of the event store (RocksDB). Created if missing; a "
            "non-empty directory that is not an atgard store is refused."},
           "path", &SC::data_dir, "./data", /*required=*/true));
  t.push_back(Reserve(
      {"disk_reserve", R::kRestart,
       "Free space to leave on the file system of --data_dir: appends that "
       "would go below it are refused (RESOURCE_EXHAUSTED) until space is "
       "freed, then taken again. 0 turns it off."},
      &SC::disk_reserve));
  t.push_back(
      Text({"backup_dir", R::kRestart,
            "Directory for online backups taken with `atgardctl backup` "
            "(OPERATOR); empty turns backups off. Keep it on another disk; it "
            "must not be --data_dir."},
           "path", &SC::backup_dir, ""));
  t.push_back(Integer(
      {"aggregate_cache", R::kRestart,
       "How many aggregate states to keep in memory (checked against the "
       "store on every use); 0 turns the cache off."},
      &SC::aggregate_cache, 10000, 0, 1000000));
  t.push_back(
      Duration({"deadline_interval", R::kRestart,
                "How often the deadline scheduler appends overdue events."},
               &SC::deadline_interval, absl::Minutes(5), absl::Seconds(1),
               absl::InfiniteDuration()));
  // Shutdown.
  t.push_back(Duration(
      {"shutdown_grace", R::kRestart,
       "After SIGTERM/SIGINT, how long in-flight calls may still finish "
       "before they are cancelled (e.g. 10s, 500ms)."},
      &SC::shutdown_grace, absl::Seconds(10), absl::ZeroDuration(),
      absl::InfiniteDuration()));
  t.push_back(Duration(
      {"drain_delay", R::kRestart,
       "After SIGTERM/SIGINT, how long to keep accepting calls while health "
       "reports NOT_SERVING, so load balancers stop sending first."},
      &SC::drain_delay, absl::ZeroDuration(), absl::ZeroDuration(),
      absl::InfiniteDuration()));
  // The log.
  t.push_back(Choice<log::Level>(
      {"log_level", R::kRestart, "Least severe log level written."},
      &SC::log_level, log::Level::kInfo,
      {{"trace", log::Level::kTrace},
       {"debug", log::Level::kDebug},
       {"info", log::Level::kInfo},
       {"warn", log::Level::kWarn},
       {"error", log::Level::kError}}));
  t.push_back(Choice<log::Format>(
      {"log_format", R::kRestart,
       "Log line format: auto is JSON unless stdout is a terminal."},
      &SC::log_format, log::Format::kAuto,
      {{"auto", log::Format::kAuto},
       {"json", log::Format::kJson},
       {"text", log::Format::kText}}));
  // Bearer tokens.
  t.push_back(Text({"jwt_issuer", R::kRestart,
                    "Bearer tokens: the required issuer (iss). Needs "
                    "--jwt_public_keys or --jwt_jwks."},
                   "string", &AC::jwt_issuer, ""));
  t.push_back(Text({"jwt_audience", R::kRestart,
                    "Bearer tokens: the audience (aud) they must name."},
                   "string", &AC::jwt_audience, auth::kDefaultJwtAudience));
  t.push_back(List({"jwt_public_keys", R::kSighup,
                    "Bearer tokens: comma-separated PEM files with RSA "
                    "(RS256) or EC P-256 (ES256) public keys."},
                   &AC::jwt_public_key_files));
  t.push_back(Text({"jwt_jwks", R::kSighup,
                    "Bearer tokens: a JWKS file with the signing keys."},
                   "path", &AC::jwt_jwks_file, ""));
  t.push_back(Duration({"jwt_leeway", R::kRestart,
                        "Bearer tokens: clock skew allowed for exp and nbf."},
                       &AC::jwt_leeway, auth::kDefaultJwtLeeway,
                       absl::ZeroDuration(), absl::Minutes(10)));
  t.push_back(Text(
      {"jwt_claim_map", R::kSighup,
       "Bearer tokens: a JSON file that maps the claims of identity "
       "providers' tokens (Entra ID, Inera) to principals, per issuer; its "
       "issuers are trusted besides --jwt_issuer (see "
       "deploy/claim-map.example.json)."},
      "path", &AC::jwt_claim_map_file, ""));
  // Client certificates and development tokens.
  t.push_back(
      Text({"mtls_principals", R::kSighup,
            "Mutual TLS: JSON file mapping client certificates to principals "
            "(see deploy/principals.example.json). Needs --tls_client_ca."},
           "path", &AC::mtls_principals_file, ""));
  t.push_back(Bool({"dev_auth", R::kRestart,
                    "Development only, loopback only: trust tokens minted "
                    "by `atgardctl dev-token` with the key in "
                    "`<data_dir>.dev-auth`. Refused with any --jwt_* or "
                    "--mtls_principals setting."},
                   &AC::dev_auth, false));
  Setting dev_clock = Text(
      {"dev_clock", R::kRestart,
       "Development only, needs --dev_auth: the workflow's clock starts at "
       "this day (midnight UTC) or RFC 3339 instant and runs on at real "
       "speed; OperatorService.SetDevelopmentClock moves it forward. Empty "
       "is the system clock."},
      "time", &SC::dev_clock, "");
  dev_clock.allowed =
      "empty, a day (2026-01-15) or an instant "
      "(2026-01-15T08:00:00Z)";
  dev_clock.check = [](const ServerConfig& c) {
    if (c.dev_clock.empty()) return absl::OkStatus();
    absl::StatusOr<absl::Time> start = ParseClockStart(c.dev_clock);
    return start.ok() ? absl::OkStatus()
                      : Invalid("dev_clock", start.status().message());
  };
  t.push_back(std::move(dev_clock));
  std::sort(t.begin(), t.end(),
            [](const Setting& a, const Setting& b) { return a.name < b.name; });
  return t;
}

// Wraps `text` at `width` columns, each line indented by `indent` spaces.
std::string Wrap(absl::string_view text, size_t indent, size_t width) {
  std::string out;
  size_t column = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (column > 0 && column + 1 + word.size() > width) {
      out.push_back('\n');
      column = 0;
    }
    if (column == 0) {
      out.append(indent, ' ');
      column = indent;
    } else {
      out.push_back(' ');
      ++column;
    }
    absl::StrAppend(&out, word);
    column += word.size();
  }
  return out;
}

// A Markdown table cell: no line breaks, no unescaped column separators.
std::string Cell(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}});
}

}  // namespace

absl::string_view ReloadText(Reload reload) {
  switch (reload) {
    case Reload::kRestart:
      return "restart";
    case Reload::kSighup:
      return "SIGHUP re-reads the file";
    case Reload::kTlsRefresh:
      return "re-read every --tls_refresh";
  }
  return "restart";
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting>* const kTable =
      new std::vector<Setting>(BuildTable());
  return *kTable;
}

const Setting* FindSetting(absl::string_view name) {
  for (const Setting& s : Settings()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

absl::Status CheckRanges(const ServerConfig& config) {
  for (const Setting& s : Settings()) RETURN_IF_ERROR(s.check(config));
  return absl::OkStatus();
}

ServerConfig::ServerConfig() {
  for (const Setting& s : Settings()) s.reset(*this);
}

std::string HelpText() {
  std::string out =
      "Usage: atgard-server [--config=FILE] [--flag=value ...]\n\n"
      "The event-sourced workflow server for municipal quality follow-up\n"
      "(åtgärdsplaner). Serves gRPC, with health checking and server\n"
      "reflection, on --listen and keeps its event store in --data_dir.\n"
      "SIGTERM or SIGINT drains and stops it; SIGHUP re-reads the JWT keys,\n"
      "the JWKS file, the claim map and the mTLS principal map.\n\n"
      "Settings come from the flags below (--name=value, or --name value;\n"
      "a bool also as --name or --noname), from a flag file with one flag\n"
      "per line (--flagfile=/etc/atgard/atgard.flags), and from a\n"
      "configuration file with one `name = value` per line and # comments\n"
      "(--config=/etc/atgard/atgard.conf). Flags on the command line\n"
      "override the configuration file; of a flag given twice, the last\n"
      "counts.\n\n"
      "Exit codes: 0 stopped cleanly, 1 could not start or run, 2 a\n"
      "configuration error (a flag, a file it names, the data directory).\n\n"
      "Flags:\n";
  for (const Setting& s : Settings()) {
    absl::StrAppend(&out, "  --", s.name);
    if (!s.default_value.empty()) absl::StrAppend(&out, "=", s.default_value);
    absl::StrAppend(&out, "  (", s.type, ")\n", Wrap(s.help, 6, 78), "\n");
    std::string facts;
    if (!s.allowed.empty())
      absl::StrAppend(&facts, "Allowed: ", s.allowed, ".");
    if (s.reload != Reload::kRestart) {
      absl::StrAppend(&facts, facts.empty() ? "" : " ",
                      "Reload: ", ReloadText(s.reload), ".");
    }
    if (!facts.empty()) absl::StrAppend(&out, Wrap(facts, 6, 78), "\n");
  }
  absl::StrAppend(&out,
                  "\nExample, on your own machine (see README.md):\n"
                  "  atgard-server --dev_auth --listen=127.0.0.1:50051 "
                  "--data_dir=./data\n");
  return out;
}

std::string SettingsMarkdown() {
  std::string out =
      "| setting | type | default | allowed | takes effect | what it does "
      "|\n|---|---|---|---|---|---|\n";
  for (const Setting& s : Settings()) {
    absl::StrAppend(
        &out, "| `--", s.name, "` | ", s.type, " | ",
        s.default_value.empty() ? "" : absl::StrCat("`", s.default_value, "`"),
        " | ", Cell(s.allowed), " | ", ReloadText(s.reload), " | ",
        Cell(s.help), " |\n");
  }
  return out;
}

}  // namespace atgard::server
