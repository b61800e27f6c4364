// Production authentication against the real server: TLS with client
// certificates made by deploy/tls/make-certs.sh and mapped to principals by
// --mtls_principals, and bearer JWTs verified against a JWKS file.
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/auth_tokens.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/health_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

#ifndef ATGARD_SOURCE_DIR
#error "ATGARD_SOURCE_DIR must name the repository root"
#endif

namespace atgard::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A CA, a server certificate for localhost/127.0.0.1 and client
// certificates for `clients`, in `dir`, made by the deployment's script.
void MakeCertificates(const std::string& dir, const std::string& clients) {
  const std::string command =
      absl::StrCat("bash ", ATGARD_SOURCE_DIR, "/deploy/tls/make-certs.sh ",
                   dir, " localhost ", clients, " >/dev/null");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

std::shared_ptr<grpc::Channel> TlsChannel(const ServerProcess& server,
                                          const std::string& ca,
                                          const std::string& client_key = "",
                                          const std::string& client_cert = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca;
  options.pem_private_key = client_key;
  options.pem_cert_chain = client_cert;
  return grpc::CreateChannel(server.address(), grpc::SslCredentials(options));
}

grpc::Status Ping(const std::shared_ptr<grpc::Channel>& channel,
                  v1::PingResponse* response,
                  absl::string_view authorization = "") {
  auto context =
      GrpcClient::ContextWithAuthorization(authorization, absl::Seconds(10));
  return v1::DiagnosticsService::NewStub(channel)->Ping(
      context.get(), v1::PingRequest(), response);
}

// The value of the unlabelled series `name` on the server's /metrics page
// (fetched with HTTP/1.0 on loopback); -1 if the page or the series is
// missing.
double MetricValue(const ServerProcess& server, absl::string_view name) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(server.metrics_port()));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
          0 &&
      write(fd, request.data(), request.size()) ==
          static_cast<ssize_t>(request.size())) {
    char buffer[8192];
    for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) {
      response.append(buffer, n);
    }
  }
  close(fd);
  for (absl::string_view line : absl::StrSplit(response, '\n')) {
    double value;
    if (absl::ConsumePrefix(&line, name) && absl::ConsumePrefix(&line, " ") &&
        absl::SimpleAtod(absl::StripAsciiWhitespace(line), &value)) {
      return value;
    }
  }
  return -1;
}

TEST(Tls, MutualTlsMapsClientCertificatesToPrincipals) {
  TempDir tmp;
  const std::string certs = tmp.Join("tls");
  MakeCertificates(certs, "verksamhetssystem okand-klient");
  WriteTestFile(tmp.Join("principals.json"), R"({
    "principals": [
      {"match": {"common_name": "verksamhetssystem"},
       "subject": "system:verksamhetssystem",
       "role": "FOLLOW_UP_OFFICER", "tenant": "0780"}
    ]
  })");
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--tls_cert=", certs, "/server.pem"),
                      absl::StrCat("--tls_key=", certs, "/server.key"),
                      absl::StrCat("--tls_client_ca=", certs, "/ca.pem"),
                      absl::StrCat("--mtls_principals=",
                                   tmp.Join("principals.json"))},
       .work_dir = tmp.path(),
       .dev_auth = false});
  ASSERT_TRUE(server.ok()) << server.status();
  // The client side closes its connections before the server stops: an
  // idle TLS connection left open holds a graceful shutdown until its
  // grace period ends.
  {
    const std::string ca = ReadFile(certs + "/ca.pem");

    // A mapped certificate is the principal it is mapped to, and may act as
    // one.
    auto mapped =
        TlsChannel(**server, ca, ReadFile(certs + "/verksamhetssystem.key"),
                   ReadFile(certs + "/verksamhetssystem.pem"));
    v1::PingResponse pong;
    grpc::Status status = Ping(mapped, &pong);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(pong.subject(), "system:verksamhetssystem");
    EXPECT_EQ(pong.role(), v1::ROLE_FOLLOW_UP_OFFICER);
    EXPECT_EQ(pong.tenant(), "0780");
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    GrpcClient client(mapped, tmp.Join("data"));
    auto context = GrpcClient::ContextWithAuthorization("");
    v1::CommandOptions options;
    options.set_command_id(FreshCommandId());
    const CommandOutcome registered = client.RunWithContext(
        context.get(),
        RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                         v1::REGIFORM_PRIVATE),
        options);
    EXPECT_TRUE(registered.ok()) << Describe(registered.status);

    // A certificate of the same CA that no rule maps is no principal.
    auto unmapped =
        TlsChannel(**server, ca, ReadFile(certs + "/okand-klient.key"),
                   ReadFile(certs + "/okand-klient.pem"));
    status = Ping(unmapped, &pong);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Describe(status);

    // Without a client certificate the handshake itself fails.
    status = Ping(TlsChannel(**server, ca), &pong);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
        << Describe(status);
  }
  EXPECT_EQ((*server)->Stop()->exit_code, 0);
}

