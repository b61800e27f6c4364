// Who may read what: the one rule every read of workflow data follows (the
// Get RPCs, ReadStream), and the role lists the access policy grants the
// reads by. Pure: the caller loads what the rule needs and passes it in.
//
// The rule, in the order it is checked:
//
//   1. A role that reads no workflow data (OPERATOR, SYSTEM, none) is
//      PERMISSION_DENIED, whatever it asks for: the refusal names the role
//      and the roles allowed, and tells nothing about the target.
//   2. Another tenant's stream is NOT_FOUND: for a principal, no other
//      tenant exists.
//   3. The read log (`<tenant>/access/<day>`) is read by every reading role
//      except PROVIDER, which is PERMISSION_DENIED (the read log names
//      every reader's requests, not one provider's data). A read log that
//      holds no events is the store's to report (NotReadable()).
//   4. An aggregate that does not exist is NOT_FOUND.
//   5. A PROVIDER reads only its own provider's aggregates: its provider,
//      the contracts and cases that name it, and the indicator series and
//      care plans of its units. Any other aggregate, existing or not, is
//      NOT_FOUND with the very message a missing one gets, so that a
//      provider cannot tell another provider's ids from ids nobody uses. A
//      PROVIDER without a provider id owns nothing.
//   6. Every other reading role (FOLLOW_UP_OFFICER, CARE_DIRECTOR,
//      ADMINISTRATION_DIRECTOR, MEDICAL_OFFICER, AUDITOR, SUPERVISOR) reads
//      every aggregate of its tenant.
//
// Every NOT_FOUND here is NotReadable(field): one message for missing,
// foreign and another tenant's, so that no answer tells them apart.
//
// Thread safety: everything here is stateless or immutable after first
// use, and safe to call from any thread.
#ifndef ATGARD_SERVICES_DOMAIN_READ_ACCESS_H_
#define ATGARD_SERVICES_DOMAIN_READ_ACCESS_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/types.pb.h"
#include "services/domain/decider.h"
#include "services/domain/principal.h"
#include "services/domain/streams.h"

namespace atgard::domain {

// The roles that read workflow data in their tenant (aggregates and their
// streams; a PROVIDER only its own provider's), in the Role enum's order.
const std::vector<v1::Role>& WorkflowReaders();

// WorkflowReaders() without PROVIDER: the roles that read the read log and
// the log across streams (ReadAll, Subscribe), in the Role enum's order.
const std::vector<v1::Role>& LogReaders();

// True unless `principal` is a PROVIDER that does not act for
// `provider_id`: a PROVIDER acts only for its own provider, and one
// without a provider id for none. The ownership half of rule 5, shared
// with the deciders' check of commands (RequireOwnProvider, checks.h).
bool ActsForProvider(const Principal& principal, absl::string_view provider_id);

// Whether CheckStreamRead() must be given the aggregate's folded state to
// decide for `principal`: true for a PROVIDER reading a case or a contract
// of its own tenant, whose owner is named in their content. For anything
// else the stream id suffices (and the caller may load nothing).
bool ReadNeedsState(const Principal& principal, const StreamName& stream);

// May `principal` read `stream` (as ParseStreamId() returned it)?
//
// `state` is the folded state of the aggregate the stream holds, as the
// caller loaded it from the principal's tenant (one that does not exist is
// passed as such: domain::Exists() false), or null if the caller did not
// load it. It must not be null where ReadNeedsState() is true; it is
// ignored for the read log.
//
// OK if the rule above allows the read; the caller still answers
// NotReadable(field) if the stream turns out to hold no events.
// PERMISSION_DENIED (no field) for a role that reads no workflow data, and
// for a PROVIDER asking for the read log. NotReadable(field) for another
// tenant's stream, an aggregate that does not exist (when `state` says
// so), and for a PROVIDER another provider's aggregate. INTERNAL if
// ReadNeedsState() held and `state` is null or of another kind: a bug in
// the caller, refused rather than guessed.
[[nodiscard]] absl::Status CheckStreamRead(const Principal& principal,
                                           absl::string_view field,
                                           const StreamName& stream,
                                           const AggregateState* state);

// May `principal` read the aggregate `ref` of its own tenant, whose folded
// state the caller loaded (one that does not exist passed as such)? The
// same rule and answers as CheckStreamRead() for that aggregate's stream,
// with `field` the request's id field (e.g. "case_id").
[[nodiscard]] absl::Status CheckAggregateRead(const Principal& principal,
                                              absl::string_view field,
                                              const AggregateRef& ref,
                                              const AggregateState& state);

// NOT_FOUND naming `field`: what a read of something the principal cannot
// see answers, whether it is missing, another provider's or another
// tenant's.
[[nodiscard]] absl::Status NotReadable(absl::string_view field);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_READ_ACCESS_H_
