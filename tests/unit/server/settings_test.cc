// The settings table: defaults, ranges, help and README's table all come
// from it.
#include "services/server/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/auth/authenticator.h"
#include "services/server/server_config.h"

namespace atgard::server {
namespace {

using ::testing::HasSubstr;

// The defaults with one way to authenticate, which has no default.
ServerConfig Configured() {
  ServerConfig c;
  c.auth.jwt_issuer = "https://idp.example.se";
  c.auth.jwt_jwks_file = "jwks.json";
  return c;
}

TEST(Settings, EveryRowIsComplete) {
  std::set<std::string> names;
  std::string previous;
  for (const Setting& s : Settings()) {
    EXPECT_FALSE(s.name.empty());
    EXPECT_FALSE(s.type.empty()) << s.name;
    EXPECT_FALSE(s.help.empty()) << s.name;
    EXPECT_TRUE(s.parse && s.check && s.format && s.reset) << s.name;
    EXPECT_LT(previous, s.name) << "sorted by name, each once";
    previous = s.name;
    EXPECT_EQ(FindSetting(s.name), &s);
  }
  EXPECT_EQ(FindSetting("no_such_setting"), nullptr);
  EXPECT_EQ(FindSetting("--listen"), nullptr);
}

TEST(Settings, EveryDefaultMatchesTheTable) {
  const ServerConfig defaults;
  for (const Setting& s : Settings()) {
    EXPECT_EQ(s.format(defaults), s.default_value) << s.name;
    EXPECT_TRUE(s.check(defaults).ok()) << s.name << ": " << s.check(defaults);
    // The default reads back as itself, so --help and README show a value
    // that the server takes.
    ServerConfig c;
    ASSERT_TRUE(s.parse(s.default_value, c).ok()) << s.name;
    EXPECT_EQ(s.format(c), s.default_value) << s.name;
  }
}

// The values operators and the deployment files rely on.
TEST(Settings, DefaultsAreTheDocumentedOnes) {
  const ServerConfig c;
  EXPECT_EQ(c.listen_address, "127.0.0.1:50051");
  EXPECT_EQ(c.data_dir, "./data");
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:9464");
  EXPECT_EQ(c.health_listen, "");
  EXPECT_EQ(c.backup_dir, "");
  EXPECT_EQ(c.tls_refresh, absl::Minutes(1));
  EXPECT_EQ(c.shutdown_grace, absl::Seconds(10));
  EXPECT_EQ(c.drain_delay, absl::ZeroDuration());
  EXPECT_EQ(c.deadline_interval, absl::Minutes(5));
  EXPECT_EQ(c.aggregate_cache, 10000);
  EXPECT_EQ(c.disk_reserve, eventstore::DiskReserve::Default());
  EXPECT_EQ(c.log_level, log::Level::kInfo);
  EXPECT_EQ(c.log_format, log::Format::kAuto);
  EXPECT_EQ(c.auth.jwt_audience, "atgard");
  EXPECT_EQ(c.auth.jwt_leeway, absl::Seconds(60));
  EXPECT_TRUE(c.auth.jwt_public_key_files.empty());
  EXPECT_FALSE(c.auth.dev_auth);
}

// AuthConfig, built without the server, has the table's defaults too.
TEST(Settings, AuthenticationDefaultsAgreeWithTheTable) {
  const auth::AuthConfig a;
  EXPECT_EQ(a.jwt_audience, FindSetting("jwt_audience")->default_value);
  EXPECT_EQ(absl::FormatDuration(a.jwt_leeway),
            FindSetting("jwt_leeway")->default_value);
  // The flag names authentication errors use are settings.
  for (const char* flag :
       {auth::kFlagJwtIssuer, auth::kFlagJwtAudience, auth::kFlagJwtPublicKeys,
        auth::kFlagJwtJwks, auth::kFlagJwtLeeway, auth::kFlagJwtClaimMap,
        auth::kFlagMtlsPrincipals, auth::kFlagDevAuth}) {
    EXPECT_NE(FindSetting(absl::string_view(flag).substr(2)), nullptr) << flag;
  }
}

struct OutOfRange {
  const char* setting;
  const char* value;
  const char* message;
};

TEST(Settings, OutOfRangeValuesAreRefusedByName) {
  for (const OutOfRange& bad : std::initializer_list<OutOfRange>{
           {"aggregate_cache", "-1",
            "--aggregate_cache: -1 is out of range [0, 1000000]"},
           {"aggregate_cache", "1000001",
            "--aggregate_cache: 1000001 is out of range [0, 1000000]"},
           {"tls_refresh", "999ms",
            "--tls_refresh: 999ms is out of range [1s, 24h]"},
           {"tls_refresh", "25h",
            "--tls_refresh: 25h is out of range [1s, 24h]"},
           {"deadline_interval", "0",
            "--deadline_interval: 0 is out of range [1s, inf)"},
           {"shutdown_grace", "-1s",
            "--shutdown_grace: -1s is out of range [0, inf)"},
           {"drain_delay", "-5s",
            "--drain_delay: -5s is out of range [0, inf)"},
           {"jwt_leeway", "11m", "--jwt_leeway: 11m is out of range [0, 10m]"},
           {"jwt_leeway", "-1s", "--jwt_leeway: -1s is out of range [0, 10m]"},
           {"data_dir", "", "--data_dir: must not be empty"},
           {"listen", "", "--listen"},
           {"listen", "50051", "--listen \"50051\" must be host:port"},
           {"health_listen", "[::1]8081", "--health_listen"},
       }) {
    const Setting* s = FindSetting(bad.setting);
    ASSERT_NE(s, nullptr) << bad.setting;
    ServerConfig c = Configured();
    ASSERT_TRUE(s->parse(bad.value, c).ok()) << bad.setting;
    const absl::Status status = Validate(c);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << bad.setting << "=" << bad.value;
    EXPECT_THAT(status.message(), HasSubstr(bad.message));
    EXPECT_EQ(CheckRanges(c).message(), status.message());
  }
}

TEST(Settings, RangeBoundsAreAllowed) {
  for (const auto& [setting, value] :
       std::initializer_list<std::pair<const char*, const char*>>{
           {"aggregate_cache", "0"},
           {"aggregate_cache", "1000000"},
           {"tls_refresh", "1s"},
           {"tls_refresh", "24h"},
           {"deadline_interval", "1s"},
           {"shutdown_grace", "0"},
           {"jwt_leeway", "0"},
           {"jwt_leeway", "10m"},
           {"health_listen", ""},
           {"metrics_listen", ""}}) {
    ServerConfig c = Configured();
    ASSERT_TRUE(FindSetting(setting)->parse(value, c).ok()) << setting;
    EXPECT_TRUE(Validate(c).ok())
        << setting << "=" << value << ": " << Validate(c);
  }
}

TEST(Settings, ValuesOfAnotherTypeAreRefusedByName) {
  for (const auto& [setting, value] :
       std::initializer_list<std::pair<const char*, const char*>>{
           {"aggregate_cache", "many"},
           {"aggregate_cache", "1.5"},
           {"tls_refresh", "soon"},
           {"tls_refresh", "10"},
           {"dev_auth", "maybe"},
           {"dev_auth", ""},
           {"disk_reserve", "lots"},
           {"log_level", "chatty"},
           {"log_format", "xml"}}) {
    ServerConfig c;
    const ServerConfig before = c;
    const absl::Status status = FindSetting(setting)->parse(value, c);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << setting;
    EXPECT_THAT(status.message(), HasSubstr(absl::StrCat("--", setting, ": ")));
    EXPECT_EQ(FindSetting(setting)->format(c),
              FindSetting(setting)->format(before))
        << "unchanged after a refused value";
  }
  ServerConfig c;
  EXPECT_EQ(FindSetting("log_level")->parse("chatty", c).message(),
            "--log_level: \"chatty\" is not one of trace, debug, info, warn, "
            "error");
}

TEST(Settings, ValuesAreReadByType) {
  ServerConfig c;
  ASSERT_TRUE(FindSetting("tls_refresh")->parse("1h30m", c).ok());
  EXPECT_EQ(c.tls_refresh, absl::Minutes(90));
  ASSERT_TRUE(FindSetting("dev_auth")->parse("true", c).ok());
  EXPECT_TRUE(c.auth.dev_auth);
  ASSERT_TRUE(FindSetting("jwt_public_keys")->parse("a.pem,b.pem", c).ok());
  EXPECT_THAT(c.auth.jwt_public_key_files,
              ::testing::ElementsAre("a.pem", "b.pem"));
  ASSERT_TRUE(FindSetting("jwt_public_keys")->parse("", c).ok());
  EXPECT_TRUE(c.auth.jwt_public_key_files.empty());
  ASSERT_TRUE(FindSetting("disk_reserve")->parse("512MiB", c).ok());
  EXPECT_EQ(c.disk_reserve, eventstore::DiskReserve::Bytes(512ull << 20));
  ASSERT_TRUE(FindSetting("log_format")->parse("text", c).ok());
  EXPECT_EQ(c.log_format, log::Format::kText);
  ASSERT_TRUE(FindSetting("aggregate_cache")->parse("0", c).ok());
  EXPECT_EQ(c.aggregate_cache, 0);
}

TEST(Settings, HelpListsEverySetting) {
  const std::string help = HelpText();
  for (const Setting& s : Settings()) {
    const std::string flag = absl::StrCat("\n  --", s.name);
    EXPECT_THAT(
        help, HasSubstr(s.default_value.empty()
                            ? absl::StrCat(flag, "  (")
                            : absl::StrCat(flag, "=", s.default_value, "  (")));
    if (!s.allowed.empty()) {
      EXPECT_THAT(help, HasSubstr(s.allowed.substr(0, 12))) << s.name;
    }
  }
  EXPECT_THAT(help, HasSubstr("--flagfile="));
  EXPECT_THAT(help, HasSubstr("--config="));
  EXPECT_THAT(help, HasSubstr("Reload: SIGHUP re-reads the file."));
}

TEST(Settings, MarkdownHasARowPerSetting) {
  const std::string table = SettingsMarkdown();
  size_t rows = 0;
  for (size_t at = table.find("\n| `--"); at != std::string::npos;
       at = table.find("\n| `--", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, Settings().size());
  EXPECT_THAT(table, HasSubstr("| `--aggregate_cache` | integer | `10000` | "
                               "[0, 1000000] | restart |"));
  EXPECT_THAT(table, HasSubstr("| `--jwt_jwks` | path |  |  | SIGHUP"));
}

}  // namespace
}  // namespace atgard::server
