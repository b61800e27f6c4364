#include "tests/support/auth_tokens.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "services/auth/jws.h"

namespace atgard::testing {
namespace {

auth::PrivateKey Must(absl::StatusOr<auth::PrivateKey> key) {
  if (!key.ok()) {
    std::fprintf(stderr, "key generation failed: %s\n",
                 std::string(key.status().message()).c_str());
    std::abort();
  }
  return *std::move(key);
}

}  // namespace

const auth::PrivateKey& RsaKey() {
  static const auth::PrivateKey key = Must(auth::PrivateKey::GenerateRsa(2048));
  return key;
}
const auth::PrivateKey& OtherRsaKey() {
  static const auth::PrivateKey key = Must(auth::PrivateKey::GenerateRsa(2048));
  return key;
}
const auth::PrivateKey& EcKey() {
  static const auth::PrivateKey key = Must(auth::PrivateKey::GenerateEcP256());
  return key;
}
const auth::PrivateKey& OtherEcKey() {
  static const auth::PrivateKey key = Must(auth::PrivateKey::GenerateEcP256());
  return key;
}

nlohmann::json ValidClaims(absl::Time now) {
  const int64_t t = absl::ToUnixSeconds(now);
  return {{"iss", kTestIssuer}, {"aud", kTestAudience},        {"sub", "anna"},
          {"tenant", "0780"},   {"role", "FOLLOW_UP_OFFICER"}, {"iat", t},
          {"exp", t + 3600}};
}

std::string SignToken(const auth::PrivateKey& key, const nlohmann::json& claims,
                      absl::string_view kid) {
  nlohmann::json header = {{"alg", std::string(auth::AlgorithmFor(key.type()))},
                           {"typ", "JWT"}};
  if (!kid.empty()) header["kid"] = std::string(kid);
  return SignTokenWithHeader(key, header, claims);
}

std::string SignTokenWithHeader(const auth::PrivateKey& key,
                                const nlohmann::json& header,
                                const nlohmann::json& claims) {
  absl::StatusOr<std::string> token =
      auth::SignCompactJws(key, header.dump(), claims.dump());
  if (!token.ok()) std::abort();
  return *token;
}

std::string UnsignedToken(const nlohmann::json& claims) {
  const nlohmann::json header = {{"alg", "none"}, {"typ", "JWT"}};
  return absl::StrCat(auth::Base64UrlEncode(header.dump()), ".",
                      auth::Base64UrlEncode(claims.dump()), ".");
}

std::string Hs256Token(absl::string_view secret, const nlohmann::json& claims) {
  const nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  const std::string input =
      absl::StrCat(auth::Base64UrlEncode(header.dump()), ".",
                   auth::Base64UrlEncode(claims.dump()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(),
                secret.size(),
                reinterpret_cast<const unsigned char*>(input.data()),
                input.size(), mac, sizeof(mac), &size) == nullptr) {
    std::abort();
  }
  return absl::StrCat(input, ".",
                      auth::Base64UrlEncode(absl::string_view(
                          reinterpret_cast<const char*>(mac), size)));
}

std::string JwksOf(const std::vector<auth::PublicKey>& keys) {
  nlohmann::json list = nlohmann::json::array();
  for (const auth::PublicKey& key : keys) {
    list.push_back(nlohmann::json::parse(key.ToJwk()));
  }
  return nlohmann::json{{"keys", list}}.dump(2);
}

void WriteTestFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  if (!out) std::abort();
}

}  // namespace atgard::testing