TEST(Tls, BearerTokensAreVerifiedAgainstTheJwks) {
  TempDir tmp;
  const std::string certs = tmp.Join("tls");
  MakeCertificates(certs, "");
  WriteTestFile(tmp.Join("jwks.json"),
                JwksOf({EcKey().public_key("nyckel-1")}));
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--tls_cert=", certs, "/server.pem"),
                      absl::StrCat("--tls_key=", certs, "/server.key"),
                      absl::StrCat("--jwt_issuer=", kTestIssuer),
                      absl::StrCat("--jwt_audience=", kTestAudience),
                      absl::StrCat("--jwt_jwks=", tmp.Join("jwks.json"))},
       .work_dir = tmp.path(),
       .dev_auth = false});
  ASSERT_TRUE(server.ok()) << server.status();
  {
    auto channel = TlsChannel(**server, ReadFile(certs + "/ca.pem"));
    const absl::Time now = absl::Now();

    v1::PingResponse pong;
    grpc::Status status =
        Ping(channel, &pong,
             absl::StrCat("Bearer ",
                          SignToken(EcKey(), ValidClaims(now), "nyckel-1")));
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(pong.subject(), "anna");
    EXPECT_EQ(pong.role(), v1::ROLE_FOLLOW_UP_OFFICER);
    EXPECT_EQ(pong.tenant(), "0780");
    // The count of refused calls is exported from the start, so that a
    // rate over it works before the first refusal.
    EXPECT_EQ(MetricValue(**server, "atgard_authentication_failures_total"), 0);

    nlohmann::json expired = ValidClaims(now - absl::Hours(3));
    nlohmann::json other_audience = ValidClaims(now);
    other_audience["aud"] = "ett-annat-system";
    nlohmann::json system = ValidClaims(now);
    system["role"] = "SYSTEM";
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"signed by another key",
         SignToken(OtherEcKey(), ValidClaims(now), "nyckel-1")},
        {"unknown key id", SignToken(EcKey(), ValidClaims(now), "nyckel-2")},
        {"unsigned", UnsignedToken(ValidClaims(now))},
        {"expired", SignToken(EcKey(), expired, "nyckel-1")},
        {"another audience", SignToken(EcKey(), other_audience, "nyckel-1")},
        {"claims the server's own role",
         SignToken(EcKey(), system, "nyckel-1")},
    };
    for (const auto& [name, token] : bad) {
      SCOPED_TRACE(name);
      status = Ping(channel, &pong, absl::StrCat("Bearer ", token));
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << Describe(status);
    }
    // Development tokens mean nothing to a production server.
    GrpcClient dev(channel, tmp.Join("elsewhere"));
    absl::StatusOr<std::string> dev_token = dev.Token(FollowUpOfficer());
    ASSERT_TRUE(dev_token.ok()) << dev_token.status();
    status = Ping(channel, &pong, absl::StrCat("Bearer ", *dev_token));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Describe(status);
    // Every refused call counts, logged or not.
    EXPECT_EQ(MetricValue(**server, "atgard_authentication_failures_total"),
              static_cast<double>(bad.size() + 1));
  }
  EXPECT_EQ((*server)->Stop()->exit_code, 0);
}

// Waits up to ten seconds for `done`; false if it never came true.
bool Eventually(const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return done();
}

