// The request bounds table and the unknown-field check that guards the
// append path.
#include "services/api/request_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "atgard/v1/care_plan_service.pb.h"
#include "atgard/v1/case_service.pb.h"
#include "atgard/v1/contract_service.pb.h"
#include "atgard/v1/diagnostics_service.pb.h"
#include "atgard/v1/event_store_service.pb.h"
#include "atgard/v1/events.pb.h"
#include "atgard/v1/measurement_service.pb.h"
#include "atgard/v1/operator_service.pb.h"
#include "atgard/v1/provider_service.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"

namespace atgard::api {
namespace {

namespace pb = google::protobuf;
using ::testing::HasSubstr;

// Every repeated field reachable from a request of `service`.
void CollectRepeated(const pb::Descriptor* message,
                     std::set<const pb::Descriptor*>* seen,
                     std::set<std::string>* out) {
  if (!seen->insert(message).second) return;
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::FieldDescriptor* field = message->field(i);
    if (field->is_repeated()) out->insert(field->full_name());
    if (field->message_type() != nullptr) {
      CollectRepeated(field->message_type(), seen, out);
    }
  }
}

TEST(RequestLimits, EveryRepeatedFieldOfEveryRequestHasABound) {
  // Links every service's file into the generated pool.
  for (const pb::Descriptor* d :
       {v1::RegisterContractRequest::descriptor(),
        v1::RecordCarePlanReviewRequest::descriptor(),
        v1::RecordMeasurementRequest::descriptor(),
        v1::PingRequest::descriptor(), v1::VerifyLogRequest::descriptor(),
        v1::ReadAllRequest::descriptor(), v1::GetCaseRequest::descriptor(),
        v1::GetProviderRequest::descriptor()}) {
    ASSERT_NE(d, nullptr);
  }
  std::set<std::string> repeated;
  std::set<const pb::Descriptor*> seen;
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const char* name :
       {"atgard.v1.ProviderService", "atgard.v1.ContractService",
        "atgard.v1.CaseService", "atgard.v1.MeasurementService",
        "atgard.v1.CarePlanService", "atgard.v1.EventStoreService",
        "atgard.v1.DiagnosticsService", "atgard.v1.OperatorService"}) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      CollectRepeated(service->method(i)->input_type(), &seen, &repeated);
    }
  }
  ASSERT_FALSE(repeated.empty());
  for (const std::string& field : repeated) {
    EXPECT_TRUE(RequestLimits().contains(field))
        << field << " has no bound in RequestLimits()";
  }
  // And the table names only fields that exist.
  for (const auto& [field, limit] : RequestLimits()) {
    EXPECT_NE(pool->FindFieldByName(field), nullptr) << field;
    EXPECT_GT(limit, 0u) << field;
  }
}

TEST(CheckRequest, RefusesListsBeyondTheirBoundNamingPathAndLimit) {
  v1::RecordFollowUpActivityRequest request;
  for (int i = 0; i < 50; ++i) request.mutable_command()->add_unit_ids("u");
  EXPECT_TRUE(CheckRequest(request).ok());
  request.mutable_command()->add_unit_ids("u");
  const absl::Status s = CheckRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("command.unit_ids: must have at most 50 "
                                     "elements (has 51)"));
}

TEST(CheckRequest, RefusesStringsBeyondTheirBound) {
  v1::RecordFollowUpActivityRequest request;
  request.mutable_command()->set_summary(
      std::string(kMaxRequestStringBytes, 'a'));
  EXPECT_TRUE(CheckRequest(request).ok());
  request.mutable_command()->set_summary(
      std::string(kMaxRequestStringBytes + 1, 'a'));
  EXPECT_THAT(CheckRequest(request).message(),
              HasSubstr("command.summary: must be at most 10000 bytes"));
}

TEST(CheckRequest, RefusesUnknownFieldsAtAnyDepth) {
  v1::RegisterCaseRequest request;
  request.mutable_command()->set_case_id("a");
  pb::Message* deficiency = request.mutable_command()->mutable_deficiency();
  deficiency->GetReflection()
      ->MutableUnknownFields(deficiency)
      ->AddLengthDelimited(99, "19121212-1212");
  const absl::Status s = CheckRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "request has an unknown field 99 in atgard.v1.Deficiency "
            "(command.deficiency)");
}

// The append path (CommandHandler) refuses any event that carries unknown
// fields, e.g. copied from a command by a decider.
TEST(CheckNoUnknownFields, FindsThemInsideEvents) {
  v1::Event event;
  v1::CaseRegistered* registered = event.mutable_case_registered();
  EXPECT_TRUE(CheckNoUnknownFields(event, "event").ok());
  pb::Message* deficiency = registered->mutable_deficiency();
  deficiency->GetReflection()
      ->MutableUnknownFields(deficiency)
      ->AddVarint(99, 1);
  EXPECT_EQ(CheckNoUnknownFields(event, "event").message(),
            "event has an unknown field 99 in atgard.v1.Deficiency "
            "(case_registered.deficiency)");
}

}  // namespace
}  // namespace atgard::api
