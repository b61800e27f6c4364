// Who may read what (services/domain/read_access.h): every role × every
// kind of stream and aggregate × its own provider's, another provider's and
// a missing one, in its own tenant and from another; the read log; and the
// rule's edge cases. The rules: services/domain/RULES.md#read-access.
#include "services/domain/read_access.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/domain/errors.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_world.h"

namespace atgard::testing {
namespace {

using Code = absl::StatusCode;

const absl::CivilDay kToday = Day(2026, 3, 2);

// What a read gets.
enum class Answer {
  kAllowed,   // OK
  kDenied,    // PERMISSION_DENIED
  kNotFound,  // NOT_FOUND naming the field, the same for every cause
};

const char* Name(Answer answer) {
  switch (answer) {
    case Answer::kAllowed:
      return "allowed";
    case Answer::kDenied:
      return "denied";
    case Answer::kNotFound:
      return "not found";
  }
  return "?";
}

// The answer of one read, checked against what the rule says.
class ReadOutcome {
 public:
  ReadOutcome(absl::Status status, std::string field)
      : status_(std::move(status)), field_(std::move(field)) {}

  void Then(Answer expected) const {
    switch (expected) {
      case Answer::kAllowed:
        EXPECT_TRUE(status_.ok()) << status_;
        return;
      case Answer::kDenied:
        EXPECT_EQ(status_.code(), Code::kPermissionDenied) << status_;
        EXPECT_EQ(domain::FieldOf(status_), "") << status_;
        return;
      case Answer::kNotFound:
        // Missing, another provider's and another tenant's answer alike.
        EXPECT_EQ(status_, domain::NotReadable(field_)) << status_;
        EXPECT_EQ(domain::FieldOf(status_), field_) << status_;
        return;
    }
  }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
  std::string field_;
};

// A read in a world: Given(world).As(principal).WhenReading(stream_id).
class ReadScenario {
 public:
  explicit ReadScenario(const World& world) : world_(&world) {}
  ReadScenario& As(domain::Principal principal) {
    principal_ = std::move(principal);
    return *this;
  }
  // The stream read as ReadStream reads it: the aggregate's state (from the
  // tenant the id names) is loaded only where ReadNeedsState() asks.
  ReadOutcome WhenReading(const std::string& stream_id) const {
    return Read(stream_id, /*always_load=*/false);
  }
  // The read with the aggregate's state always loaded, as the Get RPCs
  // load it.
  ReadOutcome WhenGetting(const std::string& stream_id) const {
    return Read(stream_id, /*always_load=*/true);
  }

 private:
  ReadOutcome Read(const std::string& stream_id, bool always_load) const {
    absl::StatusOr<domain::StreamName> name = domain::ParseStreamId(stream_id);
    EXPECT_TRUE(name.ok()) << name.status();
    if (!name.ok()) return ReadOutcome(name.status(), "stream_id");
    std::optional<domain::AggregateState> state;
    if (name->kind.has_value() &&
        (always_load || domain::ReadNeedsState(principal_, *name))) {
      state = world_->State(name->tenant, {*name->kind, name->id});
    }
    return ReadOutcome(
        domain::CheckStreamRead(principal_, "stream_id", *name,
                                state.has_value() ? &*state : nullptr),
        "stream_id");
  }

  const World* world_;
  domain::Principal principal_;
};

ReadScenario Given(const World& world) { return ReadScenario(world); }

std::string Stream(domain::AggregateKind kind, absl::string_view id,
                   absl::string_view tenant = kTenant) {
  return domain::StreamId(tenant, {kind, std::string(id)});
}

// The seeded providers with a case, a contract, an indicator series and a
// care plan of each private provider.
class ReadAccess : public ::testing::Test {
 protected:
  void SetUp() override {
    SeedProviders(world_);
    SeedProviders(world_, kOtherTenant);
    const domain::Principal officer = FollowUpOfficer();
    world_.MustRun(
        officer, kToday,
        RegisterCase("eget", kPrivateProvider, kPrivateUnit, kToday - 7));
    world_.MustRun(
        officer, kToday,
        RegisterCase("annat", kOtherProvider, kOtherUnit, kToday - 7));
    world_.MustRun(
        AdministrationDirector(), kToday,
        RegisterContract("avtal-annat", Terms(kOtherProvider, Day(2025, 1, 1),
                                              Day(2027, 12, 31))));
    world_.MustRun(officer, kToday,
                   RecordMeasurement("m-1", kPrivateProvider, kPrivateUnit,
                                     "kontinuitet", 2025, kToday, false));
    world_.MustRun(officer, kToday,
                   RecordMeasurement("m-2", kOtherProvider, kOtherUnit,
                                     "kontinuitet", 2025, kToday, false));
    world_.MustRun(ProviderStaff(kPrivateProvider), kToday,
                   RecordCarePlanReview("g-1", kPrivateProvider, kPrivateUnit,
                                        "brukare-1", kToday));
    world_.MustRun(ProviderStaff(kOtherProvider), kToday,
                   RecordCarePlanReview("g-2", kOtherProvider, kOtherUnit,
                                        "brukare-2", kToday));
  }

