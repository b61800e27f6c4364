#include "services/auth/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/claim_map.h"
#include "services/auth/dev_tokens.h"
#include "services/auth/principal_rules.h"

namespace atgard::auth {
namespace {

// RFC 6750 b64token: the characters a bearer token may consist of.
bool IsTokenChar(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/' || c == '=';
}

// The token of a "Bearer <token>" value (scheme in any case, RFC 7235).
// The value itself never appears in an error: it may be a credential.
absl::StatusOr<absl::string_view> BearerToken(absl::string_view value) {
  constexpr absl::string_view kScheme = "bearer";
  const absl::Status malformed = absl::UnauthenticatedError(
      "malformed authorization metadata: expected \"Bearer <token>\"");
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme) ||
      value[kScheme.size()] != ' ') {
    return malformed;
  }
  absl::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return malformed;
  for (char c : token) {
    if (!IsTokenChar(c)) return malformed;
  }
  return token;
}

std::string CertificateName(const PeerCertificate& cert) {
  if (!cert.common_name.empty()) return cert.common_name;
  if (!cert.uris.empty()) return cert.uris[0];
  if (!cert.dns_names.empty()) return cert.dns_names[0];
  return std::string();
}

absl::Status Invalid(absl::string_view flag, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " ", what));
}

// The error `s` with its message prefixed by `flag` unless it names it.
absl::Status Named(absl::string_view flag, const absl::Status& s) {
  if (s.ok() || absl::StrContains(s.message(), flag)) return s;
  return absl::Status(s.code(), absl::StrCat(flag, ": ", s.message()));
}

}  // namespace

absl::Status CheckCombination(const AuthConfig& config) {
  const bool jwt = config.jwt_configured();
  const bool mtls = !config.mtls_principals_file.empty();
  if (config.dev_auth && (jwt || mtls)) {
    return Invalid(
        kFlagDevAuth,
        absl::StrCat("cannot be combined with ",
                     jwt ? "--jwt_* settings" : kFlagMtlsPrincipals,
                     ": a server that accepts development tokens must not "
                     "also accept production credentials"));
  }
  if (!config.dev_auth && !jwt && !mtls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no authentication configured: give ", kFlagJwtIssuer, " with ",
        kFlagJwtPublicKeys, " or ", kFlagJwtJwks, ", or ", kFlagMtlsPrincipals,
        " (or ", kFlagDevAuth, " on a developer's machine)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    const AuthConfig& config) {
  RETURN_IF_ERROR(CheckCombination(config));
  const bool jwt = config.jwt_configured();
  const bool mtls = !config.mtls_principals_file.empty();

  std::unique_ptr<JwtVerifier> verifier;
  if (config.dev_auth) {
    if (config.data_dir.empty()) {
      return Invalid(kFlagDevAuth, "needs --data_dir for its key");
    }
    absl::StatusOr<JwtVerifierConfig> dev = DevVerifierConfig(config.data_dir);
    if (!dev.ok()) return Named(kFlagDevAuth, dev.status());
    dev->cache_capacity = config.token_cache_capacity;
    dev->clock = config.clock;
    ASSIGN_OR_RETURN(verifier, JwtVerifier::Create(std::move(*dev)));
  } else if (jwt) {
    if (config.jwt_issuer.empty() && config.jwt_claim_map_file.empty()) {
      return Invalid(kFlagJwtIssuer,
                     absl::StrCat("(or ", kFlagJwtClaimMap,
                                  ") is required to accept bearer tokens: the "
                                  "exact \"iss\" of the trusted identity "
                                  "provider"));
    }
    if (config.jwt_audience.empty()) {
      return Invalid(kFlagJwtAudience, "must not be empty");
    }
    if (config.jwt_public_key_files.empty() && config.jwt_jwks_file.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          kFlagJwtIssuer, " needs the issuer's keys: give ", kFlagJwtPublicKeys,
          " (PEM files) or ", kFlagJwtJwks, " (a JWKS file)"));
    }
    if (config.jwt_leeway < absl::ZeroDuration() ||
        config.jwt_leeway > absl::Minutes(10)) {
      return Invalid(kFlagJwtLeeway, "must be between 0s and 10m");
    }
    JwtVerifierConfig vc;
    vc.issuer = config.jwt_issuer;
    if (!config.jwt_claim_map_file.empty()) {
      ASSIGN_OR_RETURN(vc.claim_map,
                       ClaimMap::Load(config.jwt_claim_map_file,
                                      kFlagJwtClaimMap, config.jwt_issuer));
    }
    vc.audience = config.jwt_audience;
    vc.leeway = config.jwt_leeway;
    vc.cache_capacity = config.token_cache_capacity;
    vc.clock = config.clock;
    for (const std::string& file : config.jwt_public_key_files) {
      ASSIGN_OR_RETURN(std::vector<PublicKey> keys,
                       LoadPemPublicKeys(file, kFlagJwtPublicKeys));
      vc.keys.insert(vc.keys.end(), keys.begin(), keys.end());
    }
    if (!config.jwt_jwks_file.empty()) {
      ASSIGN_OR_RETURN(std::vector<PublicKey> keys,
                       LoadJwks(config.jwt_jwks_file, kFlagJwtJwks));
      vc.keys.insert(vc.keys.end(), keys.begin(), keys.end());
    }
    absl::StatusOr<std::unique_ptr<JwtVerifier>> created =
        JwtVerifier::Create(std::move(vc));
    if (!created.ok()) return Named(kFlagJwtIssuer, created.status());
    verifier = std::move(*created);
  }

  std::unique_ptr<PrincipalMap> principals;
  if (mtls) {
    ASSIGN_OR_RETURN(principals, PrincipalMap::Load(config.mtls_principals_file,
                                                    kFlagMtlsPrincipals));
  }
  return std::unique_ptr<Authenticator>(new Authenticator(
      std::move(verifier), std::move(principals), config.dev_auth));
}

