// The server's command line, flag files and configuration file.
#include "services/server/command_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/server/settings.h"
#include "tests/support/temp_dir.h"

namespace atgard::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Action = Invocation::Action;

std::string Write(const testing::TempDir& dir, absl::string_view name,
                  absl::string_view text) {
  const std::string path = dir.Join(name);
  std::ofstream(path) << text;
  return path;
}

ServerConfig Parsed(const std::vector<std::string>& args) {
  absl::StatusOr<Invocation> parsed = ParseCommandLine(args);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed.ok() ? parsed->action : Action::kHelp, Action::kServe);
  return parsed.ok() ? parsed->config : ServerConfig();
}

absl::Status Refused(const std::vector<std::string>& args) {
  absl::StatusOr<Invocation> parsed = ParseCommandLine(args);
  EXPECT_FALSE(parsed.ok());
  return parsed.status();
}

// Every setting in every file: the string each setting formats to.
std::vector<std::string> Formatted(const ServerConfig& c) {
  std::vector<std::string> out;
  for (const Setting& s : Settings()) {
    out.push_back(absl::StrCat(s.name, "=", s.format(c)));
  }
  return out;
}

TEST(CommandLine, NoArgumentsGiveTheDefaults) {
  EXPECT_EQ(Formatted(Parsed({})), Formatted(ServerConfig()));
}

TEST(CommandLine, TakesEveryFormTheServerAlwaysTook) {
  ServerConfig c =
      Parsed({"--listen=127.0.0.1:1", "-data_dir=/srv/a", "--backup_dir",
              "/srv/b", "-tls_refresh", "2m", "--dev_auth",
              "--metrics_listen=", "--jwt_public_keys=a.pem,b.pem", "--"});
  EXPECT_EQ(c.listen_address, "127.0.0.1:1");
  EXPECT_EQ(c.data_dir, "/srv/a");
  EXPECT_EQ(c.backup_dir, "/srv/b");
  EXPECT_EQ(c.tls_refresh, absl::Minutes(2));
  EXPECT_TRUE(c.auth.dev_auth);
  EXPECT_EQ(c.metrics_listen, "");
  EXPECT_THAT(c.auth.jwt_public_key_files, ElementsAre("a.pem", "b.pem"));

  EXPECT_FALSE(Parsed({"--dev_auth", "--nodev_auth"}).auth.dev_auth);
  EXPECT_FALSE(Parsed({"--dev_auth", "--dev_auth=false"}).auth.dev_auth);
  EXPECT_TRUE(Parsed({"-dev_auth=yes"}).auth.dev_auth);
  // The last of a flag given twice counts.
  EXPECT_EQ(
      Parsed({"--listen=127.0.0.1:1", "--listen=127.0.0.1:2"}).listen_address,
      "127.0.0.1:2");
}

TEST(CommandLine, HelpAndVersionWinWhereverTheyStand) {
  for (const char* flag : {"--help", "-h", "--help=true", "--helpfull",
                           "-helpshort", "--helpon=server"}) {
    absl::StatusOr<Invocation> parsed =
        ParseCommandLine({"--no_such_flag", flag, "--listen"});
    ASSERT_TRUE(parsed.ok()) << flag << parsed.status();
    EXPECT_EQ(parsed->action, Action::kHelp) << flag;
  }
  EXPECT_EQ(ParseCommandLine({"--version"})->action, Action::kVersion);
  EXPECT_THAT(Refused({"--only_check_args"}).message(),
              HasSubstr("--only_check_args"));
  // After "--" nothing is a flag.
  EXPECT_THAT(Refused({"--", "--help"}).message(),
              HasSubstr("unexpected argument \"--help\""));
}

