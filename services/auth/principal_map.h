// Mutual TLS: which principal a verified client certificate stands for.
//
// The mapping is a JSON file (the server's --mtls_principals):
//
//   {
//     "principals": [
//       {
//         "match": {"common_name": "uu-system.kommun.example"},
//         "subject": "system:uu-register",
//         "role": "FOLLOW_UP_OFFICER",
//         "tenant": "0780"
//       },
//       {
//         "match": {"san_uri": "spiffe://kommun.example/provider/omsorg-ab"},
//         "subject": "system:omsorg-ab",
//         "role": "PROVIDER",
//         "tenant": "0780",
//         "provider_id": "omsorg-ab"
//       },
//       {
//         "match": {"common_name": "ops", "san_dns": "ops.kommun.example"},
//         "subject": "system:ops",
//         "role": "OPERATOR",
//         "tenant": "0780"
//       }
//     ]
//   }
//
// "match" holds one or more of "common_name" (the subject CN, exact),
// "san_dns" (a DNS subjectAltName, compared without regard to ASCII case)
// and "san_uri" (a URI subjectAltName, exact); an entry applies when all of
// its conditions hold. The principal fields follow principal_rules.h: the
// role is an atgard.v1.Role name without "ROLE_" (never SYSTEM), the tenant
// a kommunkod, and "provider_id" is required for PROVIDER and refused for
// every other role. Unknown members are errors, so that a misspelt
// condition cannot silently widen a match.
//
// The certificate is trusted because the TLS layer verified it against the
// configured client CA; this map only names it. A certificate that matches
// no entry, or more than one, is not authenticated.
//
// Thread-safe: immutable after Load/Parse; Lookup may be called
// concurrently.
#ifndef ATGARD_SERVICES_AUTH_PRINCIPAL_MAP_H_
#define ATGARD_SERVICES_AUTH_PRINCIPAL_MAP_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/domain/principal.h"

namespace atgard::auth {

// A verified client certificate's identity, as gRPC reports it in the
// call's auth context (grpc::AuthContext::FindPropertyValues):
struct PeerCertificate {
  // "x509_common_name" (GRPC_X509_CN_PROPERTY_NAME); empty if none.
  std::string common_name;
  // "peer_dns" (GRPC_PEER_DNS_PROPERTY_NAME): the DNS subjectAltNames.
  std::vector<std::string> dns_names;
  // "peer_uri" (GRPC_PEER_URI_PROPERTY_NAME): the URI subjectAltNames.
  std::vector<std::string> uris;

  bool empty() const {
    return common_name.empty() && dns_names.empty() && uris.empty();
  }
};

class PrincipalMap {
 public:
  // Reads and checks the file. Errors name `flag` and `path`: NOT_FOUND or
  // PERMISSION_DENIED if it cannot be read; INVALID_ARGUMENT for anything
  // wrong in it, naming the entry ("principals[2].tenant: ..."), including
  // two entries with identical conditions.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PrincipalMap>> Load(
      absl::string_view path, absl::string_view flag);

  // As Load, from text; `source` names it in errors.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<PrincipalMap>> Parse(
      absl::string_view json, absl::string_view source);

  // The principal of the one entry that matches `cert`. UNAUTHENTICATED if
  // none does ("client certificate CN=... is not mapped to a principal")
  // or if several do (a configuration mistake that must not be resolved by
  // guessing).
  [[nodiscard]] absl::StatusOr<domain::Principal> Lookup(
      const PeerCertificate& cert) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string common_name;
    std::string san_dns;  // lower case
    std::string san_uri;
    domain::Principal principal;
  };

  PrincipalMap() = default;
  bool Matches(const Entry& entry, const PeerCertificate& cert) const;

  std::vector<Entry> entries_;
  // Every entry is indexed under one of its conditions, so Lookup only
  // looks at entries that can match.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_common_name_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_san_dns_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_san_uri_;
};

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_PRINCIPAL_MAP_H_
