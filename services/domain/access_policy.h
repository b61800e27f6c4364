// Who may call which RPC, declared once: for every RPC of the public API
// (by its full gRPC method name) and, where the answer depends on the
// case, for each variant (the case's regiform and step, or the closure of
// CloseCase), the roles allowed and the scope they act in.
//
// Everything else reads this table: the gRPC adapters refuse a role that
// no row of the RPC allows before they look at the request; the proto
// comments' "Roles:" lines and tests/e2e/AUTHORIZATION_MATRIX.md are
// rendered from it (a lint fails on a stale copy); a unit test checks every
// row against the deciders, which check the role again for the case's
// actual step, and an end-to-end test checks rows against the real server.
// A new RPC without a row is refused to every caller and fails the tests.
//
// Thread safety: everything here is immutable after first use and safe to
// call from any thread.
#ifndef ATGARD_SERVICES_DOMAIN_ACCESS_POLICY_H_
#define ATGARD_SERVICES_DOMAIN_ACCESS_POLICY_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/types.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

// Where an allowed role acts.
enum class AccessScope {
  // The caller's own tenant (kommun) only.
  kTenant,
  // The caller's own tenant; a PROVIDER only its own provider's aggregates
  // and streams (for reads, the rule of read_access.h).
  kOwnProvider,
  // Not bound to a tenant: the server itself (diagnostics, operations).
  kAnyTenant,
};

// One row: an RPC, or one variant of it.
struct AccessRule {
  // The full gRPC method name: "/atgard.v1.CaseService/CloseCase".
  absl::string_view method;
  // The variant, for case commands whose roles depend on the case: its
  // regiform and steps (UNSPECIFIED and empty: any), or CloseCase's
  // closures (empty: any).
  v1::Regiform regiform = v1::REGIFORM_UNSPECIFIED;
  std::vector<v1::EscalationStep> steps;
  std::vector<v1::CaseClosure> closures;
  // The roles allowed, in the Role enum's order. SYSTEM is the server's
  // own role (policies); no token carries it.
  std::vector<v1::Role> roles;
  AccessScope scope = AccessScope::kTenant;
};

// Every row, grouped by service in the proto files' order and by RPC in
// each service's order.
const std::vector<AccessRule>& AccessPolicy();

// "CaseService" and "CloseCase" of a rule's method.
absl::string_view ServiceName(const AccessRule& rule);
absl::string_view RpcName(const AccessRule& rule);

// The variant in words: "" (the RPC as a whole), "municipal unit, steps 1,
// 2", "private provider, step 4", "closure CONTRACT_TERMINATED".
std::string VariantName(const AccessRule& rule);

// "tenant", "own provider" or "any tenant".
absl::string_view ScopeName(AccessScope scope);

// The rows of `method`, in table order; empty if it has none.
std::vector<const AccessRule*> RulesFor(absl::string_view method);

// The roles any row of `method` allows (in the Role enum's order); empty
// if it has no row.
std::vector<v1::Role> RolesFor(absl::string_view method);

// OK if some row of `method` allows the principal's role. Else
// PERMISSION_DENIED naming the role and the roles allowed ("role AUDITOR
// may not call CaseService/CloseCase (allowed: ...)"), and for a method
// without a row PERMISSION_DENIED as well: an RPC nobody declared is
// refused to everyone. Says nothing about the variant, the tenant or the
// provider: the deciders and the reads check those against the aggregate.
[[nodiscard]] absl::Status CheckCallerRole(absl::string_view method,
                                           const Principal& principal);

// tests/e2e/AUTHORIZATION_MATRIX.md: one line per row, a column per role a
// token can carry, and the scope.
std::string RenderAuthorizationMatrix();

// `proto`, the text of one proto/atgard/v1/*_service.proto file, with the
// comment of every rpc ending in its "Roles:" line from the table (an
// existing one replaced, a missing one appended), e.g.
//   // Roles: FOLLOW_UP_OFFICER, MEDICAL_OFFICER, SYSTEM.
// INVALID_ARGUMENT if an rpc has no row, or a service or rpc line cannot
// be read.
absl::StatusOr<std::string> RenderProtoRoles(absl::string_view proto);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_ACCESS_POLICY_H_