// Tokens of a municipality's identity provider (here shaped like Entra
// ID's) carry its own claims; --jwt_claim_map turns them into a principal,
// and a token it cannot map is refused and logged without the token.
TEST(Tls, ClaimMapTurnsEntraTokensIntoPrincipals) {
  constexpr char kEntra[] =
      "https://login.microsoftonline.com/"
      "11111111-2222-3333-4444-555555555555/v2.0";
  TempDir tmp;
  const std::string certs = tmp.Join("tls");
  MakeCertificates(certs, "");
  WriteTestFile(tmp.Join("jwks.json"), JwksOf({RsaKey().public_key("entra")}));
  WriteTestFile(tmp.Join("claim-map.json"), absl::StrCat(R"({
    "issuers": [{
      "issuer": ")",
                                                         kEntra, R"(",
      "audience": "66666666-7777-8888-9999-000000000000",
      "subject_claim": "oid",
      "rules": [
        {"when": {"claim": "groups",
                  "value": "aaaaaaaa-0000-0000-0000-000000000002"},
         "role": "FOLLOW_UP_OFFICER", "tenant": "0781"}
      ]
    }]
  })"));
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--tls_cert=", certs, "/server.pem"),
                      absl::StrCat("--tls_key=", certs, "/server.key"),
                      absl::StrCat("--jwt_jwks=", tmp.Join("jwks.json")),
                      absl::StrCat("--jwt_claim_map=",
                                   tmp.Join("claim-map.json"))},
       .work_dir = tmp.path(),
       .dev_auth = false});
  ASSERT_TRUE(server.ok()) << server.status();
  std::string refused_token;
  {
    auto channel = TlsChannel(**server, ReadFile(certs + "/ca.pem"));
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    nlohmann::json claims = {
        {"iss", kEntra},
        {"aud", "66666666-7777-8888-9999-000000000000"},
        {"iat", now},
        {"exp", now + 3600},
        {"oid", "0f6c0a0e-5a43-4b8e-9d7f-2f4a1c9e8b11"},
        {"tid", "11111111-2222-3333-4444-555555555555"},
        {"upn", "anna.andersson@kommun.example"},
        {"groups", {"aaaaaaaa-0000-0000-0000-000000000002"}}};
    v1::PingResponse pong;
    grpc::Status status =
        Ping(channel, &pong,
             absl::StrCat("Bearer ", SignToken(RsaKey(), claims, "entra")));
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_EQ(pong.subject(), "0f6c0a0e-5a43-4b8e-9d7f-2f4a1c9e8b11");
    EXPECT_EQ(pong.role(), v1::ROLE_FOLLOW_UP_OFFICER);
    EXPECT_EQ(pong.tenant(), "0781");

    claims["groups"] = {"ffffffff-0000-0000-0000-00000000000f"};
    refused_token = SignToken(RsaKey(), claims, "entra");
    status = Ping(channel, &pong, absl::StrCat("Bearer ", refused_token));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Describe(status);
    EXPECT_THAT(status.error_message(),
                HasSubstr("no claim-map rule of issuer"));
  }
  EXPECT_EQ((*server)->Stop()->exit_code, 0);
  // The refusal is in the log with its reason and peer, the token is not.
  const std::string output = (*server)->Output();
  EXPECT_THAT(output, AllOf(HasSubstr("\"event\":\"authentication_failed\""),
                            HasSubstr("matches the token's groups"),
                            HasSubstr("\"peer\":\"ipv4:127.0.0.1:"),
                            HasSubstr("\"credential\":\"bearer_token\"")));
  EXPECT_THAT(output,
              Not(HasSubstr(refused_token.substr(refused_token.rfind('.')))));
  EXPECT_THAT(output, Not(HasSubstr(refused_token.substr(0, 40))));
}