TEST(CommandLine, RefusesWhatItCannotRead) {
  EXPECT_EQ(Refused({"--no_such_flag=1"}).message(),
            "unknown flag --no_such_flag; see --help");
  EXPECT_THAT(Refused({"--listen"}).message(),
              HasSubstr("--listen needs a value"));
  EXPECT_THAT(Refused({"serve"}).message(),
              HasSubstr("unexpected argument \"serve\""));
  EXPECT_THAT(Refused({"-"}).message(), HasSubstr("unexpected argument"));
  EXPECT_THAT(Refused({"--nolisten"}).message(), HasSubstr("--nolisten"));
  EXPECT_THAT(Refused({"--nodev_auth=true"}).message(),
              HasSubstr("--nodev_auth takes no value"));
  EXPECT_THAT(Refused({"--tls_refresh=soon"}).message(),
              HasSubstr("--tls_refresh: \"soon\" is not a duration"));
  EXPECT_THAT(Refused({"--log_level=chatty"}).message(),
              HasSubstr("--log_level: \"chatty\" is not one of"));
  EXPECT_EQ(Refused({"--config=/nonexistent/atgard.conf"}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(Refused({"--config=/nonexistent/atgard.conf"}).message(),
              HasSubstr("--config"));
}

TEST(CommandLine, ReadsFlagFilesWhereTheyStand) {
  testing::TempDir dir;
  const std::string flags = Write(dir, "atgard.flags",
                                  "# production\n"
                                  "  --listen=127.0.0.1:7\n"
                                  "\n"
                                  "--dev_auth\n"
                                  "--data_dir=/srv/data  \n");
  ServerConfig c =
      Parsed({"--data_dir=/before", absl::StrCat("--flagfile=", flags),
              "--listen=127.0.0.1:8"});
  EXPECT_EQ(c.data_dir, "/srv/data");  // the file overrides what precedes it
  EXPECT_EQ(c.listen_address, "127.0.0.1:8");  // and what follows overrides it
  EXPECT_TRUE(c.auth.dev_auth);

  const std::string nested =
      Write(dir, "nested.flags", absl::StrCat("--flagfile=", flags, "\n"));
  EXPECT_EQ(Parsed({"--flagfile", nested}).data_dir, "/srv/data");

  const std::string bad =
      Write(dir, "bad.flags", "--listen=127.0.0.1:7\n--tls_refresh=soon\n");
  EXPECT_THAT(Refused({absl::StrCat("--flagfile=", bad)}).message(),
              HasSubstr(absl::StrCat(bad, ":2: --tls_refresh: \"soon\"")));
  const std::string loop = Write(
      dir, "loop.flags", absl::StrCat("--flagfile=", dir.Join("loop.flags")));
  EXPECT_THAT(Refused({absl::StrCat("--flagfile=", loop)}).message(),
              HasSubstr("nested deeper"));
}

TEST(ConfigFile, ReadsAGoodFile) {
  ServerConfig c;
  ASSERT_TRUE(ApplyConfigFile("# atgard\n"
                              "listen = 0.0.0.0:50051\r\n"
                              "   tls_refresh=30s\n"
                              "\n"
                              "  # indented comment\n"
                              "jwt_public_keys = /etc/a.pem,/etc/b.pem\n"
                              "metrics_listen =\n"
                              "jwt_issuer = https://idp.example.se/#realm\n"
                              "dev_auth = false\n",
                              "atgard.conf", c)
                  .ok());
  EXPECT_EQ(c.listen_address, "0.0.0.0:50051");
  EXPECT_EQ(c.tls_refresh, absl::Seconds(30));
  EXPECT_THAT(c.auth.jwt_public_key_files,
              ElementsAre("/etc/a.pem", "/etc/b.pem"));
  EXPECT_EQ(c.metrics_listen, "");
  EXPECT_EQ(c.auth.jwt_issuer, "https://idp.example.se/#realm");
  EXPECT_EQ(c.data_dir, "./data");  // not in the file: the default
}

TEST(ConfigFile, NamesTheLineOfAnError) {
  ServerConfig c;
  EXPECT_EQ(ApplyConfigFile("listen = 127.0.0.1:1\n# fine\nlisten_addr = x\n",
                            "/etc/atgard/atgard.conf", c)
                .message(),
            "/etc/atgard/atgard.conf:3: unknown setting \"listen_addr\"; see "
            "atgard-server --help");
  EXPECT_THAT(ApplyConfigFile("--listen = x\n", "a.conf", c).message(),
              HasSubstr("a.conf:1: unknown setting \"--listen\" (names are "
                        "written without --)"));
  EXPECT_THAT(ApplyConfigFile("\ntls_refresh = soon\n", "a.conf", c).message(),
              HasSubstr("a.conf:2: --tls_refresh: \"soon\" is not a duration"));
  EXPECT_THAT(ApplyConfigFile("dev_auth\n", "a.conf", c).message(),
              HasSubstr("a.conf:1: expected `name = value`"));
  EXPECT_THAT(ApplyConfigFile("config = other.conf\n", "a.conf", c).message(),
              HasSubstr("a.conf:1: unknown setting \"config\""));
  EXPECT_EQ(ApplyConfigFile("data_dir = /a\n\ndata_dir = /b\n", "a.conf", c)
                .message(),
            "a.conf:3: data_dir is already set on line 1");
  // Ranges are Validate()'s, for the file and the flags alike.
  ServerConfig ranged;
  ASSERT_TRUE(ApplyConfigFile("aggregate_cache = -1\n", "a.conf", ranged).ok());
  EXPECT_THAT(Validate(ranged).message(),
              HasSubstr("--aggregate_cache: -1 is out of range [0, 1000000]"));
}

TEST(ConfigFile, FlagsOverrideTheFile) {
  testing::TempDir dir;
  const std::string conf = Write(dir, "atgard.conf",
                                 "listen = 127.0.0.1:1\n"
                                 "data_dir = /srv/file\n"
                                 "dev_auth = true\n");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{absl::StrCat("--config=", conf),
                                 "--listen=127.0.0.1:2", "--nodev_auth"},
        std::vector<std::string>{"--listen=127.0.0.1:2", "--nodev_auth",
                                 "--config", conf}}) {
    ServerConfig c = Parsed(args);
    EXPECT_EQ(c.listen_address, "127.0.0.1:2");
    EXPECT_FALSE(c.auth.dev_auth);
    EXPECT_EQ(c.data_dir, "/srv/file");
  }
  // Flag files are flags: they override the configuration file too.
  const std::string flags = Write(dir, "a.flags", "--data_dir=/srv/flags\n");
  EXPECT_EQ(Parsed({absl::StrCat("--flagfile=", flags),
                    absl::StrCat("--config=", conf)})
                .data_dir,
            "/srv/flags");

  EXPECT_THAT(Refused({absl::StrCat("--config=", conf),
                       absl::StrCat("--config=", conf)})
                  .message(),
              HasSubstr("--config is given twice"));
  const std::string with_config =
      Write(dir, "b.flags", absl::StrCat("--config=", conf, "\n"));
  EXPECT_THAT(Refused({absl::StrCat("--flagfile=", with_config)}).message(),
              HasSubstr(absl::StrCat(with_config,
                                     ":1: --config is read from the command "
                                     "line only")));
  const std::string bad = Write(dir, "bad.conf", "dev_auth = maybe\n");
  EXPECT_THAT(Refused({absl::StrCat("--config=", bad)}).message(),
              HasSubstr(absl::StrCat(bad, ":1: --dev_auth: \"maybe\"")));
}

// The shipped examples: valid, and saying the same in both forms.
TEST(ConfigFile, TheDeployExamplesAgree) {
  const std::string deploy = absl::StrCat(ATGARD_SOURCE_DIR, "/deploy/");
  const ServerConfig conf =
      Parsed({absl::StrCat("--config=", deploy, "atgard.conf.example")});
  const ServerConfig flags =
      Parsed({absl::StrCat("--flagfile=", deploy, "atgard.flags.example")});
  EXPECT_EQ(Formatted(conf), Formatted(flags));
  EXPECT_NE(Formatted(conf), Formatted(ServerConfig()));
  EXPECT_TRUE(Validate(conf).ok()) << Validate(conf);
  EXPECT_EQ(conf.listen_address, "0.0.0.0:50051");
}

}  // namespace
}  // namespace atgard::server
