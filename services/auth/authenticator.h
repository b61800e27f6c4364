// Who is calling: turns a call's credentials into a principal.
//
// Two kinds of credentials are understood:
//  * a bearer token in the "authorization" metadata ("Bearer <JWT>"),
//    verified by JwtVerifier (jwt_verifier.h) against the configured issuer,
//    audience and keys; tokens of the issuers in the claim map
//    (claim_map.h) carry their identity provider's claims, which the map
//    turns into a principal;
//  * a client certificate that the TLS layer verified (mutual TLS), named
//    by a PrincipalMap (principal_map.h).
//
// Precedence: a bearer token, if one is sent, must be valid and alone
// defines the principal; a certificate on the same connection then only
// authenticates the calling system (reported in Authentication, for logs)
// and a bad token is never excused by a good certificate. Without a token,
// a verified and mapped client certificate defines the principal. Without
// either, the call is UNAUTHENTICATED.
//
// Nothing here depends on gRPC: the transport layer extracts AuthRequest
// from the call (metadata values and auth context properties) and maps the
// returned status into the call's status unchanged.
//
// Thread-safe: Authenticate() may be called concurrently.
#ifndef ATGARD_SERVICES_AUTH_AUTHENTICATOR_H_
#define ATGARD_SERVICES_AUTH_AUTHENTICATOR_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/auth/jwt_verifier.h"
#include "services/auth/principal_map.h"
#include "services/domain/principal.h"

namespace atgard::auth {

// The server's flag names, used in configuration errors. The server
// defines the flags with these names.
inline constexpr char kFlagJwtIssuer[] = "--jwt_issuer";
inline constexpr char kFlagJwtAudience[] = "--jwt_audience";
inline constexpr char kFlagJwtPublicKeys[] = "--jwt_public_keys";
inline constexpr char kFlagJwtJwks[] = "--jwt_jwks";
inline constexpr char kFlagJwtLeeway[] = "--jwt_leeway";
inline constexpr char kFlagJwtClaimMap[] = "--jwt_claim_map";
inline constexpr char kFlagMtlsPrincipals[] = "--mtls_principals";
inline constexpr char kFlagDevAuth[] = "--dev_auth";

// The defaults of --jwt_audience and --jwt_leeway. The server's settings
// table (services/server/settings.cc) takes them from here, since this
// library cannot depend on the server.
inline constexpr char kDefaultJwtAudience[] = "atgard";
inline constexpr absl::Duration kDefaultJwtLeeway = absl::Seconds(60);

// Start-up configuration of authentication. At least one way to
// authenticate must be configured.
struct AuthConfig {
  // Bearer tokens: an issuer or a claim map (or both), the audience and at
  // least one key source, or none of them. The claim map's issuers are
  // trusted in addition to jwt_issuer.
  std::string jwt_issuer;                          // --jwt_issuer
  std::string jwt_audience = kDefaultJwtAudience;  // --jwt_audience
  std::vector<std::string> jwt_public_key_files;   // --jwt_public_keys (PEM)
  std::string jwt_jwks_file;                       // --jwt_jwks
  absl::Duration jwt_leeway = kDefaultJwtLeeway;   // --jwt_leeway
  std::string jwt_claim_map_file;                  // --jwt_claim_map
  // Verified tokens kept in memory (0 disables the cache).
  size_t token_cache_capacity = 65536;

  // Mutual TLS: the principal map file (format in principal_map.h).
  std::string mtls_principals_file;  // --mtls_principals

  // Development mode: trust tokens signed by the development key in
  // <data_dir>.dev-auth (dev_tokens.h). Refused together with the settings
  // above, so that a production configuration can never also accept
  // development tokens; the server refuses it off loopback as well.
  bool dev_auth = false;  // --dev_auth
  std::string data_dir;   // --data_dir

  // The time for token checks; absl::Now if empty.
  std::function<absl::Time()> clock;

  bool jwt_configured() const {
    return !jwt_issuer.empty() || !jwt_public_key_files.empty() ||
           !jwt_jwks_file.empty() || !jwt_claim_map_file.empty();
  }
};

// What the transport knows about a call.
struct AuthRequest {
  // Every value of the "authorization" metadata key (normally zero or one).
  std::vector<std::string> authorization;
  // True only if the connection is TLS and the client presented a
  // certificate that the server verified against its client CA. If false,
  // `certificate` is ignored.
  bool client_certificate_verified = false;
  PeerCertificate certificate;
};

enum class CredentialKind {
  kBearerToken,        // the principal comes from a token
  kClientCertificate,  // the principal comes from the certificate mapping
};

struct Authentication {
  domain::Principal principal;
  CredentialKind credential = CredentialKind::kBearerToken;
  // With a verified client certificate: its common name (or first URI or
  // DNS name), identifying the calling system even when a token names the
  // person. Empty otherwise.
  std::string client_system;
};

// Checks the combination of settings without reading any file: at least
// one way to authenticate, and --dev_auth alone. INVALID_ARGUMENT naming
// the flags otherwise. Create() checks this first; the server checks it
// before it opens anything, so that a configuration that cannot work
// leaves nothing behind.
[[nodiscard]] absl::Status CheckCombination(const AuthConfig& config);

class Authenticator {
 public:
  // Loads and checks every configured file. INVALID_ARGUMENT naming the
  // flag (and the file) for inconsistent or invalid settings: a partial JWT
  // configuration, --dev_auth together with JWT or mTLS settings or without
  // a data directory, nothing configured at all, a leeway outside
  // [0, 10min]; NOT_FOUND / PERMISSION_DENIED naming flag and file if one
  // cannot be read; the errors of LoadOrCreateDevKey for --dev_auth and of
  // ClaimMap::Load (naming --jwt_claim_map, the file and the entry; among
  // them a map that does not bind keys to issuers while --jwt_issuer or
  // another map issuer is trusted too).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      const AuthConfig& config);

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // The caller's principal per the precedence above. UNAUTHENTICATED with a
  // message naming the problem otherwise:
  //  * "no credentials: send a bearer token or a client certificate";
  //  * a malformed authorization value (not "Bearer <token>"), or more than
  //    one ("several authorization values"), never repeating its contents;
  //  * a token refused by JwtVerifier, or a token when no token
  //    verification is configured;
  //  * a certificate refused by PrincipalMap, or a certificate when no
  //    mapping is configured.
  [[nodiscard]] absl::StatusOr<Authentication> Authenticate(
      const AuthRequest& request) const;

  // One line for the start-up log, e.g. "bearer tokens (issuer
  // \"https://idp\", 2 keys); client certificates (5 principals)".
  std::string Describe() const;

  // Null if tokens are not configured.
  const JwtVerifier* jwt_verifier() const { return verifier_.get(); }

 private:
  Authenticator(std::unique_ptr<JwtVerifier> verifier,
                std::unique_ptr<PrincipalMap> principals, bool dev_auth);

  std::unique_ptr<JwtVerifier> verifier_;
  std::unique_ptr<PrincipalMap> principals_;
  bool dev_auth_;
};

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_AUTHENTICATOR_H_