// Key rotation without a restart: SIGHUP re-reads the JWKS file. A new key
// is trusted once the file lists it, a removed one no longer (tokens it
// signed that were verified before are not remembered past the reload),
// and a broken file changes nothing.
TEST(Tls, SighupReadsTheJwksAgain) {
  TempDir tmp;
  const std::string jwks = tmp.Join("jwks.json");
  WriteTestFile(jwks, JwksOf({EcKey().public_key("nyckel-1")}));
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--jwt_issuer=", kTestIssuer),
                      absl::StrCat("--jwt_audience=", kTestAudience),
                      absl::StrCat("--jwt_jwks=", jwks)},
       .work_dir = tmp.path(),
       .dev_auth = false});
  ASSERT_TRUE(server.ok()) << server.status();
  // Client connections close before the server stops: an open one would
  // hold its graceful shutdown.
  {
    auto channel = grpc::CreateChannel((*server)->address(),
                                       grpc::InsecureChannelCredentials());
    const absl::Time now = absl::Now();
    const std::string old_key = absl::StrCat(
        "Bearer ", SignToken(EcKey(), ValidClaims(now), "nyckel-1"));
    const std::string new_key = absl::StrCat(
        "Bearer ", SignToken(OtherEcKey(), ValidClaims(now), "nyckel-2"));
    auto code = [&](const std::string& authorization) {
      v1::PingResponse pong;
      return Ping(channel, &pong, authorization).error_code();
    };
    auto logged = [&](const std::string& event, int times) {
      return Eventually([&] {
        const std::string output = (*server)->Output();
        int seen = 0;
        for (size_t at = output.find(event); at != std::string::npos;
             at = output.find(event, at + 1)) {
          ++seen;
        }
        return seen >= times;
      });
    };
    // The last line logged with `event`.
    auto last_line = [&](const std::string& event) {
      const std::string output = (*server)->Output();
      const size_t at = output.rfind(event);
      if (at == std::string::npos) return std::string();
      const size_t begin = output.rfind('\n', at) + 1;  // npos + 1 == 0
      return output.substr(begin, output.find('\n', at) - begin);
    };
    ASSERT_EQ(code(old_key), grpc::StatusCode::OK);
    ASSERT_EQ(code(new_key), grpc::StatusCode::UNAUTHENTICATED);

    // Both keys during the rotation.
    WriteTestFile(jwks, JwksOf({EcKey().public_key("nyckel-1"),
                                OtherEcKey().public_key("nyckel-2")}));
    (*server)->Signal(SIGHUP);
    ASSERT_TRUE(logged("\"authentication_reloaded\"", 1))
        << (*server)->Output();
    // The log names the keys now trusted.
    EXPECT_THAT(last_line("\"authentication_reloaded\""),
                AllOf(HasSubstr("nyckel-1"), HasSubstr("nyckel-2")));
    EXPECT_EQ(code(new_key), grpc::StatusCode::OK);
    EXPECT_EQ(code(old_key), grpc::StatusCode::OK);

    // A broken file is refused; the keys in use stay.
    WriteTestFile(jwks, "{\"keys\": [");
    (*server)->Signal(SIGHUP);
    ASSERT_TRUE(logged("\"authentication_reload_failed\"", 1))
        << (*server)->Output();
    // It names the flag whose file is at fault.
    EXPECT_THAT(last_line("\"authentication_reload_failed\""),
                HasSubstr("--jwt_jwks"));
    EXPECT_EQ(code(new_key), grpc::StatusCode::OK);
    EXPECT_EQ(code(old_key), grpc::StatusCode::OK);

    // The old key is retired.
    WriteTestFile(jwks, JwksOf({OtherEcKey().public_key("nyckel-2")}));
    (*server)->Signal(SIGHUP);
    ASSERT_TRUE(logged("\"authentication_reloaded\"", 2))
        << (*server)->Output();
    EXPECT_THAT(last_line("\"authentication_reloaded\""),
                AllOf(Not(HasSubstr("nyckel-1")), HasSubstr("nyckel-2")));
    EXPECT_EQ(code(old_key), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(code(new_key), grpc::StatusCode::OK);
  }

  const absl::StatusOr<ProcessResult> stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;
}

