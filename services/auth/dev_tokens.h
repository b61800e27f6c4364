// Development mode: tokens a developer mints on their own machine, signed
// by a key that lives in the server's data directory.
//
// The key pair (EC P-256) is kept in <data_dir>.dev-auth/signing-key.pem.
// The directory is created with mode 0700 and the key with 0600 on first
// use; later calls (the server, `atgardctl dev-token`) reuse the key, so
// tokens stay valid across restarts. Deleting the directory revokes every
// development token (the key id changes with the key).
//
// Development tokens are ordinary ES256 JWTs with issuer
// kDevIssuer and audience kDevAudience, checked by the same JwtVerifier
// and claim rules as production tokens. The server trusts them only with
// --dev_auth, which it allows only on a loopback listen address and never
// together with production credentials (see server_config.h and
// authenticator.h). Their lifetime (iat, nbf, exp) is real time, checked
// against the system clock even on a server whose workflow runs on a
// development clock (--dev_clock), so a token stays valid however far that
// clock is moved.
//
// To mint one:
//   atgardctl dev-token --data_dir=./data --role=FOLLOW_UP_OFFICER
//       --tenant=0780 [--subject=anna] [--provider_id=...] [--ttl=8h]
// (one line)
// and send it as the "authorization: Bearer <token>" metadata.
//
// Thread safety: the functions may be called concurrently, also from
// several processes: the key is created atomically, and whoever loses the
// race uses the winner's key.
#ifndef ATGARD_SERVICES_AUTH_DEV_TOKENS_H_
#define ATGARD_SERVICES_AUTH_DEV_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "atgard/v1/types.pb.h"
#include "services/auth/jwt_verifier.h"
#include "services/auth/keys.h"

namespace atgard::auth {

inline constexpr absl::string_view kDevIssuer = "atgard-dev";
inline constexpr absl::string_view kDevAudience = "atgard";
inline constexpr absl::Duration kMaxDevTokenTtl = absl::Hours(24 * 30);

// "<data_dir>.dev-auth": beside the data directory (the event store wants
// its directory to itself).
std::string DevAuthDir(absl::string_view data_dir);

// Loads the development key, creating it (and its directory) if it does
// not exist yet.
// FAILED_PRECONDITION if the directory or key file can be read or written
// by others than the owner (the message says which chmod fixes it);
// INVALID_ARGUMENT if the file is not an EC P-256 private key;
// INTERNAL/PERMISSION_DENIED if it cannot be created; each naming the path.
[[nodiscard]] absl::StatusOr<PrivateKey> LoadOrCreateDevKey(
    absl::string_view data_dir);

// Loads the development key the server created, creating nothing.
// NOT_FOUND naming the key file if there is none; otherwise the errors of
// LoadOrCreateDevKey.
[[nodiscard]] absl::StatusOr<PrivateKey> LoadDevKey(absl::string_view data_dir);

struct DevTokenRequest {
  std::string subject = "developer";
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string tenant;
  // Required for PROVIDER, refused otherwise.
  std::string provider_id;
  // Optional for CARE_DIRECTOR (the "area" claim), refused otherwise.
  std::string area_id;
  // How long the token is valid: more than zero, at most kMaxDevTokenTtl.
  absl::Duration ttl = absl::Hours(8);
};

// A development token for `request`, issued at `now` (iat; exp = now +
// ttl), signed with the development key of `data_dir` (created if needed).
// INVALID_ARGUMENT if the request breaks the principal rules
// (principal_rules.h: so a token that would be refused is never minted) or
// the ttl is out of range; errors of LoadOrCreateDevKey otherwise.
[[nodiscard]] absl::StatusOr<std::string> MintDevToken(
    absl::string_view data_dir, const DevTokenRequest& request, absl::Time now);

// The same, signed with `key` (from LoadDevKey or LoadOrCreateDevKey).
// INVALID_ARGUMENT as above.
[[nodiscard]] absl::StatusOr<std::string> MintDevToken(
    const PrivateKey& key, const DevTokenRequest& request, absl::Time now);

// A verifier configuration that trusts the development key of `data_dir`
// (created if needed) for kDevIssuer and kDevAudience, with default leeway
// and cache. Errors of LoadOrCreateDevKey.
[[nodiscard]] absl::StatusOr<JwtVerifierConfig> DevVerifierConfig(
    absl::string_view data_dir);

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_DEV_TOKENS_H_
