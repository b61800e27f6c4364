// The request digest decides for 30 days whether a retry is the same
// command, so its encoding is pinned here: byte for byte against the
// documented form (services/app/request_digest.h), and as digests of fixed
// commands that must never change.
#include "services/app/request_digest.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "atgard/v1/commands.pb.h"
#include "google/protobuf/descriptor.h"

namespace atgard::app {
namespace {

std::string U32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
          static_cast<char>(v >> 8), static_cast<char>(v)};
}
std::string U64(uint64_t v) { return U32(v >> 32) + U32(v & 0xffffffffu); }
std::string Lp(const std::string& bytes) { return U32(bytes.size()) + bytes; }

v1::Command Mark(const std::string& case_id, const std::string& reason) {
  v1::Command command;
  v1::MarkCaseSystemLevel* m = command.mutable_mark_case_system_level();
  m->set_case_id(case_id);
  m->set_reason(reason);
  return command;
}

v1::Command Plan() {
  v1::Command command;
  v1::SubmitPlan* s = command.mutable_submit_plan();
  s->set_case_id("case-17");
  v1::PlannedAction* a = s->mutable_plan()->add_actions();
  a->set_number(1);
  a->add_cause_numbers(2);
  a->add_cause_numbers(-3);
  a->set_description("Fasta team per brukare");
  s->mutable_plan()->set_requests_extra_resources(true);
  return command;
}

const domain::Principal kOfficer{
    .subject = "anna", .role = v1::ROLE_FOLLOW_UP_OFFICER, .tenant = "0780"};

TEST(CanonicalMessage, IsTheDocumentedEncoding) {
  // Command{ mark_case_system_level (21) { case_id (1) "c1" } }: the empty
  // reason is not present.
  const std::string inner = U32(1) + U32(1) + Lp("c1");
  const std::string expected = U32(1) + U32(21) + Lp(inner);
  std::string out;
  AppendCanonicalMessage(Mark("c1", ""), &out);
  EXPECT_EQ(absl::BytesToHexString(out), absl::BytesToHexString(expected));
}

TEST(CanonicalMessage, EncodesRepeatedSignedAndBooleanFields) {
  // SubmitPlan { case_id (1), plan (2) { actions (2) [ { number (1) 1,
  //   cause_numbers (2) [2, -3], description (3) } ],
  //   requests_extra_resources (7) true } }
  const std::string action = U32(3) + U32(1) + U64(1) + U32(2) + U32(2) +
                             U64(2) + U64(static_cast<uint64_t>(-3)) + U32(3) +
                             Lp("Fasta team per brukare");
  const std::string plan =
      U32(2) + U32(2) + U32(1) + Lp(action) + U32(7) + std::string(1, '\1');
  const std::string submit =
      U32(2) + U32(1) + Lp("case-17") + U32(2) + Lp(plan);
  const std::string expected = U32(1) + U32(23) + Lp(submit);
  std::string out;
  AppendCanonicalMessage(Plan(), &out);
  EXPECT_EQ(absl::BytesToHexString(out), absl::BytesToHexString(expected));
}

TEST(RequestDigest, IsPinnedForFixedCommands) {
  // Changing these is changing what a retry within 30 days is matched
  // against: only with a new version tag and the old form still honoured.
  EXPECT_EQ(absl::BytesToHexString(RequestDigest("0780/case/c1", kOfficer,
                                                 Mark("c1",
                                                      "Brister "
                                                      "i flera "
                                                      "enheter"))),
            "469ccb03409cced0259cad506e6ce9bad176fb97cf33cd927a82bbd5c212c368");
  EXPECT_EQ(absl::BytesToHexString(
                RequestDigest("0780/case/case-17", kOfficer, Plan())),
            "17f58bf1b6f0d6565fe600eb2d7b2f6318af14a7cee69ec7b03418ff8dc0b6c9");
}

TEST(RequestDigest, DependsOnWhatTheCallerAskedAndWho) {
  const std::string base =
      RequestDigest("0780/case/c1", kOfficer, Mark("c1", "x"));
  EXPECT_EQ(base.size(), 32u);
  EXPECT_NE(base, RequestDigest("0780/case/c2", kOfficer, Mark("c1", "x")));
  EXPECT_NE(base, RequestDigest("0780/case/c1", kOfficer, Mark("c1", "y")));
  domain::Principal other = kOfficer;
  other.subject = "bertil";
  EXPECT_NE(base, RequestDigest("0780/case/c1", other, Mark("c1", "x")));
  other = kOfficer;
  other.role = v1::ROLE_CARE_DIRECTOR;
  EXPECT_NE(base, RequestDigest("0780/case/c1", other, Mark("c1", "x")));
}

TEST(RequestDigest, IgnoresHowTheMessageWasSerialized) {
  // The same command parsed back from bytes with its fields in another
  // order on the wire has the same digest.
  const v1::Command original = Plan();
  std::string wire;
  const v1::SubmitPlan& s = original.submit_plan();
  // Field 2 (plan) before field 1 (case_id), inside field 23.
  std::string submit;
  {
    v1::SubmitPlan plan_only;
    *plan_only.mutable_plan() = s.plan();
    v1::SubmitPlan id_only;
    id_only.set_case_id(s.case_id());
    submit = plan_only.SerializeAsString() + id_only.SerializeAsString();
  }
  v1::Command reordered;
  ASSERT_TRUE(reordered.mutable_submit_plan()->ParseFromString(submit));
  EXPECT_EQ(RequestDigest("0780/case/case-17", kOfficer, original),
            RequestDigest("0780/case/case-17", kOfficer, reordered));
}

// The encoding refuses map fields (it would abort on one): no command may
// hold one, at any depth.
void ExpectNoMaps(const google::protobuf::Descriptor& message,
                  std::set<const google::protobuf::Descriptor*>& seen) {
  if (!seen.insert(&message).second) return;
  for (int i = 0; i < message.field_count(); ++i) {
    const google::protobuf::FieldDescriptor& field = *message.field(i);
    EXPECT_FALSE(field.is_map()) << field.full_name();
    if (field.message_type() != nullptr) {
      ExpectNoMaps(*field.message_type(), seen);
    }
  }
}

TEST(CanonicalMessage, NoCommandHoldsAMap) {
  std::set<const google::protobuf::Descriptor*> seen;
  ExpectNoMaps(*v1::Command::descriptor(), seen);
  EXPECT_GT(seen.size(), 10u);
}

TEST(RequestDigest, TheLegacyFormIsPinnedToo) {
  // What records stored before the canonical digest hold: protobuf's
  // deterministic serialization with u64 length prefixes. Computed apart
  // from this code: SHA-256 of u64-length-prefixed "0780/case/c1", "anna",
  // "FOLLOW_UP_OFFICER" and the bytes aa 01 07 0a 02 63 31 12 01 78.
  EXPECT_EQ(absl::BytesToHexString(
                LegacyRequestDigest("0780/case/c1", kOfficer, Mark("c1", "x"))),
            "053da15dd4d49436a1e706641831ede2f18d8ba4770e7909b36882522ce8d676");
}

TEST(RequestDigest, DiffersFromTheLegacyForm) {
  EXPECT_NE(RequestDigest("0780/case/c1", kOfficer, Mark("c1", "x")),
            LegacyRequestDigest("0780/case/c1", kOfficer, Mark("c1", "x")));
}

}  // namespace
}  // namespace atgard::app