  World world_;
};

// One stream and what the reading roles get: the roles that read all of
// the tenant, and the PROVIDER of kPrivateProvider.
struct Target {
  std::string what;
  std::string stream_id;
  Answer readers;
  Answer provider;
};

using K = domain::AggregateKind;

std::vector<Target> Targets() {
  const Answer ok = Answer::kAllowed;
  const Answer none = Answer::kNotFound;
  return {
      {"its provider", Stream(K::kProvider, kPrivateProvider), ok, ok},
      {"another provider", Stream(K::kProvider, kOtherProvider), ok, none},
      {"a missing provider", Stream(K::kProvider, "finns-inte"), none, none},
      {"its contract", Stream(K::kContract, kContract), ok, ok},
      {"another provider's contract", Stream(K::kContract, "avtal-annat"), ok,
       none},
      {"a missing contract", Stream(K::kContract, "finns-inte"), none, none},
      {"its case", Stream(K::kCase, "eget"), ok, ok},
      {"another provider's case", Stream(K::kCase, "annat"), ok, none},
      {"a missing case", Stream(K::kCase, "finns-inte"), none, none},
      {"its indicator series",
       Stream(K::kIndicatorSeries,
              domain::SeriesId(kPrivateProvider, kPrivateUnit, "kontinuitet")),
       ok, ok},
      {"another provider's indicator series",
       Stream(K::kIndicatorSeries,
              domain::SeriesId(kOtherProvider, kOtherUnit, "kontinuitet")),
       ok, none},
      {"a missing indicator series of its own",
       Stream(K::kIndicatorSeries,
              domain::SeriesId(kPrivateProvider, kPrivateUnit, "finns-inte")),
       none, none},
      {"its care plan",
       Stream(K::kCarePlan,
              domain::CarePlanId(kPrivateProvider, kPrivateUnit, "brukare-1")),
       ok, ok},
      {"another provider's care plan",
       Stream(K::kCarePlan,
              domain::CarePlanId(kOtherProvider, kOtherUnit, "brukare-2")),
       ok, none},
      {"a missing care plan of its own",
       Stream(K::kCarePlan,
              domain::CarePlanId(kPrivateProvider, kPrivateUnit, "ingen")),
       none, none},
      {"the read log", domain::AccessStreamId(kTenant, kToday), ok,
       Answer::kDenied},
  };
}

std::vector<domain::Principal> TenantReaders() {
  return {FollowUpOfficer(), CareDirector(), AdministrationDirector(),
          MedicalOfficer(),  Auditor(),      Supervisor()};
}

// Every role that reads, in its own tenant, gets the answer of the table;
// the read-only roles read as much as the officers.
TEST_F(ReadAccess, EveryRoleReadsWhatTheRuleAllows) {
  for (const Target& t : Targets()) {
    for (const domain::Principal& p : TenantReaders()) {
      SCOPED_TRACE(absl::StrCat(domain::RoleName(p.role), " reading ", t.what,
                                ": expected ", Name(t.readers)));
      Given(world_).As(p).WhenGetting(t.stream_id).Then(t.readers);
    }
    SCOPED_TRACE(absl::StrCat("PROVIDER reading ", t.what, ": expected ",
                              Name(t.provider)));
    Given(world_)
        .As(ProviderStaff(kPrivateProvider))
        .WhenGetting(t.stream_id)
        .Then(t.provider);
  }
}

// OPERATOR and SYSTEM read no workflow data: denied, missing or not, so
// the refusal tells nothing.
TEST_F(ReadAccess, RolesThatReadNothingAreDeniedBlind) {
  for (const Target& t : Targets()) {
    for (const domain::Principal& p : {Operator(), System()}) {
      SCOPED_TRACE(absl::StrCat(domain::RoleName(p.role), " reading ", t.what));
      const ReadOutcome outcome = Given(world_).As(p).WhenGetting(t.stream_id);
      outcome.Then(Answer::kDenied);
      EXPECT_EQ(
          outcome.status(),
          Given(world_).As(p).WhenGetting(Targets()[0].stream_id).status());
    }
  }
}

// Another tenant's streams do not exist for a principal: NOT_FOUND for
// every role that reads, the read log included, though the same ids exist
// in its own tenant.
TEST_F(ReadAccess, AnotherTenantsStreamsAreNotFound) {
  std::vector<domain::Principal> elsewhere;
  for (const domain::Principal& p : TenantReaders()) {
    domain::Principal q = p;
    q.tenant = kOtherTenant;
    elsewhere.push_back(q);
  }
  elsewhere.push_back(ProviderStaff(kPrivateProvider, kOtherTenant));
  for (const Target& t : Targets()) {
    for (const domain::Principal& p : elsewhere) {
      SCOPED_TRACE(absl::StrCat(domain::RoleName(p.role), " of ", p.tenant,
                                " reading ", t.what));
      Given(world_).As(p).WhenGetting(t.stream_id).Then(Answer::kNotFound);
      Given(world_).As(p).WhenReading(t.stream_id).Then(Answer::kNotFound);
    }
  }
}

// A provider cannot tell another provider's aggregate from a missing one:
// the two answers are identical, message included.
TEST_F(ReadAccess, AnotherProvidersAggregateLooksMissing) {
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  for (K kind : {K::kProvider, K::kContract, K::kCase}) {
    const std::string other = kind == K::kProvider   ? kOtherProvider
                              : kind == K::kContract ? "avtal-annat"
                                                     : "annat";
    SCOPED_TRACE(domain::KindName(kind));
    EXPECT_EQ(Given(world_).As(staff).WhenGetting(Stream(kind, other)).status(),
              Given(world_)
                  .As(staff)
                  .WhenGetting(Stream(kind, "finns-inte"))
                  .status());
  }
}

// A PROVIDER without a provider id owns nothing; the read log stays
// denied to it.
TEST_F(ReadAccess, AProviderWithoutAProviderIdReadsNothing) {
  domain::Principal nobody = ProviderStaff(kPrivateProvider);
  nobody.provider_id.clear();
  for (const Target& t : Targets()) {
    SCOPED_TRACE(t.what);
    Given(world_)
        .As(nobody)
        .WhenGetting(t.stream_id)
        .Then(t.provider == Answer::kDenied ? Answer::kDenied
                                            : Answer::kNotFound);
  }
}

// ReadStream folds an aggregate only where a PROVIDER's ownership is in
// its content (cases, contracts); for everything else the id decides, and
// a stream without events is the store's to report.
TEST_F(ReadAccess, OnlyAProvidersCasesAndContractsNeedTheirState) {
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  auto needs = [](const domain::Principal& p, const std::string& id) {
    return domain::ReadNeedsState(p, *domain::ParseStreamId(id));
  };
  EXPECT_TRUE(needs(staff, Stream(K::kCase, "annat")));
  EXPECT_TRUE(needs(staff, Stream(K::kContract, "avtal-annat")));
  EXPECT_FALSE(needs(staff, Stream(K::kProvider, kOtherProvider)));
  EXPECT_FALSE(needs(staff, domain::AccessStreamId(kTenant, kToday)));
  EXPECT_FALSE(
      needs(staff, Stream(K::kCase, "annat", /*tenant=*/kOtherTenant)));
  EXPECT_FALSE(needs(FollowUpOfficer(), Stream(K::kCase, "annat")));
  EXPECT_FALSE(needs(Auditor(), Stream(K::kContract, "avtal-annat")));

  // Unloaded, the rule decides by the id alone.
  Given(world_)
      .As(staff)
      .WhenReading(Stream(K::kProvider, "finns-inte"))
      .Then(Answer::kNotFound);
  Given(world_)
      .As(staff)
      .WhenReading(Stream(
          K::kIndicatorSeries,
          domain::SeriesId(kPrivateProvider, kPrivateUnit, "finns-inte")))
      .Then(Answer::kAllowed);
  Given(world_)
      .As(staff)
      .WhenReading(Stream(K::kCase, "annat"))
      .Then(Answer::kNotFound);
  Given(world_)
      .As(staff)
      .WhenReading(Stream(K::kCase, "eget"))
      .Then(Answer::kAllowed);
  Given(world_)
      .As(Auditor())
      .WhenReading(Stream(K::kCase, "finns-inte"))
      .Then(Answer::kAllowed);
}

// A caller that skips the state ReadNeedsState() asks for, or passes
// another kind's, is refused rather than guessed for.
TEST_F(ReadAccess, AMissingStateWhereOneIsNeededIsAnInternalError) {
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  const domain::StreamName case_stream =
      *domain::ParseStreamId(Stream(K::kCase, "eget"));
  EXPECT_EQ(
      domain::CheckStreamRead(staff, "stream_id", case_stream, nullptr).code(),
      Code::kInternal);
  const domain::AggregateState contract =
      world_.State(kTenant, {K::kContract, kContract});
  EXPECT_EQ(domain::CheckStreamRead(staff, "stream_id", case_stream, &contract)
                .code(),
            Code::kInternal);
}

// The Get RPCs' form: the aggregate of the principal's tenant by its id,
// answering as its stream does and naming the request's field.
TEST_F(ReadAccess, AnAggregateReadAnswersAsItsStream) {
  const domain::Principal staff = ProviderStaff(kPrivateProvider);
  const domain::AggregateRef own{K::kCase, "eget"};
  const domain::AggregateRef other{K::kCase, "annat"};
  const domain::AggregateRef missing{K::kCase, "finns-inte"};
  EXPECT_TRUE(domain::CheckAggregateRead(staff, "case_id", own,
                                         world_.State(kTenant, own))
                  .ok());
  EXPECT_EQ(domain::CheckAggregateRead(staff, "case_id", other,
                                       world_.State(kTenant, other)),
            domain::NotReadable("case_id"));
  EXPECT_EQ(domain::CheckAggregateRead(staff, "case_id", missing,
                                       world_.State(kTenant, missing)),
            domain::NotReadable("case_id"));
  EXPECT_EQ(domain::CheckAggregateRead(Supervisor(), "case_id", missing,
                                       world_.State(kTenant, missing)),
            domain::NotReadable("case_id"));
  EXPECT_TRUE(domain::CheckAggregateRead(Supervisor(), "case_id", other,
                                         world_.State(kTenant, other))
                  .ok());
  EXPECT_EQ(domain::CheckAggregateRead(Operator(), "case_id", own,
                                       world_.State(kTenant, own))
                .code(),
            Code::kPermissionDenied);
}

// The roles the access policy grants the reads by.
TEST(ReadAccessRoles, ProvidersReadWorkflowDataButNotTheLog) {
  EXPECT_EQ(
      domain::WorkflowReaders(),
      (std::vector<v1::Role>{v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_CARE_DIRECTOR,
                             v1::ROLE_ADMINISTRATION_DIRECTOR,
                             v1::ROLE_PROVIDER, v1::ROLE_MEDICAL_OFFICER,
                             v1::ROLE_AUDITOR, v1::ROLE_SUPERVISOR}));
  EXPECT_EQ(domain::LogReaders(),
            (std::vector<v1::Role>{
                v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_CARE_DIRECTOR,
                v1::ROLE_ADMINISTRATION_DIRECTOR, v1::ROLE_MEDICAL_OFFICER,
                v1::ROLE_AUDITOR, v1::ROLE_SUPERVISOR}));
}

// The ownership the deciders share for commands.
TEST(ReadAccessRoles, OnlyAProviderIsBoundToAProvider) {
  EXPECT_TRUE(domain::ActsForProvider(ProviderStaff(kPrivateProvider),
                                      kPrivateProvider));
  EXPECT_FALSE(
      domain::ActsForProvider(ProviderStaff(kPrivateProvider), kOtherProvider));
  domain::Principal nobody = ProviderStaff(kPrivateProvider);
  nobody.provider_id.clear();
  EXPECT_FALSE(domain::ActsForProvider(nobody, ""));
  EXPECT_TRUE(domain::ActsForProvider(Auditor(), kOtherProvider));
}

}  // namespace
}  // namespace atgard::testing
