#include "services/server/server_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace atgard::server {
namespace {

using ::testing::HasSubstr;

TEST(ListenHost, SplitsHostAndPort) {
  EXPECT_EQ(*ListenHost("127.0.0.1:50051"), "127.0.0.1");
  EXPECT_EQ(*ListenHost("[::1]:0"), "::1");
  EXPECT_EQ(*ListenHost("example.org:443"), "example.org");
  EXPECT_EQ(*ListenHost("unix:/run/atgard.sock"), "");
}

TEST(ListenHost, RejectsMalformedAddresses) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", ":50051", "[::1]50051",
                          "::1:50051", "host:70000", "host:port"}) {
    EXPECT_EQ(ListenHost(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(IsLoopbackHost, KnowsLoopbackFromReachable) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.10.0.3"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_TRUE(IsLoopbackHost("localhost"));
  EXPECT_TRUE(IsLoopbackHost(""));  // unix socket
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
  EXPECT_FALSE(IsLoopbackHost("::"));
  EXPECT_FALSE(IsLoopbackHost("10.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1"));
  EXPECT_FALSE(IsLoopbackHost("atgard.example.org"));
}

// The defaults with one way to authenticate, which has no default.
ServerConfig Configured() {
  ServerConfig c;
  c.auth.jwt_issuer = "https://idp.example.se";
  c.auth.jwt_jwks_file = "jwks.json";
  return c;
}

TEST(Validate, DefaultsAreValidOnceAuthenticationIsConfigured) {
  EXPECT_TRUE(Validate(Configured()).ok());
}

// Refused before anything is opened: no store is created for a server
// that could not have started anyway.
TEST(Validate, RefusesAServerWithoutAuthentication) {
  absl::Status s = Validate(ServerConfig{});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("no authentication configured"));
  ServerConfig both = Configured();
  both.auth.dev_auth = true;
  EXPECT_THAT(Validate(both).message(), HasSubstr("--dev_auth"));
}

TEST(Validate, HealthPortApartFromTheGrpcPort) {
  ServerConfig c = Configured();
  c.health_listen = "0.0.0.0:8081";  // plaintext off loopback is fine
  EXPECT_TRUE(Validate(c).ok());
  c.health_listen = c.listen_address;
  EXPECT_THAT(Validate(c).message(), HasSubstr("--health_listen"));
  c.listen_address = "127.0.0.1:0";
  c.health_listen = "127.0.0.1:0";  // two free ports
  EXPECT_TRUE(Validate(c).ok());
  c.health_listen = "8081";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--health_listen"));
}

TEST(Validate, RefusesPlaintextBeyondLoopback) {
  ServerConfig c = Configured();
  c.listen_address = "0.0.0.0:50051";
  absl::Status s = Validate(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("needs TLS"));
  EXPECT_THAT(s.message(), HasSubstr("--tls_cert"));

  c.tls_cert_file = "server.pem";
  c.tls_key_file = "server.key";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(Validate, NeedsCertificateAndKeyTogether) {
  ServerConfig c = Configured();
  c.tls_cert_file = "server.pem";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--tls_key"));
  c.tls_cert_file.clear();
  c.tls_key_file = "server.key";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--tls_cert"));
}

TEST(Validate, TlsRefreshBetweenASecondAndADay) {
  ServerConfig c = Configured();
  for (absl::Duration d : {absl::Seconds(1), absl::Hours(24)}) {
    c.tls_refresh = d;
    EXPECT_TRUE(Validate(c).ok()) << d;
  }
  for (absl::Duration d :
       {absl::ZeroDuration(), absl::Milliseconds(999), absl::Hours(25)}) {
    c.tls_refresh = d;
    EXPECT_THAT(Validate(c).message(), HasSubstr("--tls_refresh")) << d;
  }
}

TEST(Validate, ClientCaNeedsTls) {
  ServerConfig c = Configured();
  c.tls_client_ca_file = "ca.pem";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--tls_client_ca"));
}

TEST(Validate, DevAuthOnlyOnLoopback) {
  ServerConfig c;
  c.auth.dev_auth = true;  // alone: with production credentials it is refused
  for (const char* address :
       {"127.0.0.1:50051", "[::1]:0", "localhost:50051", "unix:/tmp/a.sock"}) {
    c.listen_address = address;
    EXPECT_TRUE(Validate(c).ok()) << address;
  }
  // Even with TLS: anyone who reaches the port could bring a dev token.
  c.tls_cert_file = "server.pem";
  c.tls_key_file = "server.key";
  for (const char* address : {"0.0.0.0:50051", "10.1.2.3:443", "[::]:50051"}) {
    c.listen_address = address;
    absl::Status s = Validate(c);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << address;
    EXPECT_THAT(s.message(), HasSubstr("--dev_auth"));
    EXPECT_THAT(s.message(), HasSubstr("loopback"));
  }
  c.auth.dev_auth = false;
  c.auth.mtls_principals_file = "principals.json";
  c.tls_client_ca_file = "ca.pem";
  EXPECT_TRUE(Validate(c).ok());
}

TEST(Validate, DevClockOnlyWithDevAuth) {
  ServerConfig c;
  c.auth.dev_auth = true;
  for (const char* start :
       {"2026-01-15", "2026-01-15T08:00:00Z", "2026-01-15T09:00:00+01:00"}) {
    c.dev_clock = start;
    EXPECT_TRUE(Validate(c).ok()) << start;
  }
  c.dev_clock = "15 januari";
  absl::Status s = Validate(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--dev_clock"));
  // A production server never runs on a movable clock.
  c = Configured();
  c.dev_clock = "2026-01-15";
  s = Validate(c);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("--dev_clock"));
  EXPECT_THAT(s.message(), HasSubstr("--dev_auth"));
}

TEST(Validate, NamesTheBadFlag) {
  ServerConfig c = Configured();
  c.data_dir = "";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--data_dir"));
  c = Configured();
  c.shutdown_grace = absl::Seconds(-1);
  EXPECT_THAT(Validate(c).message(), HasSubstr("--shutdown_grace"));
  c = Configured();
  c.listen_address = "nowhere";
  EXPECT_THAT(Validate(c).message(), HasSubstr("--listen"));
}

}  // namespace
}  // namespace atgard::server
