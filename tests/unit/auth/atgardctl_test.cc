// Runs the atgardctl binary as an operator would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "services/auth/dev_tokens.h"
#include "services/auth/jwt_verifier.h"
#include "tests/integration/eventstore/damage_util.h"
#include "tests/support/temp_dir.h"

#ifndef ATGARD_ATGARDCTL_PATH
#error "ATGARD_ATGARDCTL_PATH must name the atgardctl binary"
#endif

namespace atgard::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Arguments are passed through the shell in single quotes; the tests use
// none that contain one.
CommandResult Atgardctl(const testing::TempDir& dir,
                        const std::vector<std::string>& args) {
  const std::string err_file = dir.Join("stderr");
  std::string command = absl::StrCat("'", ATGARD_ATGARDCTL_PATH, "'");
  for (const std::string& a : args) absl::StrAppend(&command, " '", a, "'");
  absl::StrAppend(&command, " 2>'", err_file, "'");
  CommandResult run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
    run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::ostringstream err;
  err << in.rdbuf();
  run.err = err.str();
  return run;
}

TEST(Atgardctl, DevTokenPrintsATokenTheDevVerifierAccepts) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  // The server creates the key when it starts with --dev_auth.
  ASSERT_TRUE(LoadOrCreateDevKey(data_dir).ok());
  const CommandResult run =
      Atgardctl(dir, {"dev-token", "--data_dir=" + data_dir, "--role=PROVIDER",
                      "--tenant=0780", "--provider_id=omsorg-ab",
                      "--subject=bo", "--ttl=30m"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(absl::EndsWith(run.out, "\n"));
  const std::string token(absl::StripTrailingAsciiWhitespace(run.out));
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);

  absl::StatusOr<JwtVerifierConfig> config = DevVerifierConfig(data_dir);
  ASSERT_TRUE(config.ok()) << config.status();
  config->leeway = absl::ZeroDuration();
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v = JwtVerifier::Create(*config);
  ASSERT_TRUE(v.ok());
  absl::StatusOr<domain::Principal> p = (*v)->Verify(token);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->subject, "bo");
  EXPECT_EQ(p->role, v1::ROLE_PROVIDER);
  EXPECT_EQ(p->tenant, "0780");
  EXPECT_EQ(p->provider_id, "omsorg-ab");

  // --ttl=30m took effect: 31 minutes later the token has expired.
  config->clock = [] { return absl::Now() + absl::Minutes(31); };
  v = JwtVerifier::Create(*std::move(config));
  ASSERT_TRUE(v.ok());
  EXPECT_THAT((*v)->Verify(token).status().message(), HasSubstr("expired"));
}

// --area puts the "area" claim in a care director's token.
TEST(Atgardctl, DevTokenNamesACareDirectorsArea) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  ASSERT_TRUE(LoadOrCreateDevKey(data_dir).ok());
  const CommandResult run = Atgardctl(
      dir, {"dev-token", "--data_dir=" + data_dir, "--role=CARE_DIRECTOR",
            "--tenant=0780", "--area=norra", "--subject=eva"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  absl::StatusOr<JwtVerifierConfig> config = DevVerifierConfig(data_dir);
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v = JwtVerifier::Create(*config);
  ASSERT_TRUE(v.ok());
  absl::StatusOr<domain::Principal> p =
      (*v)->Verify(std::string(absl::StripTrailingAsciiWhitespace(run.out)));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->role, v1::ROLE_CARE_DIRECTOR);
  EXPECT_EQ(p->area_id, "norra");
}