// A new calling system is mapped without a restart: SIGHUP reads the
// principal map again.
TEST(Tls, SighupReadsThePrincipalMapAgain) {
  TempDir tmp;
  const std::string certs = tmp.Join("tls");
  MakeCertificates(certs, "verksamhetssystem nytt-system");
  const std::string map = tmp.Join("principals.json");
  auto principals = [](const std::string& rules) {
    return absl::StrCat(R"({"principals": [)", rules, "]}");
  };
  const std::string existing = R"(
      {"match": {"common_name": "verksamhetssystem"},
       "subject": "system:verksamhetssystem",
       "role": "FOLLOW_UP_OFFICER", "tenant": "0780"})";
  WriteTestFile(map, principals(existing));
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--tls_cert=", certs, "/server.pem"),
                      absl::StrCat("--tls_key=", certs, "/server.key"),
                      absl::StrCat("--tls_client_ca=", certs, "/ca.pem"),
                      absl::StrCat("--mtls_principals=", map)},
       .work_dir = tmp.path(),
       .dev_auth = false});
  ASSERT_TRUE(server.ok()) << server.status();
  {
    auto newcomer = TlsChannel(**server, ReadFile(certs + "/ca.pem"),
                               ReadFile(certs + "/nytt-system.key"),
                               ReadFile(certs + "/nytt-system.pem"));
    v1::PingResponse pong;
    grpc::Status status = Ping(newcomer, &pong);
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << Describe(status);

    WriteTestFile(map, principals(absl::StrCat(existing, R"(,
      {"match": {"common_name": "nytt-system"},
       "subject": "system:nytt-system",
       "role": "AUDITOR", "tenant": "0780"})")));
    (*server)->Signal(SIGHUP);
    EXPECT_TRUE(Eventually([&] { return Ping(newcomer, &pong).ok(); }))
        << (*server)->Output();
    EXPECT_EQ(pong.subject(), "system:nytt-system");
    EXPECT_EQ(pong.role(), v1::ROLE_AUDITOR);
  }
  EXPECT_EQ((*server)->Stop()->exit_code, 0);
}

// A channel of its own (no connection shared with other channels to the
// same address) trusting `ca`.
std::shared_ptr<grpc::Channel> FreshTlsChannel(const ServerProcess& server,
                                               const std::string& ca) {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = ca;
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(server.address(),
                                   grpc::SslCredentials(options), args);
}

// Replaces `to` with a copy of `from` in one step (a rename), as a
// certificate manager does.
void InstallFile(const std::string& from, const std::string& to) {
  const std::string staged = to + ".new";
  WriteTestFile(staged, ReadFile(from));
  ASSERT_EQ(std::rename(staged.c_str(), to.c_str()), 0) << to;
}

// Renewed certificates are served without a restart: the server reads its
// TLS files again every --tls_refresh, and new connections get the new
// certificate (here one from another CA, so that a client can tell).
TEST(Tls, RenewedServerCertificateIsServedWithoutARestart) {
  TempDir tmp;
  MakeCertificates(tmp.Join("gammal"), "");
  MakeCertificates(tmp.Join("ny"), "");
  const std::string live = tmp.Join("live");
  ASSERT_EQ(std::system(absl::StrCat("mkdir -p ", live).c_str()), 0);
  InstallFile(tmp.Join("gammal/server.pem"), live + "/server.pem");
  InstallFile(tmp.Join("gammal/server.key"), live + "/server.key");
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"),
       .extra_args = {absl::StrCat("--tls_cert=", live, "/server.pem"),
                      absl::StrCat("--tls_key=", live, "/server.key"),
                      "--tls_refresh=1s"},
       .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string old_ca = ReadFile(tmp.Join("gammal/ca.pem"));
  const std::string new_ca = ReadFile(tmp.Join("ny/ca.pem"));
  auto serves = [&](const std::string& ca) {
    return CheckHealth(FreshTlsChannel(**server, ca), "", absl::Seconds(2))
        .ok();
  };
  ASSERT_TRUE(serves(old_ca));
  ASSERT_FALSE(serves(new_ca));

  // The certificate first, then its key: in between the pair does not
  // match and the server keeps the old one.
  InstallFile(tmp.Join("ny/server.pem"), live + "/server.pem");
  InstallFile(tmp.Join("ny/server.key"), live + "/server.key");
  EXPECT_TRUE(Eventually([&] { return serves(new_ca); }))
      << (*server)->Output();
  EXPECT_FALSE(serves(old_ca));

  const absl::StatusOr<ProcessResult> stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;
}

// A key that does not belong to the certificate is a configuration error
// at start, naming the flag, not a server whose handshakes all fail.
TEST(Tls, KeyOfAnotherCertificateIsRefusedAtStart) {
  TempDir tmp;
  MakeCertificates(tmp.Join("a"), "");
  MakeCertificates(tmp.Join("b"), "");
  const absl::StatusOr<ProcessResult> result = RunServerToExit(
      {"--listen=127.0.0.1:0", absl::StrCat("--data_dir=", tmp.Join("data")),
       "--dev_auth", absl::StrCat("--tls_cert=", tmp.Join("a/server.pem")),
       absl::StrCat("--tls_key=", tmp.Join("b/server.key"))},
      tmp.path());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 2) << result->output;
  EXPECT_THAT(result->output, HasSubstr("--tls_key"));
  EXPECT_THAT(result->output, HasSubstr("does not belong"));
}

}  // namespace
}  // namespace atgard::testing