Authenticator::Authenticator(std::unique_ptr<JwtVerifier> verifier,
                             std::unique_ptr<PrincipalMap> principals,
                             bool dev_auth)
    : verifier_(std::move(verifier)),
      principals_(std::move(principals)),
      dev_auth_(dev_auth) {}

absl::StatusOr<Authentication> Authenticator::Authenticate(
    const AuthRequest& request) const {
  Authentication result;
  const bool has_certificate =
      request.client_certificate_verified && !request.certificate.empty();
  if (has_certificate)
    result.client_system = CertificateName(request.certificate);

  if (request.authorization.size() > 1) {
    return absl::UnauthenticatedError(
        "several authorization values: send exactly one bearer token");
  }
  if (request.authorization.size() == 1) {
    ASSIGN_OR_RETURN(const absl::string_view token,
                     BearerToken(request.authorization[0]));
    if (verifier_ == nullptr) {
      return absl::UnauthenticatedError(
          "bearer tokens are not accepted by this server (no token issuer "
          "is configured)");
    }
    ASSIGN_OR_RETURN(result.principal, verifier_->Verify(token));
    result.credential = CredentialKind::kBearerToken;
    return result;
  }
  if (has_certificate) {
    if (principals_ == nullptr) {
      return absl::UnauthenticatedError(
          "client certificates are not mapped to principals on this server; "
          "send a bearer token");
    }
    ASSIGN_OR_RETURN(result.principal,
                     principals_->Lookup(request.certificate));
    result.credential = CredentialKind::kClientCertificate;
    return result;
  }
  return absl::UnauthenticatedError(
      "no credentials: send a bearer token or a client certificate");
}

std::string Authenticator::Describe() const {
  std::string out;
  if (verifier_ != nullptr) {
    // Key ids, so that the log of a reload shows which keys are trusted.
    std::vector<std::string> kids;
    for (const PublicKey& key : verifier_->keys()) {
      kids.push_back(key.kid().empty() ? "no kid" : Quote(key.kid()));
    }
    std::string issuers;
    if (!verifier_->issuer().empty()) {
      absl::StrAppend(&issuers, "issuer ", Quote(verifier_->issuer()), ", ");
    }
    if (const ClaimMap* map = verifier_->claim_map(); map != nullptr) {
      absl::StrAppend(&issuers, "claim map of ", map->issuers().size(),
                      map->issuers().size() == 1 ? " issuer, " : " issuers, ");
    }
    absl::StrAppend(&out, dev_auth_ ? "development tokens" : "bearer tokens",
                    " (", issuers, "audience ", Quote(verifier_->audience()),
                    ", ", kids.size(), kids.size() == 1 ? " key: " : " keys: ",
                    absl::StrJoin(kids, ", "), ")");
  }
  if (principals_ != nullptr) {
    absl::StrAppend(&out, out.empty() ? "" : "; ", "client certificates (",
                    principals_->size(),
                    principals_->size() == 1 ? " principal)" : " principals)");
  }
  if (dev_auth_) absl::StrAppend(&out, "; NOT FOR PRODUCTION");
  return out;
}

}  // namespace atgard::auth