TEST(Atgardctl, DevTokenWithoutTheServersKeyIsAUsageErrorNamingThePath) {
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  const CommandResult run =
      Atgardctl(dir, {"dev-token", "--data_dir=" + data_dir, "--role=AUDITOR",
                      "--tenant=0780"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr(DevAuthDir(data_dir) + "/signing-key.pem"));
  EXPECT_THAT(run.err, HasSubstr("--dev_auth"));
  // Nothing was created: no key that no server holds.
  EXPECT_FALSE(std::filesystem::exists(DevAuthDir(data_dir)));
  EXPECT_FALSE(std::filesystem::exists(data_dir));
}

TEST(Atgardctl, DevTokenRefusesBadRequestsWithUsageErrors) {
  testing::TempDir dir;
  ASSERT_TRUE(LoadOrCreateDevKey(dir.Join("data")).ok());
  const std::string data_dir = "--data_dir=" + dir.Join("data");
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"dev-token", data_dir, "--tenant=0780"}, "--role is required"},
      {{"dev-token", data_dir, "--role=AUDITOR"}, "--tenant is required"},
      {{"dev-token", data_dir, "--role=SYSTEM", "--tenant=0780"}, "SYSTEM"},
      {{"dev-token", data_dir, "--role=auditor", "--tenant=0780"},
       "is not one of"},
      {{"dev-token", data_dir, "--role=PROVIDER", "--tenant=0780"},
       "provider_id is required"},
      {{"dev-token", data_dir, "--role=AUDITOR", "--tenant=780"}, "kommunkod"},
      {{"dev-token", data_dir, "--role=AUDITOR", "--tenant=0780",
        "--area=norra"},
       "area is only for role CARE_DIRECTOR"},
      {{"dev-token", data_dir, "--role=AUDITOR", "--tenant=0780", "extra"},
       "not expected: extra"},
      {{"no-such-command"}, "unknown command \"no-such-command\""},
      {{}, "no command given"},
  };
  for (const auto& [args, fragment] : cases) {
    const CommandResult run = Atgardctl(dir, args);
    EXPECT_EQ(run.exit_code, 2) << absl::StrJoin(args, " ");
    EXPECT_EQ(run.out, "");
    EXPECT_THAT(run.err, HasSubstr(fragment));
  }
}

TEST(Atgardctl, HelpListsTheCommands) {
  testing::TempDir dir;
  for (const char* help : {"--help", "help"}) {
    const CommandResult run = Atgardctl(dir, {help});
    EXPECT_EQ(run.exit_code, 0) << help;
    for (const char* command :
         {"dev-token", "verify", "backup", "restore", "salvage"}) {
      EXPECT_THAT(run.out, HasSubstr(command)) << help;
    }
    EXPECT_THAT(run.out, HasSubstr("Usage: atgardctl [OPTIONS]")) << help;
    EXPECT_EQ(run.err, "") << help;
  }
}

// A client certificate without the server's CA would mean a plaintext
// connection carrying an operator's token.
TEST(Atgardctl, ClientCertificateFlagsNeedTls) {
  testing::TempDir dir;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{
           {"backup", "--server=127.0.0.1:1", "--tls_cert=c.pem",
            "--tls_key=k.pem"},
           {"backup", "--server=127.0.0.1:1", "--tls_ca=ca.pem",
            "--tls_key=k.pem"}}) {
    const CommandResult run = Atgardctl(dir, args);
    EXPECT_EQ(run.exit_code, 2) << absl::StrJoin(args, " ");
    EXPECT_THAT(run.err, HasSubstr("requires")) << run.err;
  }
}

TEST(Atgardctl, EachCommandsHelpShowsItsOwnFlags) {
  testing::TempDir dir;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"dev-token", "--help"},
                                             {"help", "dev-token"}}) {
    const CommandResult run = Atgardctl(dir, args);
    EXPECT_EQ(run.exit_code, 0) << absl::StrJoin(args, " ");
    EXPECT_THAT(run.out, HasSubstr("Usage: atgardctl dev-token"));
    EXPECT_THAT(run.out, HasSubstr("--role"));
    EXPECT_THAT(run.out, HasSubstr("--tenant"));
    // Another command's flags are not listed.
    EXPECT_THAT(run.out, Not(HasSubstr("--backup_dir")));
  }
  const CommandResult restore = Atgardctl(dir, {"restore", "--help"});
  EXPECT_EQ(restore.exit_code, 0);
  EXPECT_THAT(restore.out, HasSubstr("--backup_dir"));
  EXPECT_THAT(restore.out, Not(HasSubstr("--role")));

  const CommandResult unknown = Atgardctl(dir, {"help", "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command \"frobnicate\""));
}

