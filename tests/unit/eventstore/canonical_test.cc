// The hashed encodings: a fixed vector pins the format (any change to it is
// a format change), every field counts, and field boundaries are
// unambiguous.
#include "eventstore/canonical.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"

namespace atgard::eventstore {
namespace {

v1::EventEnvelope Sample() {
  v1::EventEnvelope e;
  e.set_global_position(1);
  e.set_stream_id("case-0780-1");
  e.set_stream_version(1);
  e.set_event_type("CaseRegistered");
  e.set_schema_version(2);
  e.set_payload("{}");
  v1::EventMetadata* m = e.mutable_metadata();
  m->set_actor_subject("anna");
  m->set_actor_role("case_officer");
  m->set_tenant("0780");
  m->set_correlation_id("corr");
  m->set_causation_id("cause");
  m->set_command_id("cmd-1");
  e.mutable_recorded_at()->set_seconds(1795000000);
  e.mutable_recorded_at()->set_nanos(5);
  e.set_previous_hash(std::string(32, '\0'));
  return e;
}

// Computed independently from the specification in canonical.h.
constexpr char kSampleEncoding[] =
    "0000000f6174676172642e6576656e742e76310000000000000001"
    "0000000b636173652d303738302d310000000000000001"
    "0000000e43617365526567697374657265640000000200000002"
    "7b7d00000004616e6e610000000c636173655f6f666669636572"
    "000000043037383000000004636f727200000005636175736500"
    "000005636d642d31000000006afd86c000000005000000200000"
    "000000000000000000000000000000000000000000000000000000"
    "000000";
constexpr char kSampleHash[] =
    "614e4d234ab0a94e52ac949eda8270d92f6fe55326075c19a67aac3b2810d9e8";
constexpr char kSampleCommandDigest[] =
    "86f2527452eee6b6c1b13ad96c423c780a1a2514ba6a39810386ac77b04ca423";

TEST(Canonical, EventEncodingMatchesTheSpecification) {
  std::string encoded;
  AppendCanonicalEvent(Sample(), &encoded);
  EXPECT_EQ(absl::BytesToHexString(encoded), kSampleEncoding);
  std::string scratch;
  EXPECT_EQ(HexHash(EventHash(Sample(), &scratch)), kSampleHash);
}

TEST(Canonical, TheStoredHashFieldIsNotHashed) {
  v1::EventEnvelope e = Sample();
  e.set_hash("anything");
  std::string scratch;
  EXPECT_EQ(HexHash(EventHash(e, &scratch)), kSampleHash);
}

TEST(Canonical, EveryFieldChangesTheHash) {
  const std::vector<std::function<void(v1::EventEnvelope*)>> changes = {
      [](auto* e) { e->set_global_position(2); },
      [](auto* e) { e->set_stream_id("case-0780-2"); },
      [](auto* e) { e->set_stream_version(2); },
      [](auto* e) { e->set_event_type("CaseClosed"); },
      [](auto* e) { e->set_schema_version(3); },
      [](auto* e) { e->set_payload("{ }"); },
      [](auto* e) { e->mutable_metadata()->set_actor_subject("bo"); },
      [](auto* e) { e->mutable_metadata()->set_actor_role("auditor"); },
      [](auto* e) { e->mutable_metadata()->set_tenant("0180"); },
      [](auto* e) { e->mutable_metadata()->set_correlation_id("c2"); },
      [](auto* e) { e->mutable_metadata()->set_causation_id("c3"); },
      [](auto* e) { e->mutable_metadata()->set_command_id("cmd-2"); },
      [](auto* e) { e->mutable_recorded_at()->set_seconds(1795000001); },
      [](auto* e) { e->mutable_recorded_at()->set_nanos(6); },
      [](auto* e) {
        std::string h(32, '\0');
        h[31] = 1;
        e->set_previous_hash(h);
      },
  };
  std::string scratch;
  for (size_t i = 0; i < changes.size(); ++i) {
    v1::EventEnvelope e = Sample();
    changes[i](&e);
    EXPECT_NE(HexHash(EventHash(e, &scratch)), kSampleHash) << "change " << i;
  }
}

TEST(Canonical, FieldBoundariesAreUnambiguous) {
  v1::EventEnvelope a = Sample(), b = Sample();
  a.set_stream_id("case-1");
  a.set_event_type("XY");
  b.set_stream_id("case-1X");
  b.set_event_type("Y");
  std::string scratch;
  EXPECT_NE(EventHash(a, &scratch), EventHash(b, &scratch));

  a = Sample();
  b = Sample();
  a.mutable_metadata()->set_tenant("07");
  a.mutable_metadata()->set_correlation_id("80");
  b.mutable_metadata()->set_tenant("0780");
  b.mutable_metadata()->set_correlation_id("");
  EXPECT_NE(EventHash(a, &scratch), EventHash(b, &scratch));
}

TEST(Canonical, CommandDigestMatchesTheSpecification) {
  v1::EventMetadata m = Sample().metadata();
  const std::vector<NewEvent> events = {
      {.event_type = "CaseRegistered", .schema_version = 2, .payload = "{}"}};
  EXPECT_EQ(HexHash(CommandDigest("case-0780-1", ExpectedVersion::Exact(7),
                                  events, m)),
            kSampleCommandDigest);
  // The command id is the key of the record, not part of its content.
  m.set_command_id("other");
  EXPECT_EQ(HexHash(CommandDigest("case-0780-1", ExpectedVersion::Exact(7),
                                  events, m)),
            kSampleCommandDigest);
}

TEST(Canonical, CommandDigestSeesEveryInput) {
  const v1::EventMetadata m = Sample().metadata();
  const std::vector<NewEvent> one = {{.event_type = "A", .payload = "p"}};
  const keys::Hash base = CommandDigest("s-1", ExpectedVersion::Any(), one, m);
  EXPECT_NE(base, CommandDigest("s-2", ExpectedVersion::Any(), one, m));
  EXPECT_NE(base, CommandDigest("s-1", ExpectedVersion::NoStream(), one, m));
  EXPECT_NE(base,
            CommandDigest("s-1", ExpectedVersion::StreamExists(), one, m));
  EXPECT_NE(CommandDigest("s-1", ExpectedVersion::Exact(1), one, m),
            CommandDigest("s-1", ExpectedVersion::Exact(2), one, m));
  const std::vector<NewEvent> two = {{.event_type = "A", .payload = "p"},
                                     {.event_type = "A", .payload = "p"}};
  EXPECT_NE(base, CommandDigest("s-1", ExpectedVersion::Any(), two, m));
  const std::vector<NewEvent> split = {{.event_type = "Ap", .payload = ""}};
  EXPECT_NE(base, CommandDigest("s-1", ExpectedVersion::Any(), split, m));
  v1::EventMetadata other = m;
  other.set_causation_id("x");
  EXPECT_NE(base, CommandDigest("s-1", ExpectedVersion::Any(), one, other));
}

}  // namespace
}  // namespace atgard::eventstore
