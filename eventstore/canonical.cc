#include "eventstore/canonical.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace atgard::eventstore {

void PutFixed32(std::string* out, uint32_t value) {
  const char buf[4] = {static_cast<char>(value >> 24),
                       static_cast<char>(value >> 16),
                       static_cast<char>(value >> 8), static_cast<char>(value)};
  out->append(buf, sizeof(buf));
}

void PutLengthPrefixed(std::string* out, absl::string_view bytes) {
  // Append() bounds every field far below 4 GiB; a longer one here would
  // make the encoding ambiguous, which must never be written.
  if (bytes.size() > UINT32_MAX) std::abort();
  PutFixed32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes.data(), bytes.size());
}

namespace {

void PutMetadataWithoutCommandId(std::string* out,
                                 const v1::EventMetadata& metadata) {
  PutLengthPrefixed(out, metadata.actor_subject());
  PutLengthPrefixed(out, metadata.actor_role());
  PutLengthPrefixed(out, metadata.tenant());
  PutLengthPrefixed(out, metadata.correlation_id());
  PutLengthPrefixed(out, metadata.causation_id());
}

}  // namespace

void AppendCanonicalEvent(const v1::EventEnvelope& event, std::string* out) {
  PutLengthPrefixed(out, "atgard.event.v1");
  keys::PutFixed64(out, event.global_position());
  PutLengthPrefixed(out, event.stream_id());
  keys::PutFixed64(out, event.stream_version());
  PutLengthPrefixed(out, event.event_type());
  PutFixed32(out, event.schema_version());
  PutLengthPrefixed(out, event.payload());
  PutMetadataWithoutCommandId(out, event.metadata());
  PutLengthPrefixed(out, event.metadata().command_id());
  keys::PutFixed64(out, static_cast<uint64_t>(event.recorded_at().seconds()));
  PutFixed32(out, static_cast<uint32_t>(event.recorded_at().nanos()));
  PutLengthPrefixed(out, event.previous_hash());
}

keys::Hash EventHash(const v1::EventEnvelope& event, std::string* scratch) {
  scratch->clear();
  AppendCanonicalEvent(event, scratch);
  return Sha256(*scratch);
}

void AppendCanonicalCommand(absl::string_view stream_id,
                            const ExpectedVersion& expected,
                            absl::Span<const NewEvent> events,
                            const v1::EventMetadata& metadata,
                            std::string* out) {
  PutLengthPrefixed(out, "atgard.command.v1");
  PutLengthPrefixed(out, stream_id);
  out->push_back(static_cast<char>(expected.kind()));
  keys::PutFixed64(out, expected.kind() == ExpectedVersion::Kind::kExact
                            ? expected.version()
                            : 0);
  PutFixed32(out, static_cast<uint32_t>(events.size()));
  for (const NewEvent& e : events) {
    PutLengthPrefixed(out, e.event_type);
    PutFixed32(out, e.schema_version);
    PutLengthPrefixed(out, e.payload);
  }
  PutMetadataWithoutCommandId(out, metadata);
}

keys::Hash CommandDigest(absl::string_view stream_id,
                         const ExpectedVersion& expected,
                         absl::Span<const NewEvent> events,
                         const v1::EventMetadata& metadata) {
  std::string buf;
  AppendCanonicalCommand(stream_id, expected, events, metadata, &buf);
  return Sha256(buf);
}

keys::Hash RecordDigest(absl::string_view stream_id,
                        const ExpectedVersion& expected,
                        absl::Span<const NewEvent> events,
                        const v1::EventMetadata& metadata,
                        absl::string_view request_digest) {
  if (!request_digest.empty()) {
    return Sha256(absl::StrCat("atgard.request-digest",
                               absl::string_view("\0", 1), request_digest));
  }
  return CommandDigest(stream_id, expected, events, metadata);
}

keys::Hash Sha256(absl::string_view data) {
  // Fetched once: OpenSSL 3's one-shot SHA256() looks the algorithm up by
  // name on every call, which cost more than hashing an event.
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  keys::Hash hash;
  unsigned int size = 0;
  if (md == nullptr ||
      EVP_Digest(data.data(), data.size(), hash.data(), &size, md, nullptr) !=
          1 ||
      size != hash.size()) {
    // Without a working SHA-256 no event could be chained or verified.
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof(reason));
    ABSL_RAW_LOG(FATAL, "SHA-256 from OpenSSL failed: %s", reason);
  }
  return hash;
}

std::string HexHash(const keys::Hash& hash) {
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(hash.data()), hash.size()));
}

}  // namespace atgard::eventstore
