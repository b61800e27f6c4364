// The JSON Web Signature primitives (RFC 7515, compact serialisation) that
// the verifier and the token minting code share: base64url, SHA-256, and
// signing and verifying with RS256 and ES256.
//
// Thread-safe: free functions without state.
#ifndef ATGARD_SERVICES_AUTH_JWS_H_
#define ATGARD_SERVICES_AUTH_JWS_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/auth/keys.h"

namespace atgard::auth {

// Base64url without padding (RFC 7515 section 2).
std::string Base64UrlEncode(absl::string_view data);

// Strict base64url: only the URL-safe alphabet, no padding, no whitespace,
// and the unused low bits of the last character zero, so that every value
// has exactly one encoding. Returns false (and leaves *out unspecified) for
// anything else.
[[nodiscard]] bool Base64UrlDecode(absl::string_view in, std::string* out);

using Sha256Digest = std::array<uint8_t, 32>;
Sha256Digest Sha256(absl::string_view data);

// Signs `header_json` and `payload_json` with `key` and returns the compact
// JWS "b64(header).b64(payload).b64(signature)". The signature uses the
// key's algorithm (RS256 for RSA, ES256 as raw r||s for EC) whatever the
// header says, so tests can also build tokens whose header lies.
// INTERNAL if OpenSSL fails.
[[nodiscard]] absl::StatusOr<std::string> SignCompactJws(
    const PrivateKey& key, absl::string_view header_json,
    absl::string_view payload_json);

// True if `signature` (as carried in the token: PKCS#1 v1.5 for RSA, raw
// 64-byte r||s for EC) is a valid signature of `signing_input` by `key`.
bool VerifySignature(const PublicKey& key, absl::string_view signing_input,
                     absl::string_view signature);

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_JWS_H_
