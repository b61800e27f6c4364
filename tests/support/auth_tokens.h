// Keys and tokens for authentication tests: keys generated with OpenSSL on
// first use (once per process), tokens signed with them, and the forged
// tokens the verifier must refuse (unsigned, HMAC, lying headers).
#ifndef ATGARD_TESTS_SUPPORT_AUTH_TOKENS_H_
#define ATGARD_TESTS_SUPPORT_AUTH_TOKENS_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth/keys.h"

namespace atgard::testing {

inline constexpr char kTestIssuer[] = "https://idp.kommun.example";
inline constexpr char kTestAudience[] = "atgard";

// Distinct keys, generated on first use: RSA 2048-bit and EC P-256.
const auth::PrivateKey& RsaKey();
const auth::PrivateKey& OtherRsaKey();
const auth::PrivateKey& EcKey();
const auth::PrivateKey& OtherEcKey();

// Claims of a FOLLOW_UP_OFFICER of tenant 0780 ("anna"), issued at `now`
// by kTestIssuer for kTestAudience, valid for an hour.
nlohmann::json ValidClaims(absl::Time now);

// A token signed by `key` with the header {"alg": <the key's algorithm>,
// "typ": "JWT"} plus "kid" if `kid` is not empty.
std::string SignToken(const auth::PrivateKey& key, const nlohmann::json& claims,
                      absl::string_view kid = "");

// A token with exactly `header`, signed by `key` with the key's own
// algorithm whatever the header claims.
std::string SignTokenWithHeader(const auth::PrivateKey& key,
                                const nlohmann::json& header,
                                const nlohmann::json& claims);

// alg "none" with an empty signature.
std::string UnsignedToken(const nlohmann::json& claims);

// alg "HS256", signed with HMAC-SHA256 under `secret`: the classic
// confusion attack uses the server's RSA public key PEM as the secret.
std::string Hs256Token(absl::string_view secret, const nlohmann::json& claims);

// {"keys": [...]} of the public halves, each with its kid.
std::string JwksOf(const std::vector<auth::PublicKey>& keys);

// Writes `contents` to `path` (replacing it); aborts on failure.
void WriteTestFile(const std::string& path, absl::string_view contents);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_AUTH_TOKENS_H_
