// Care areas over the real server: the administration director defines an
// area in the register (OrganisationService), a care director of that area
// requests a plan for one of its units, and a care director outside it, or
// one whose token names an area it is not responsible for, is refused
// PERMISSION_DENIED.
#include <grpcpp/client_context.h>

#include <string>

#include "atgard/v1/organisation_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;

domain::Principal Director(absl::string_view subject,
                           absl::string_view area = "") {
  domain::Principal p = CareDirector();
  p.subject = std::string(subject);
  p.area_id = std::string(area);
  return p;
}

v1::Command DefineNorra() {
  v1::Command c;
  v1::OrganisationArea* area = c.mutable_define_area()->mutable_area();
  area->set_area_id("norra");
  area->set_name("Område norra");
  v1::UnitRef* unit = area->add_units();
  unit->set_provider_id(kMunicipalProvider);
  unit->set_unit_id(kMunicipalUnit);
  area->add_care_director_subjects("omsorgschef-norr");
  return c;
}

class CareAreasTest : public ServerTest {};

TEST_F(CareAreasTest, ACareDirectorRequestsPlansOnlyInItsArea) {
  MustRun(*client_, AdministrationDirector(), DefineNorra());

  v1::GetAreasResponse areas;
  const grpc::Status read =
      v1::OrganisationService::NewStub(client_->channel())
          ->GetAreas(client_->Context(AdministrationDirector()).get(),
                     v1::GetAreasRequest(), &areas);
  ASSERT_TRUE(read.ok()) << Describe(read);
  ASSERT_EQ(areas.areas_size(), 1);
  EXPECT_EQ(areas.areas(0).area_id(), "norra");

  RemoteCase c(*client_, "arende-omrade", /*private_provider=*/false);
  c.Register();
  const v1::Command request = RequestPlan(c.case_id(), Request(Today()));

  const CommandOutcome outside =
      client_->Run(Director("omsorgschef-soder"), request);
  EXPECT_EQ(outside.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(outside.status);
  EXPECT_THAT(outside.status.error_message(), HasSubstr(kMunicipalUnit));

  // A token naming an area its director is not responsible for is refused,
  // even for a director who is responsible for the unit: it never widens.
  const CommandOutcome widened =
      client_->Run(Director("omsorgschef-soder", "norra"), request);
  EXPECT_EQ(widened.status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(widened.status);

  MustRun(*client_, Director("omsorgschef-norr", "norra"), request);

  // A provider reads no register of areas.
  v1::GetAreasResponse none;
  const grpc::Status provider_read =
      v1::OrganisationService::NewStub(client_->channel())
          ->GetAreas(client_->Context(ProviderStaff(kMunicipalProvider)).get(),
                     v1::GetAreasRequest(), &none);
  EXPECT_EQ(provider_read.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace atgard::testing
