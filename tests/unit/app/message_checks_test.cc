// The request bounds declared in the .proto files (field options) and the
// unknown-field check that guards the append path.
#include "services/app/message_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "atgard/v1/care_plan_service.pb.h"
#include "atgard/v1/case_service.pb.h"
#include "atgard/v1/contract_service.pb.h"
#include "atgard/v1/diagnostics_service.pb.h"
#include "atgard/v1/event_store_service.pb.h"
#include "atgard/v1/events.pb.h"
#include "atgard/v1/import_service.pb.h"
#include "atgard/v1/limits.pb.h"
#include "atgard/v1/measurement_service.pb.h"
#include "atgard/v1/operator_service.pb.h"
#include "atgard/v1/provider_service.pb.h"
#include "atgard/v1/settings_service.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/domain/validation.h"

namespace atgard::app {
namespace {

namespace pb = google::protobuf;
using ::testing::HasSubstr;

// Every method of every service of the API.
std::vector<const pb::MethodDescriptor*> ApiMethods() {
  // Links every service's file into the generated pool.
  for (const pb::Descriptor* d :
       {v1::RegisterContractRequest::descriptor(),
        v1::RecordCarePlanReviewRequest::descriptor(),
        v1::RecordMeasurementRequest::descriptor(),
        v1::PingRequest::descriptor(), v1::VerifyLogRequest::descriptor(),
        v1::ReadAllRequest::descriptor(), v1::GetCaseRequest::descriptor(),
        v1::GetProviderRequest::descriptor(),
        v1::ImportMeasurementsRequest::descriptor(),
        v1::SetPolicySettingsRequest::descriptor()}) {
    EXPECT_NE(d, nullptr);
  }
  std::vector<const pb::MethodDescriptor*> methods;
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  for (const char* name :
       {"atgard.v1.ProviderService", "atgard.v1.ContractService",
        "atgard.v1.CaseService", "atgard.v1.MeasurementService",
        "atgard.v1.CarePlanService", "atgard.v1.EventStoreService",
        "atgard.v1.DiagnosticsService", "atgard.v1.OperatorService",
        "atgard.v1.ImportService", "atgard.v1.SettingsService"}) {
    const pb::ServiceDescriptor* service = pool->FindServiceByName(name);
    EXPECT_NE(service, nullptr) << name;
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.push_back(service->method(i));
    }
  }
  return methods;
}

// Every string field reachable from a request of the API, once.
void CollectStrings(const pb::Descriptor* message,
                    std::set<const pb::Descriptor*>* seen,
                    std::vector<const pb::FieldDescriptor*>* out) {
  if (!seen->insert(message).second) return;
  for (int i = 0; i < message->field_count(); ++i) {
    const pb::FieldDescriptor* field = message->field(i);
    if (field->type() == pb::FieldDescriptor::TYPE_STRING)
      out->push_back(field);
    if (field->message_type() != nullptr) {
      CollectStrings(field->message_type(), seen, out);
    }
  }
}

std::vector<const pb::FieldDescriptor*> RequestStringFields() {
  std::set<const pb::Descriptor*> seen;
  std::vector<const pb::FieldDescriptor*> out;
  for (const pb::MethodDescriptor* method : ApiMethods()) {
    CollectStrings(method->input_type(), &seen, &out);
  }
  return out;
}

uint32_t MaxBytesOf(absl::string_view field) {
  const pb::FieldDescriptor* descriptor =
      pb::DescriptorPool::generated_pool()->FindFieldByName(std::string(field));
  EXPECT_NE(descriptor, nullptr) << field;
  return descriptor == nullptr
             ? 0
             : descriptor->options().GetExtension(v1::max_bytes);
}

// The proto files are the one source of the bounds: a string or repeated
// field that a request can carry and that has no (max_bytes) or
// (max_items) fails here, by name, before it can reach a server (which
// would refuse it whenever it is set).
TEST(RequestBounds, EveryFieldOfEveryRequestDeclaresItsBound) {
  const std::vector<const pb::MethodDescriptor*> methods = ApiMethods();
  ASSERT_GE(methods.size(), 30u);
  for (const pb::MethodDescriptor* method : methods) {
    for (const std::string& problem : UndeclaredBounds(*method->input_type())) {
      ADD_FAILURE() << problem << " (reachable from " << method->full_name()
                    << "): declare its bound in the .proto, see "
                       "proto/atgard/v1/limits.proto";
    }
  }
}

// The walk is not vacuous: on a schema without options it names every
// field that needs a bound, at any depth, and CheckRequest refuses such a
// field as soon as it is set.
TEST(RequestBounds, FieldsWithoutOptionsAreNamedAndRefused) {
  pb::FileDescriptorProto file;
  file.set_name("probe.proto");
  file.set_package("probe");
  file.set_syntax("proto3");
  pb::DescriptorProto* inner = file.add_message_type();
  inner->set_name("Inner");
  pb::FieldDescriptorProto* numbers = inner->add_field();
  numbers->set_name("numbers");
  numbers->set_number(1);
  numbers->set_label(pb::FieldDescriptorProto::LABEL_REPEATED);
  numbers->set_type(pb::FieldDescriptorProto::TYPE_INT32);
  pb::DescriptorProto* outer = file.add_message_type();
  outer->set_name("Outer");
  pb::FieldDescriptorProto* text = outer->add_field();
  text->set_name("text");
  text->set_number(1);
  text->set_label(pb::FieldDescriptorProto::LABEL_OPTIONAL);
  text->set_type(pb::FieldDescriptorProto::TYPE_STRING);
  pb::FieldDescriptorProto* bounded = outer->add_field();
  *bounded = *text;
  bounded->set_name("bounded");
  bounded->set_number(2);
  bounded->mutable_options()->SetExtension(v1::max_bytes, 3);
  pb::FieldDescriptorProto* ids = outer->add_field();
  ids->set_name("ids");
  ids->set_number(3);
  ids->set_label(pb::FieldDescriptorProto::LABEL_REPEATED);
  ids->set_type(pb::FieldDescriptorProto::TYPE_STRING);
  ids->mutable_options()->SetExtension(v1::max_items, 2);
  pb::FieldDescriptorProto* nested = outer->add_field();
  nested->set_name("inner");
  nested->set_number(4);
  nested->set_label(pb::FieldDescriptorProto::LABEL_OPTIONAL);
  nested->set_type(pb::FieldDescriptorProto::TYPE_MESSAGE);
  nested->set_type_name(".probe.Inner");

  pb::DescriptorPool pool;
  ASSERT_NE(pool.BuildFile(file), nullptr);
  const pb::Descriptor* type = pool.FindMessageTypeByName("probe.Outer");
  ASSERT_NE(type, nullptr);
  EXPECT_THAT(UndeclaredBounds(*type),
              ::testing::UnorderedElementsAre(
                  "probe.Outer.text has no (atgard.v1.max_bytes)",
                  "probe.Outer.ids has no (atgard.v1.max_bytes)",
                  "probe.Inner.numbers has no (atgard.v1.max_items)"));

  pb::DynamicMessageFactory factory(&pool);
  std::unique_ptr<pb::Message> message(factory.GetPrototype(type)->New());
  const pb::Reflection* reflection = message->GetReflection();
  reflection->SetString(message.get(), type->FindFieldByName("bounded"), "abc");
  reflection->AddString(message.get(), type->FindFieldByName("ids"), "");
  EXPECT_TRUE(CheckRequest(*message).ok()) << CheckRequest(*message);
  reflection->SetString(message.get(), type->FindFieldByName("bounded"),
                        "abcd");
  EXPECT_EQ(CheckRequest(*message).message(),
            "bounded: must be at most 3 bytes (is 4)");
  reflection->SetString(message.get(), type->FindFieldByName("bounded"), "");
  reflection->SetString(message.get(), type->FindFieldByName("text"), "x");
  EXPECT_EQ(CheckRequest(*message).message(),
            "text: must be at most 0 bytes (is 1)");
  reflection->ClearField(message.get(), type->FindFieldByName("text"));
  reflection->SetRepeatedString(message.get(), type->FindFieldByName("ids"), 0,
                                "x");
  EXPECT_EQ(CheckRequest(*message).message(),
            "ids[0]: must be at most 0 bytes (is 1)");
}

// The declared bounds are the most the domain accepts for each kind of
// field (services/domain/validation.h): nothing the workflow takes is
// refused at the edge, and nothing much larger reaches the workflow.
TEST(RequestBounds, AgreeWithTheDomainsRules) {
  // Every caller-chosen id, and every list of them.
  int ids = 0;
  for (const pb::FieldDescriptor* field : RequestStringFields()) {
    const std::string& name = field->name();
    if (absl::EndsWith(name, "_id") || absl::EndsWith(name, "_ids")) {
      ++ids;
      const std::string full = field->full_name();
      const uint32_t max = field->options().GetExtension(v1::max_bytes);
      if (full == "atgard.v1.CommandOptions.command_id" ||
          full == "atgard.v1.CommandOptions.correlation_id") {
        EXPECT_EQ(max, 128u) << full;  // command_handler.cc
      } else if (full == "atgard.v1.ReadStreamRequest.stream_id") {
        EXPECT_EQ(max, 512u) << full;  // the store's stream ids
      } else if (full == "atgard.v1.RegisterUnit.hsa_id") {
        EXPECT_EQ(max, 31u) << full;  // CheckHsaId
      } else {
        EXPECT_EQ(max, domain::kMaxIdBytes) << full;
      }
    }
  }
  EXPECT_GE(ids, 40);
  EXPECT_EQ(MaxBytesOf("atgard.v1.EventFilter.event_types"),
            domain::kMaxIdBytes);
  // Names and short texts (CheckName).
  for (const char* field :
       {"atgard.v1.RegisterProvider.name", "atgard.v1.RegisterUnit.name",
        "atgard.v1.ResponsiblePerson.name", "atgard.v1.ResponsiblePerson.role",
        "atgard.v1.ResponsiblePerson.contact",
        "atgard.v1.Decision.decision_maker",
        "atgard.v1.Decision.delegation_basis",
        "atgard.v1.Measurement.indicator_name"}) {
    EXPECT_EQ(MaxBytesOf(field), domain::kMaxShortTextBytes) << field;
  }
  // References (CheckReference).
  for (const char* field : {"atgard.v1.Decision.reference_number",
                            "atgard.v1.ContractTerms.reference",
                            "atgard.v1.CarePlanReview.client_reference"}) {
    EXPECT_EQ(MaxBytesOf(field), domain::kMaxReferenceBytes) << field;
  }
  // No string is longer than the longest text the domain accepts, except
  // the stream ids of the log, which the store bounds.
  for (const pb::FieldDescriptor* field : RequestStringFields()) {
    const uint32_t max = field->options().GetExtension(v1::max_bytes);
    if (max == 512u) continue;
    EXPECT_LE(max, domain::kMaxLongTextBytes) << field->full_name();
  }
  EXPECT_EQ(MaxBytesOf("atgard.v1.RecordFollowUpActivity.summary"),
            domain::kMaxLongTextBytes);
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
  request.mutable_command()->set_summary(std::string(10'000, 'a'));
  EXPECT_TRUE(CheckRequest(request).ok());
  request.mutable_command()->set_summary(std::string(10'001, 'a'));
  EXPECT_EQ(CheckRequest(request).message(),
            "command.summary: must be at most 10000 bytes (is 10001)");
}

// Each element of a repeated string has the field's byte bound.
TEST(CheckRequest, RefusesListElementsBeyondTheirBound) {
  v1::RecordFollowUpActivityRequest request;
  request.mutable_command()->add_unit_ids(std::string(64, 'u'));
  request.mutable_command()->add_unit_ids(std::string(65, 'u'));
  const absl::Status s = CheckRequest(request);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "command.unit_ids[1]: must be at most 64 bytes (is 65)");
}

// Bounds of shared types hold wherever they are used, at any depth.
TEST(CheckRequest, RefusesNestedStringsBeyondTheirBound) {
  v1::SubmitPlanRequest request;
  v1::PlannedAction* action =
      request.mutable_command()->mutable_plan()->add_actions();
  action->mutable_responsible()->set_name(std::string(200, 'n'));
  EXPECT_TRUE(CheckRequest(request).ok());
  action->mutable_responsible()->set_name(std::string(201, 'n'));
  EXPECT_EQ(CheckRequest(request).message(),
            "command.plan.actions[0].responsible.name: must be at most 200 "
            "bytes (is 201)");
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

// The one function every application append builds its payloads with
// refuses such an event, and serializes a clean one as the log reads it.
TEST(EventPayload, RefusesUnknownFieldsAndSerializesTheRest) {
  v1::Event event;
  event.mutable_case_registered()->set_case_id("arende-1");
  absl::StatusOr<std::string> payload = EventPayload(event, "CaseRegistered");
  ASSERT_TRUE(payload.ok()) << payload.status();
  v1::Event parsed;
  ASSERT_TRUE(parsed.ParseFromString(*payload));
  EXPECT_EQ(parsed.case_registered().case_id(), "arende-1");

  pb::Message* deficiency =
      event.mutable_case_registered()->mutable_deficiency();
  deficiency->GetReflection()
      ->MutableUnknownFields(deficiency)
      ->AddLengthDelimited(99, "19121212-1212");
  payload = EventPayload(event, "CaseRegistered");
  EXPECT_EQ(payload.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(payload.status().message(),
            "CaseRegistered was not written: event has an unknown field 99 "
            "in atgard.v1.Deficiency (case_registered.deficiency)");
}

}  // namespace
}  // namespace atgard::app