// A mistyped path must not pass as an empty, intact log: refused, and
// nothing created.
TEST(Atgardctl, VerifyRefusesADirectoryWithoutAStore) {
  testing::TempDir dir;
  const std::string missing = dir.Join("no-such-store");
  CommandResult run = Atgardctl(dir, {"verify", "--data_dir=" + missing});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr(missing));
  EXPECT_FALSE(std::filesystem::exists(missing));

  const std::string empty = dir.Join("empty");
  ASSERT_TRUE(std::filesystem::create_directory(empty));
  run = Atgardctl(dir, {"verify", "--data_dir=" + empty});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(empty));
  EXPECT_TRUE(std::filesystem::is_empty(empty));

  run = Atgardctl(dir, {"verify"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--server or --data_dir"));
}

// Every file of `dir` with its contents, to tell that nothing changed.
std::map<std::string, std::string> Contents(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files[e.path().filename().string()] =
        eventstore::testing::ReadFile(e.path());
  }
  return files;
}

// A crash image of a store with positions 1..60 in its log, the record of
// 40 damaged: the salvage keeps 1..39, says so, exits 1 for the loss, and
// the salvaged store verifies.
TEST(Atgardctl, SalvageNamesWhatWasGivenUpAndExitsOne) {
  using eventstore::testing::Kind;
  testing::TempDir dir;
  const std::string image = dir.Join("image");
  {
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open({.path = dir.Join("store")});
    ASSERT_TRUE(store.ok()) << store.status();
    eventstore::testing::Fill(**store, 1, 60);
    eventstore::testing::CopyDirectory(dir.Join("store"), image);
  }
  const std::filesystem::path wal =
      eventstore::testing::Newest(image, Kind::kWal);
  std::string bytes = eventstore::testing::ReadFile(wal);
  const size_t at = bytes.find(eventstore::testing::Payload(40).substr(0, 14));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 10] ^= 0x01;
  eventstore::testing::WriteFile(wal, bytes);
  const auto before = Contents(image);

  const std::string salvaged = dir.Join("salvaged");
  CommandResult run =
      Atgardctl(dir, {"salvage", "--data_dir=" + image, "--into=" + salvaged});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("kept: positions 1..39"));
  EXPECT_THAT(run.out, HasSubstr("GIVEN UP: positions 40..60 (21 events)"));
  EXPECT_THAT(run.out, HasSubstr("ACKNOWLEDGED witness 60"));
  EXPECT_THAT(run.out, HasSubstr(wal.filename().string()));
  EXPECT_THAT(run.out, HasSubstr("EVIDENCE LOST"));
  EXPECT_EQ(Contents(image), before) << "the damaged store was changed";
  EXPECT_TRUE(std::filesystem::exists(salvaged + "/SALVAGE-REPORT.json"));

  run = Atgardctl(dir, {"verify", "--data_dir=" + salvaged});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("ok: 39 events verified"));
}

TEST(Atgardctl, SalvageOfAnIntactStoreExitsZero) {
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open({.path = dir.Join("store")});
    ASSERT_TRUE(store.ok()) << store.status();
    eventstore::testing::Fill(**store, 1, 20);
  }
  const CommandResult run =
      Atgardctl(dir, {"salvage", "--data_dir=" + dir.Join("store"),
                      "--into=" + dir.Join("salvaged")});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr("kept: positions 1..20"));
  EXPECT_THAT(run.out, HasSubstr("given up: nothing"));
  EXPECT_THAT(run.out, Not(HasSubstr("EVIDENCE LOST")));
}

TEST(Atgardctl, SalvageUsageErrorsExitTwo) {
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open({.path = dir.Join("store")});
    ASSERT_TRUE(store.ok()) << store.status();
  }
  ASSERT_TRUE(std::filesystem::create_directory(dir.Join("busy")));
  eventstore::testing::WriteFile(dir.Join("busy") + "/file", "x");
  const std::pair<std::vector<std::string>, const char*> cases[] = {
      {{"salvage", "--data_dir=" + dir.Join("store")}, "--into is required"},
      {{"salvage", "--data_dir=" + dir.Join("missing"),
        "--into=" + dir.Join("out")},
       "does not exist"},
      {{"salvage", "--data_dir=" + dir.Join("store"),
        "--into=" + dir.Join("busy")},
       "is not empty"},
  };
  for (const auto& [args, fragment] : cases) {
    const CommandResult run = Atgardctl(dir, args);
    EXPECT_EQ(run.exit_code, 2) << absl::StrJoin(args, " ");
    EXPECT_EQ(run.out, "");
    EXPECT_THAT(run.err, HasSubstr(fragment));
  }
  EXPECT_FALSE(std::filesystem::exists(dir.Join("out")));
}

}  // namespace
}  // namespace atgard::auth
