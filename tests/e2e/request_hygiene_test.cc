// Requests over real gRPC that must never be acted on: fields the schema
// does not know (at any depth), bytes protobuf cannot parse, lists and
// messages beyond the API's bounds, and writes by roles that only read,
// which are refused before their content is looked at. Also what the
// access log records of refused reads and of subscriptions.
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/events.pb.h"
#include "atgard/v1/provider_service.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

namespace pb = google::protobuf;
using ::testing::HasSubstr;
using ::testing::Not;

// A personnummer that passes the Luhn check (Skatteverket's test person).
constexpr char kPersonnummer[] = "19121212-1212";

// Protobuf wire format, by hand: a tag and a length-delimited value.
std::string Varint(uint64_t v) {
  std::string out;
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
  return out;
}
std::string LengthDelimited(int field, absl::string_view bytes) {
  return absl::StrCat(Varint((static_cast<uint64_t>(field) << 3) | 2),
                      Varint(bytes.size()), bytes);
}

class RequestHygiene : public ServerTest {
 protected:
  // Sends `bytes` as the request of `method` ("/atgard.v1.X/Y") with a
  // token of `principal`, through a generic stub: no client-side parsing.
  grpc::Status Raw(absl::string_view method, const std::string& bytes,
                   const domain::Principal& principal) {
    grpc::GenericStub stub(client_->channel());
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    std::unique_ptr<grpc::ClientContext> context = client_->Context(principal);
    stub.UnaryCall(context.get(), std::string(method), grpc::StubOptions(),
                   &request, &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  // A valid RegisterCase request, serialized.
  std::string RegisterCaseBytes(absl::string_view case_id) {
    v1::RegisterCaseRequest request;
    request.mutable_options()->set_command_id(std::string(case_id));
    *request.mutable_command() =
        RegisterCase(case_id, kPrivateProvider, kPrivateUnit, Today() - 2)
            .register_case();
    return request.SerializeAsString();
  }

  grpc::Status GetCase(absl::string_view id) {
    v1::GetCaseRequest request;
    request.set_case_id(std::string(id));
    v1::GetCaseResponse response;
    return v1::CaseService::NewStub(client_->channel())
        ->GetCase(client_->Context(FollowUpOfficer()).get(), request,
                  &response);
  }

  // The access records of the tenant's log, newest last.
  std::vector<v1::AccessRecorded> AccessRecords() {
    v1::ReadAllRequest request;
    request.mutable_filter()->add_event_types("AccessRecorded");
    request.set_max_count(1000);
    v1::ReadAllResponse response;
    const grpc::Status status =
        v1::EventStoreService::NewStub(client_->channel())
            ->ReadAll(client_->Context(Auditor()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    std::vector<v1::AccessRecorded> out;
    for (const v1::RecordedEvent& e : response.events()) {
      out.push_back(e.event().access_recorded());
    }
    return out;
  }
};

constexpr char kRegisterCase[] = "/atgard.v1.CaseService/RegisterCase";

TEST_F(RequestHygiene, UnknownFieldInsideTheDeficiencyIsRefusedAndNotStored) {
  // RegisterCaseRequest.command (2) → RegisterCase.deficiency (2) → an
  // unknown field 99 holding a personnummer, appended to the deficiency.
  v1::RegisterCaseRequest request;
  ASSERT_TRUE(request.ParseFromString(RegisterCaseBytes("okant-falt")));
  std::string deficiency = request.command().deficiency().SerializeAsString();
  deficiency += LengthDelimited(99, kPersonnummer);
  request.mutable_command()->clear_deficiency();
  std::string command = request.command().SerializeAsString();
  command += LengthDelimited(2, deficiency);
  request.clear_command();
  const std::string bytes =
      request.SerializeAsString() + LengthDelimited(2, command);

  const grpc::Status status = Raw(kRegisterCase, bytes, FollowUpOfficer());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(),
              HasSubstr("request has an unknown field 99 in "
                        "atgard.v1.Deficiency (command.deficiency)"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("1212")));
  EXPECT_EQ(GetCase("okant-falt").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RequestHygiene, UnknownFieldAtTheTopIsRefusedForReadsToo) {
  v1::ReadAllRequest read;
  read.set_max_count(1);
  const grpc::Status status =
      Raw("/atgard.v1.EventStoreService/ReadAll",
          read.SerializeAsString() + LengthDelimited(77, "x"), Auditor());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(),
              HasSubstr("unknown field 77 in atgard.v1.ReadAllRequest"));
}

TEST_F(RequestHygiene, InvalidUtf8IsInvalidArgumentNamingTheField) {
  v1::GetCaseRequest request;
  const std::string bytes = LengthDelimited(1, "\xff\xfe-arende");
  const grpc::Status status =
      Raw("/atgard.v1.CaseService/GetCase", bytes, FollowUpOfficer());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(),
              HasSubstr("request could not be parsed as "
                        "atgard.v1.GetCaseRequest"));
  EXPECT_THAT(status.error_message(),
              HasSubstr("atgard.v1.GetCaseRequest.case_id is not valid UTF-8"));
}

// Protobuf logs a line for every request it cannot parse, before the
// caller is authenticated: the lines are rate-limited, and the next one
// let through says how many were held back.
TEST_F(RequestHygiene, UnparseableRequestsDoNotFloodTheLog) {
  const std::string bytes = LengthDelimited(1, "\xff\xfe-arende");
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(Raw("/atgard.v1.CaseService/GetCase", bytes, FollowUpOfficer())
                  .error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  absl::SleepFor(absl::Milliseconds(1200));
  ASSERT_EQ(Raw("/atgard.v1.CaseService/GetCase", bytes, FollowUpOfficer())
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  int lines = 0;
  bool told = false;
  for (absl::string_view line : absl::StrSplit(server_->Output(), '\n')) {
    if (!absl::StrContains(line, "\"event\":\"protobuf\"")) continue;
    ++lines;
    if (!absl::StrContains(line, "\"suppressed\":0")) told = true;
  }
  EXPECT_GE(lines, 2);
  EXPECT_LT(lines, 40);
  EXPECT_TRUE(told) << server_->Output();
}

TEST_F(RequestHygiene, TruncatedRequestIsInvalidArgument) {
  std::string bytes = RegisterCaseBytes("avkortad");
  bytes.resize(bytes.size() - 5);
  const grpc::Status status = Raw(kRegisterCase, bytes, FollowUpOfficer());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(),
              HasSubstr("request could not be parsed as "
                        "atgard.v1.RegisterCaseRequest"));
  EXPECT_EQ(GetCase("avkortad").error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RequestHygiene, RepeatedFieldsAreBounded) {
  std::vector<std::string> units(10'000, kPrivateUnit);
  const CommandOutcome outcome = client_->Run(
      FollowUpOfficer(),
      RecordActivity("tiotusen", kPrivateProvider, units,
                     v1::ACTIVITY_KIND_OBSERVATION_VISIT, Today()));
  EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(outcome.status);
  EXPECT_THAT(outcome.status.error_message(),
              HasSubstr("command.unit_ids: must have at most 50 elements"));
}

// The bounds the .proto declares (case ids: (max_bytes) = 64) hold at the
// edge, before the workflow looks at the request, for commands and reads.
TEST_F(RequestHygiene, StringFieldsAreBoundedAsTheProtoDeclares) {
  const std::string id(65, 'a');
  const grpc::Status status =
      Raw(kRegisterCase, RegisterCaseBytes(id), FollowUpOfficer());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  EXPECT_THAT(status.error_message(),
              HasSubstr("command.case_id: must be at most 64 bytes (is 65)"));
  const grpc::Status read = GetCase(id);
  EXPECT_EQ(read.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(read);
  EXPECT_THAT(read.error_message(),
              HasSubstr("case_id: must be at most 64 bytes (is 65)"));
}

TEST_F(RequestHygiene, OversizedRequestIsRefusedNamingTheLimit) {
  const std::string bytes =
      LengthDelimited(1, std::string(2 * 1024 * 1024, 'a'));
  const grpc::Status status = Raw(kRegisterCase, bytes, FollowUpOfficer());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << Describe(status);
  EXPECT_THAT(status.error_message(), HasSubstr("1048576"));
}

// Every write RPC of the API (those taking CommandOptions), found from the
// service descriptors, sent malformed by each read-only role: refused for
// the role, before the content could tell it anything.
TEST_F(RequestHygiene, ReadOnlyRolesAreRefusedBeforeValidation) {
  const pb::FileDescriptor* api =
      pb::DescriptorPool::generated_pool()->FindFileByName(
          "atgard/v1/api.proto");
  ASSERT_NE(api, nullptr);
  const pb::Descriptor* options = api->FindMessageTypeByName("CommandOptions");
  std::vector<const pb::MethodDescriptor*> writes;
  for (const char* name :
       {"atgard.v1.ProviderService", "atgard.v1.ContractService",
        "atgard.v1.CaseService", "atgard.v1.MeasurementService",
        "atgard.v1.CarePlanService", "atgard.v1.SettingsService"}) {
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      const pb::FieldDescriptor* field =
          method->input_type()->FindFieldByName("options");
      if (field != nullptr && field->message_type() == options) {
        writes.push_back(method);
      }
    }
  }
  ASSERT_GE(writes.size(), 27u);
  for (const domain::Principal& role : {Auditor(), Supervisor(), Operator()}) {
    for (const pb::MethodDescriptor* method : writes) {
      // What CheckRequest refuses (a field the schema does not know; 51
      // unit ids, where the request has them), and an empty request.
      std::vector<std::string> requests = {LengthDelimited(99, "x"),
                                           std::string()};
      if (method->name() == "RecordFollowUpActivity") {
        v1::RecordFollowUpActivityRequest request;
        for (int i = 0; i < 51; ++i) {
          request.mutable_command()->add_unit_ids(kPrivateUnit);
        }
        requests.push_back(request.SerializeAsString());
      }
      for (const std::string& bytes : requests) {
        const grpc::Status status = Raw(FullMethodName(*method), bytes, role);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << method->full_name() << " as " << domain::RoleName(role.role)
            << ": " << Describe(status);
      }
    }
  }
}

// Reads and operator RPCs check the role before the request too: a role
// that may not call them gets PERMISSION_DENIED for a request CheckRequest
// would refuse, and a refused read is still recorded.
TEST_F(RequestHygiene, RolesAreRefusedBeforeValidationForReadsAndOperatorRpcs) {
  const std::string unknown = LengthDelimited(99, "x");
  for (const char* method : {"/atgard.v1.OperatorService/VerifyLog",
                             "/atgard.v1.OperatorService/CreateBackup"}) {
    for (const domain::Principal& role : {Auditor(), FollowUpOfficer()}) {
      const grpc::Status status = Raw(method, unknown, role);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
          << method << " as " << domain::RoleName(role.role) << ": "
          << Describe(status);
    }
  }
  for (const char* method : {"/atgard.v1.EventStoreService/ReadAll",
                             "/atgard.v1.EventStoreService/ReadStream",
                             "/atgard.v1.CaseService/GetCase"}) {
    const grpc::Status status = Raw(method, unknown, Operator());
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << method << ": " << Describe(status);
  }
  int recorded = 0;
  for (const v1::AccessRecorded& r : AccessRecords()) {
    if (r.role() == v1::ROLE_OPERATOR) {
      ++recorded;
      EXPECT_EQ(r.outcome(), "PERMISSION_DENIED") << r.method();
    }
  }
  EXPECT_EQ(recorded, 3);
}

// A read refused by the request's checks, after authentication, is
// recorded with what was asked and why it was refused.
TEST_F(RequestHygiene, ReadsRefusedByTheRequestChecksAreRecorded) {
  v1::ReadStreamRequest request;
  request.set_stream_id("0780/case/okand\x01");
  const grpc::Status status =
      Raw("/atgard.v1.EventStoreService/ReadStream",
          request.SerializeAsString() + LengthDelimited(99, "x"), Auditor());
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(status);
  v1::GetCaseRequest get;
  get.set_case_id(std::string(65, 'a'));
  ASSERT_EQ(Raw("/atgard.v1.CaseService/GetCase", get.SerializeAsString(),
                FollowUpOfficer())
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::SubscribeRequest subscribe;
  subscribe.set_from_now(true);
  subscribe.mutable_filter()->add_stream_prefixes("0780/\x02");
  // A server-streaming call, sent raw: refused before its first message.
  const grpc::Status refused =
      Raw("/atgard.v1.EventStoreService/Subscribe",
          subscribe.SerializeAsString() + LengthDelimited(98, "y"), Auditor());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(refused);

  bool read_stream = false;
  bool get_case = false;
  bool subscribed = false;
  for (const v1::AccessRecorded& r : AccessRecords()) {
    if (r.outcome() != "INVALID_ARGUMENT") continue;
    if (r.method() == "/atgard.v1.EventStoreService/ReadStream") {
      read_stream = true;
      EXPECT_EQ(r.resource(), "0780/case/okand\\x01");
      EXPECT_THAT(r.reason(), HasSubstr("unknown field 99"));
    }
    if (r.method() == "/atgard.v1.CaseService/GetCase") {
      get_case = true;
      EXPECT_THAT(r.reason(), HasSubstr("at most 64 bytes"));
    }
    if (r.method() == "/atgard.v1.EventStoreService/Subscribe") {
      subscribed = true;
      EXPECT_EQ(r.resource(), "0780/\\x02");
      EXPECT_THAT(r.reason(), HasSubstr("unknown field 98"));
    }
  }
  EXPECT_TRUE(read_stream);
  EXPECT_TRUE(get_case);
  EXPECT_TRUE(subscribed);
}

TEST_F(RequestHygiene, RefusedCrossTenantReadRecordsWhatWasAsked) {
  v1::ReadStreamRequest request;
  request.set_stream_id("0180/case/annan-kommun\n\"x\"");
  v1::ReadStreamResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadStream(client_->Context(Auditor()).get(), request, &response);
  // Another tenant's stream does not exist for the caller.
  ASSERT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND)
      << Describe(status);

  const std::vector<v1::AccessRecorded> records = AccessRecords();
  ASSERT_FALSE(records.empty());
  const v1::AccessRecorded* refused = nullptr;
  for (const v1::AccessRecorded& r : records) {
    if (r.method() == "/atgard.v1.EventStoreService/ReadStream") refused = &r;
  }
  ASSERT_NE(refused, nullptr);
  EXPECT_EQ(refused->resource(), "0180/case/annan-kommun\\n\\\"x\\\"");
  EXPECT_EQ(refused->outcome(), "NOT_FOUND");
  EXPECT_THAT(refused->reason(), HasSubstr("not the caller's to read"));

  // A personnummer asked for is withheld, never stored.
  request.set_stream_id(absl::StrCat("0780/case/", kPersonnummer));
  (void)v1::EventStoreService::NewStub(client_->channel())
      ->ReadStream(client_->Context(Auditor()).get(), request, &response);
  for (const v1::AccessRecorded& r : AccessRecords()) {
    EXPECT_THAT(r.resource(), Not(HasSubstr("1212")));
  }
}

// An accepted read's filter (up to 20 prefixes of 512 bytes, any bytes
// after the tenant) is recorded escaped and bounded like a refused one's,
// by ReadAll and by both records of a subscription.
TEST_F(RequestHygiene, AcceptedFiltersAreRecordedEscapedAndBounded) {
  v1::EventFilter filter;
  for (int i = 0; i < 20; ++i) {
    filter.add_stream_prefixes(
        absl::StrCat("0780/\n\x01\x1b[31m", std::string(490, 'a')));
  }
  v1::ReadAllRequest read;
  *read.mutable_filter() = filter;
  v1::ReadAllResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadAll(client_->Context(Auditor()).get(), read, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  {
    v1::SubscribeRequest subscribe;
    subscribe.set_from_position(1);
    *subscribe.mutable_filter() = filter;
    std::unique_ptr<grpc::ClientContext> context = client_->Context(Auditor());
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(context.get(), subscribe);
    v1::SubscribeResponse caught_up;
    ASSERT_TRUE(reader->Read(&caught_up));
    EXPECT_TRUE(caught_up.has_caught_up());
    context->TryCancel();
    (void)reader->Finish();
  }
  int read_all = 0;
  int subscribe = 0;
  for (int i = 0; i < 50 && subscribe < 2; ++i) {
    read_all = 0;
    subscribe = 0;
    for (const v1::AccessRecorded& r : AccessRecords()) {
      if (!absl::StrContains(r.resource(), "\\x1b[31m")) continue;
      if (r.method() == "/atgard.v1.EventStoreService/ReadAll") ++read_all;
      if (r.method() == "/atgard.v1.EventStoreService/Subscribe") ++subscribe;
      // The subscriber's cancel ends the subscription.
      EXPECT_EQ(r.outcome(), r.ended() ? "CANCELLED" : "OK");
      EXPECT_TRUE(absl::StartsWith(r.resource(), "0780/\\n\\x01\\x1b[31maaa"))
          << r.resource();
      EXPECT_LE(r.resource().size(), 240u) << r.resource();
      EXPECT_THAT(r.resource(), HasSubstr("... from "));
      for (char c : r.resource()) {
        EXPECT_GE(static_cast<unsigned char>(c), 0x20) << r.resource();
      }
    }
    if (subscribe < 2) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(read_all, 1);
  EXPECT_EQ(subscribe, 2) << "an opening and a closing record";
}

TEST_F(RequestHygiene, SubscriptionRecordsWhatItDeliveredWhenItEnds) {
  uint64_t delivered = 0;
  {
    v1::SubscribeRequest request;
    request.set_from_position(1);
    request.mutable_filter()->add_stream_prefixes("0780/provider/");
    std::unique_ptr<grpc::ClientContext> context = client_->Context(Auditor());
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(context.get(), request);
    v1::SubscribeResponse response;
    int events = 0;
    while (reader->Read(&response)) {
      if (response.has_caught_up()) break;
      ++events;
    }
    EXPECT_GT(events, 0);
    delivered = events;
    context->TryCancel();
    (void)reader->Finish();
  }
  // The closing record is written once the server sees the end.
  bool found = false;
  for (int i = 0; i < 50 && !found; ++i) {
    for (const v1::AccessRecorded& r : AccessRecords()) {
      if (r.method() == "/atgard.v1.EventStoreService/Subscribe" && r.ended()) {
        found = true;
        // The events the subscriber received, no more (the caught_up
        // message is not one).
        EXPECT_EQ(r.items(), delivered);
        EXPECT_THAT(r.resource(), HasSubstr("0780/provider/"));
      }
    }
    if (!found) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(found) << "no closing access record for the subscription";
}

}  // namespace
}  // namespace atgard::testing
