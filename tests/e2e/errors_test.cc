// Every error class of the API over real gRPC, each with its status code,
// a message that names the field, and the google.rpc details a client acts
// on (services/api/ERRORS.md), decoded from the grpc-status-details-bin
// trailer; idempotent retries (also across a restart) that write nothing;
// and personal identity numbers refused without being repeated back.
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

#include <future>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The code and the field the message must name.
#define EXPECT_REFUSED(status, code, field)                  \
  do {                                                       \
    const grpc::Status refused_ = (status);                  \
    EXPECT_EQ(refused_.error_code(), grpc::StatusCode::code) \
        << Describe(refused_);                               \
    EXPECT_THAT(refused_.error_message(), HasSubstr(field))  \
        << "the message must name the field";                \
  } while (0)

// The google.rpc details of a refusal, as a client decodes them.
struct Details {
  google::rpc::ErrorInfo info;
  std::vector<google::rpc::BadRequest::FieldViolation> bad_fields;
  std::vector<google::rpc::PreconditionFailure::Violation> preconditions;
};

Details DetailsOf(const grpc::Status& status) {
  Details d;
  google::rpc::Status rpc;
  EXPECT_TRUE(rpc.ParseFromString(status.error_details()))
      << "no google.rpc.Status in grpc-status-details-bin";
  EXPECT_EQ(rpc.code(), static_cast<int>(status.error_code()));
  EXPECT_EQ(rpc.message(), status.error_message());
  int infos = 0;
  for (const google::protobuf::Any& any : rpc.details()) {
    google::rpc::BadRequest bad_request;
    google::rpc::PreconditionFailure failure;
    if (any.UnpackTo(&d.info)) {
      ++infos;
    } else if (any.UnpackTo(&bad_request)) {
      d.bad_fields.assign(bad_request.field_violations().begin(),
                          bad_request.field_violations().end());
    } else if (any.UnpackTo(&failure)) {
      d.preconditions.assign(failure.violations().begin(),
                             failure.violations().end());
    }
  }
  EXPECT_EQ(infos, 1) << "every refusal carries one ErrorInfo";
  EXPECT_EQ(d.info.domain(), "atgard.se");
  return d;
}

// The ErrorInfo's reason, and the field it names ("" for none).
#define EXPECT_REASON(status, reason_code, field_path)                        \
  do {                                                                        \
    const Details details_ = DetailsOf(status);                               \
    EXPECT_EQ(details_.info.reason(), reason_code);                           \
    const auto field_ = details_.info.metadata().find("field");               \
    EXPECT_EQ(field_ == details_.info.metadata().end() ? "" : field_->second, \
              std::string(field_path));                                       \
  } while (0)

// An INVALID_ARGUMENT whose BadRequest names exactly `field_path`.
#define EXPECT_BAD_FIELD(status, reason_code, field_path)               \
  do {                                                                  \
    EXPECT_REASON(status, reason_code, field_path);                     \
    const Details bad_ = DetailsOf(status);                             \
    ASSERT_EQ(bad_.bad_fields.size(), 1u);                              \
    EXPECT_EQ(bad_.bad_fields[0].field(), field_path);                  \
    EXPECT_THAT((status).error_message(),                               \
                ::testing::StartsWith(absl::StrCat(field_path, ": "))); \
    EXPECT_THAT((status).error_message(),                               \
                ::testing::EndsWith(bad_.bad_fields[0].description())); \
  } while (0)

// A personnummer that passes the Luhn check (Skatteverket's test person).
constexpr char kPersonnummer[] = "19121212-1212";

class Errors : public ServerTest {
 protected:
  grpc::Status GetCase(grpc::ClientContext* context, const std::string& id,
                       v1::GetCaseResponse* response = nullptr) {
    v1::GetCaseResponse ignored;
    v1::GetCaseRequest request;
    request.set_case_id(id);
    return v1::CaseService::NewStub(client_->channel())
        ->GetCase(context, request, response ? response : &ignored);
  }

  // The log's head as an auditor's read reports it (the read's own access
  // record comes after it).
  uint64_t Head() {
    v1::ReadAllRequest request;
    request.set_max_count(1);
    v1::ReadAllResponse response;
    const grpc::Status status =
        v1::EventStoreService::NewStub(client_->channel())
            ->ReadAll(client_->Context(Auditor()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    return response.head_position();
  }

  // The types of every event after `position`.
  std::vector<std::string> TypesAfter(uint64_t position) {
    v1::ReadAllRequest request;
    request.set_from_position(position + 1);
    request.set_max_count(1000);
    v1::ReadAllResponse response;
    const grpc::Status status =
        v1::EventStoreService::NewStub(client_->channel())
            ->ReadAll(client_->Context(Auditor()).get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    std::vector<std::string> types;
    for (const v1::RecordedEvent& e : response.events()) {
      types.push_back(e.envelope().event_type());
    }
    return types;
  }
};

TEST_F(Errors, InvalidArgumentNamesTheField) {
  // An organisation number whose check digit is wrong.
  const grpc::Status check_digit =
      client_
          ->Run(FollowUpOfficer(), RegisterProvider("nytt-bolag", "556677-8890",
                                                    v1::REGIFORM_PRIVATE))
          .status;
  EXPECT_REFUSED(check_digit, INVALID_ARGUMENT, "organisation_number");
  EXPECT_BAD_FIELD(check_digit, "FIELD_INVALID", "organisation_number");
  // No command id at all.
  v1::CommandOptions no_id;
  const grpc::Status without_id =
      client_
          ->Run(FollowUpOfficer(), RegisterUnit(kPrivateProvider, "ny-enhet"),
                no_id,
                /*fresh_id=*/false)
          .status;
  EXPECT_REFUSED(without_id, INVALID_ARGUMENT, "options.command_id");
  EXPECT_BAD_FIELD(without_id, "FIELD_REQUIRED", "options.command_id");
  // A request whose dates are in the wrong order.
  RemoteCase c(*client_, "fel-datum", /*private_provider=*/true);
  c.Register();
  v1::PlanRequest request = Request(Today());
  *request.mutable_submit_by() = request.complete_by();
  const grpc::Status order =
      client_->Run(FollowUpOfficer(), RequestPlan(c.case_id(), request)).status;
  EXPECT_REFUSED(order, INVALID_ARGUMENT, "request.submit_by");
  EXPECT_BAD_FIELD(order, "FIELD_INVALID", "request.submit_by");
}

TEST_F(Errors, FailedPreconditionNamesTheWorkflowState) {
  RemoteCase c(*client_, "inget-begart", /*private_provider=*/true);
  c.Register();
  // A plan nobody asked for.
  const CommandOutcome outcome =
      client_->Run(c.Staff(), SubmitPlan(c.case_id(), Plan(Today() + 60)));
  EXPECT_REFUSED(outcome.status, FAILED_PRECONDITION, "case_id");
  EXPECT_THAT(outcome.status.error_message(),
              HasSubstr("while the case is Open"));
  EXPECT_REASON(outcome.status, "CASE_STATUS_FORBIDS", "case_id");
  const Details open = DetailsOf(outcome.status);
  ASSERT_EQ(open.preconditions.size(), 1u);
  EXPECT_EQ(open.preconditions[0].type(), "CASE_STATUS");
  EXPECT_EQ(open.preconditions[0].subject(),
            absl::StrCat(kTenant, "/case/inget-begart"));
  EXPECT_EQ(open.preconditions[0].description(),
            outcome.status.error_message());
  EXPECT_EQ(open.info.metadata().at("subject"),
            absl::StrCat(kTenant, "/case/inget-begart"));
  EXPECT_TRUE(open.bad_fields.empty());
  // A municipal provider has no contract.
  const grpc::Status municipal =
      client_
          ->Run(AdministrationDirector(),
                RegisterContract(
                    "avtal-egen-regi",
                    Terms(kMunicipalProvider, Today() - 1, Today() + 300)))
          .status;
  EXPECT_REFUSED(municipal, FAILED_PRECONDITION, "terms.provider_id");
  EXPECT_REASON(municipal, "WORKFLOW_STATE_FORBIDS", "terms.provider_id");
  const Details no_contract = DetailsOf(municipal);
  ASSERT_EQ(no_contract.preconditions.size(), 1u);
  EXPECT_EQ(no_contract.preconditions[0].type(), "WORKFLOW_STATE");
  EXPECT_EQ(no_contract.preconditions[0].subject(),
            absl::StrCat(kTenant, "/contract/avtal-egen-regi"));
}

TEST_F(Errors, AbortedWhenTheExpectedVersionIsStale) {
  RemoteCase c(*client_, "gammal-version", /*private_provider=*/true);
  ASSERT_TRUE(c.Register().ok());
  v1::CommandOptions stale;
  stale.set_expected_version(7);
  const grpc::Status conflict =
      client_
          ->Run(FollowUpOfficer(), RequestPlan(c.case_id(), Request(Today())),
                stale)
          .status;
  EXPECT_REFUSED(conflict, ABORTED, "expected_version");
  EXPECT_REASON(conflict, "VERSION_CONFLICT", "options.expected_version");
  EXPECT_EQ(DetailsOf(conflict).info.metadata().at("subject"),
            absl::StrCat(kTenant, "/case/gammal-version"));
  v1::CommandOptions must_be_new;
  must_be_new.set_expected_version(0);
  const grpc::Status not_new =
      client_
          ->Run(FollowUpOfficer(),
                RegisterCase(c.case_id(), kPrivateProvider, kPrivateUnit,
                             Today() - 7),
                must_be_new)
          .status;
  EXPECT_REFUSED(not_new, ABORTED, "expected_version");
  EXPECT_REASON(not_new, "VERSION_CONFLICT", "options.expected_version");
  // The version the caller read is accepted.
  v1::CommandOptions current;
  current.set_expected_version(1);
  const CommandOutcome accepted = client_->Run(
      FollowUpOfficer(), RequestPlan(c.case_id(), Request(Today())), current);
  ASSERT_TRUE(accepted.ok()) << Describe(accepted.status);
  EXPECT_EQ(accepted.result.stream_version(), 2u);
}

TEST_F(Errors, AlreadyExistsForATakenCommandIdOrAggregateId) {
  v1::CommandOptions options;
  options.set_command_id("enhet-registrering-1");
  ASSERT_TRUE(client_
                  ->Run(FollowUpOfficer(),
                        RegisterUnit(kPrivateProvider, "hemtjanst-syd"),
                        options)
                  .ok());
  // The same command id with other content, on the same aggregate and on
  // another one.
  const grpc::Status same_aggregate =
      client_
          ->Run(FollowUpOfficer(),
                RegisterUnit(kPrivateProvider, "hemtjanst-vast"), options)
          .status;
  EXPECT_REFUSED(same_aggregate, ALREADY_EXISTS, "options.command_id");
  EXPECT_REASON(same_aggregate, "COMMAND_ID_REUSED", "options.command_id");
  const grpc::Status other_aggregate =
      client_
          ->Run(FollowUpOfficer(),
                RegisterCase("annat-arende", kPrivateProvider, kPrivateUnit,
                             Today() - 3),
                options)
          .status;
  EXPECT_REFUSED(other_aggregate, ALREADY_EXISTS, "options.command_id");
  EXPECT_REASON(other_aggregate, "COMMAND_ID_REUSED", "options.command_id");
  // The same provider id with other content.
  const grpc::Status taken =
      client_
          ->Run(FollowUpOfficer(),
                RegisterProvider(kPrivateProvider, kOtherOrgNumber,
                                 v1::REGIFORM_PRIVATE))
          .status;
  EXPECT_REFUSED(taken, ALREADY_EXISTS, "provider_id");
  EXPECT_REASON(taken, "ID_TAKEN", "provider_id");
}

TEST_F(Errors, NotFoundNamesWhatIsMissing) {
  auto context = client_->Context(FollowUpOfficer());
  const grpc::Status read = GetCase(context.get(), "finns-inte");
  EXPECT_REFUSED(read, NOT_FOUND, "case_id");
  EXPECT_REASON(read, "NOT_FOUND", "case_id");
  const grpc::Status command =
      client_
          ->Run(FollowUpOfficer(), RequestPlan("finns-inte", Request(Today())))
          .status;
  EXPECT_REFUSED(command, NOT_FOUND, "case_id");
  EXPECT_REASON(command, "NOT_FOUND", "case_id");
  const grpc::Status reference =
      client_
          ->Run(FollowUpOfficer(), RegisterCase("okand-utforare", "finns-inte",
                                                kPrivateUnit, Today() - 1))
          .status;
  EXPECT_REFUSED(reference, NOT_FOUND, "provider_id");
  EXPECT_THAT(DetailsOf(reference).info.metadata().at("field"),
              ::testing::EndsWith("provider_id"));
  EXPECT_EQ(DetailsOf(reference).info.reason(), "NOT_FOUND");
  v1::ReadStreamRequest stream;
  stream.set_stream_id(absl::StrCat(kTenant, "/case/finns-inte"));
  v1::ReadStreamResponse response;
  const grpc::Status no_stream =
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadStream(client_->Context(Auditor()).get(), stream, &response);
  EXPECT_REFUSED(no_stream, NOT_FOUND, "stream_id");
  EXPECT_REASON(no_stream, "NOT_FOUND", "stream_id");
}

TEST_F(Errors, PermissionDeniedForTheWrongRole) {
  RemoteCase c(*client_, "fel-roll", /*private_provider=*/true);
  c.Register();
  c.RequestPlan();
  const grpc::Status officer_submits =
      client_
          ->Run(FollowUpOfficer(),
                SubmitPlan(c.case_id(), Plan(c.complete_by())))
          .status;
  EXPECT_EQ(officer_submits.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(officer_submits);
  EXPECT_THAT(officer_submits.error_message(), HasSubstr("FOLLOW_UP_OFFICER"));
  EXPECT_REASON(officer_submits, "ROLE_NOT_ALLOWED", "");
  const grpc::Status auditor_writes =
      client_
          ->Run(Auditor(), RegisterProvider("revisorns-bolag", kOtherOrgNumber,
                                            v1::REGIFORM_PRIVATE))
          .status;
  EXPECT_EQ(auditor_writes.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(auditor_writes);
  EXPECT_REASON(auditor_writes, "ROLE_NOT_ALLOWED", "");
  auto context = client_->Context(Operator());
  const grpc::Status operator_reads = GetCase(context.get(), c.case_id());
  EXPECT_EQ(operator_reads.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(operator_reads);
  EXPECT_REASON(operator_reads, "ROLE_NOT_ALLOWED", "");
}

TEST_F(Errors, UnauthenticatedWithoutValidCredentials) {
  RemoteCase c(*client_, "utan-inloggning", /*private_provider=*/true);
  c.Register();
  // A genuine development token, but of another server's key.
  TempDir elsewhere;
  GrpcClient stranger(server_->address(), elsewhere.Join("data"));
  absl::StatusOr<std::string> forged = stranger.Token(FollowUpOfficer());
  ASSERT_TRUE(forged.ok()) << forged.status();
  // Expired an hour ago (beyond the leeway).
  absl::StatusOr<std::string> expired = client_->Token(
      FollowUpOfficer(), absl::Minutes(5), absl::Now() - absl::Hours(2));
  ASSERT_TRUE(expired.ok()) << expired.status();

  const std::vector<std::pair<std::string, std::string>> credentials = {
      {"no token", ""},
      {"garbage", "Bearer inte.en.token"},
      {"not a bearer token", "Basic dXU6aGVtbGln"},
      {"another key", absl::StrCat("Bearer ", *forged)},
      {"expired", absl::StrCat("Bearer ", *expired)},
  };
  for (const auto& [name, authorization] : credentials) {
    SCOPED_TRACE(name);
    auto command_context = GrpcClient::ContextWithAuthorization(authorization);
    v1::CommandOptions options;
    options.set_command_id(FreshCommandId());
    const grpc::Status command =
        client_
            ->RunWithContext(command_context.get(),
                             RequestPlan(c.case_id(), Request(Today())),
                             options)
            .status;
    EXPECT_EQ(command.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_REASON(command, "UNAUTHENTICATED", "");
    auto read_context = GrpcClient::ContextWithAuthorization(authorization);
    const grpc::Status read = GetCase(read_context.get(), c.case_id());
    EXPECT_EQ(read.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_REASON(read, "UNAUTHENTICATED", "");
    auto ping_context = GrpcClient::ContextWithAuthorization(authorization);
    v1::PingResponse pong;
    const grpc::Status ping =
        v1::DiagnosticsService::NewStub(client_->channel())
            ->Ping(ping_context.get(), v1::PingRequest(), &pong);
    EXPECT_EQ(ping.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_REASON(ping, "UNAUTHENTICATED", "");
    auto subscribe_context =
        GrpcClient::ContextWithAuthorization(authorization);
    v1::SubscribeRequest subscribe;
    subscribe.set_from_position(1);
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(subscribe_context.get(), subscribe);
    v1::SubscribeResponse message;
    EXPECT_FALSE(reader->Read(&message));
    const grpc::Status subscription = reader->Finish();
    EXPECT_EQ(subscription.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_REASON(subscription, "UNAUTHENTICATED", "");
  }
  // None of it reached the case.
  auto context = client_->Context(FollowUpOfficer());
  v1::GetCaseResponse view;
  ASSERT_TRUE(GetCase(context.get(), c.case_id(), &view).ok());
  EXPECT_EQ(view.case_().version(), 1u);
}

// A request that is not protobuf at all is answered by the parse-failure
// interceptor, through the same mapping: REQUEST_INVALID, no field.
TEST_F(Errors, AnUnparseableRequestIsAnInvalidRequest) {
  grpc::GenericStub stub(client_->channel());
  grpc::Slice slice(std::string("\xff\xff\xff"));
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  std::unique_ptr<grpc::ClientContext> context =
      client_->Context(FollowUpOfficer());
  stub.UnaryCall(context.get(), "/atgard.v1.CaseService/RegisterCase",
                 grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status garbage = done.get_future().get();
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << Describe(garbage);
  EXPECT_THAT(garbage.error_message(),
              HasSubstr("request could not be parsed as "));
  EXPECT_REASON(garbage, "REQUEST_INVALID", "");
  EXPECT_TRUE(DetailsOf(garbage).bad_fields.empty());
}

// A server whose disk reserve is more than any disk has: every append is
// refused, before anything is written.
TEST(ErrorsDiskReserve, ResourceExhaustedSaysTheDiskReserve) {
  TempDir tmp;
  auto server = ServerProcess::Start({.data_dir = tmp.Join("data"),
                                      .extra_args = {"--disk_reserve=1024TiB"},
                                      .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  GrpcClient client((*server)->address(), tmp.Join("data"));
  const grpc::Status full =
      client
          .Run(FollowUpOfficer(),
               RegisterProvider(kPrivateProvider, kOtherOrgNumber,
                                v1::REGIFORM_PRIVATE))
          .status;
  EXPECT_EQ(full.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << Describe(full);
  EXPECT_REASON(full, "DISK_RESERVE", "");
}

TEST_F(Errors, RetriesAreAnsweredFromTheRecordAlsoAfterARestart) {
  const v1::Command command =
      RegisterCase("upprepad", kPrivateProvider, kPrivateUnit, Today() - 2);
  v1::CommandOptions options;
  options.set_command_id("arende-upprepad-1");
  const CommandOutcome first =
      client_->Run(FollowUpOfficer(), command, options);
  ASSERT_TRUE(first.ok()) << Describe(first.status);
  EXPECT_FALSE(first.result.deduplicated());

  auto retry_writes_nothing = [&]() {
    const uint64_t head = Head();
    const CommandOutcome retry =
        client_->Run(FollowUpOfficer(), command, options);
    ASSERT_TRUE(retry.ok()) << Describe(retry.status);
    EXPECT_TRUE(retry.result.deduplicated());
    EXPECT_EQ(retry.result.stream_id(), first.result.stream_id());
    EXPECT_EQ(retry.result.stream_version(), first.result.stream_version());
    EXPECT_EQ(retry.result.global_position(), first.result.global_position());
    EXPECT_THAT(retry.result.event_types(), IsEmpty());
    // After the head only the access records of the reads themselves.
    for (const std::string& type : TypesAfter(head)) {
      EXPECT_EQ(type, "AccessRecorded");
    }
    // The same id with other content is still refused.
    const grpc::Status reused =
        client_
            ->Run(FollowUpOfficer(),
                  RegisterCase("upprepad", kPrivateProvider, kDisabilityUnit,
                               Today() - 2),
                  options)
            .status;
    EXPECT_REFUSED(reused, ALREADY_EXISTS, "options.command_id");
    EXPECT_REASON(reused, "COMMAND_ID_REUSED", "options.command_id");
  };
  retry_writes_nothing();

  // The record survives a restart on the same data directory.
  auto stopped = server_->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  ASSERT_EQ(stopped->exit_code, 0) << stopped->output;
  StartServer();
  retry_writes_nothing();
}

TEST_F(Errors, PersonalIdentityNumbersAreRefusedWithoutBeingEchoed) {
  v1::Command command = RegisterCase("med-personnummer", kPrivateProvider,
                                     kPrivateUnit, Today() - 1);
  command.mutable_register_case()->mutable_deficiency()->set_description(
      absl::StrCat("Brukaren ", kPersonnummer, " fick inte sina insatser."));
  const grpc::Status status = client_->Run(FollowUpOfficer(), command).status;
  EXPECT_REFUSED(status, INVALID_ARGUMENT, "deficiency.description");
  EXPECT_BAD_FIELD(status, "FIELD_INVALID", "deficiency.description");
  for (const char* digits : {"19121212", "121212", "1212-1212"}) {
    EXPECT_THAT(status.error_message(), Not(HasSubstr(digits)));
  }

  // In an id that is read, neither the answer nor the access log has it.
  const uint64_t head = Head();
  auto context = client_->Context(Auditor());
  const grpc::Status read = GetCase(context.get(), "121212-1212");
  EXPECT_REFUSED(read, INVALID_ARGUMENT, "case_id");
  EXPECT_BAD_FIELD(read, "FIELD_INVALID", "case_id");
  EXPECT_THAT(read.error_message(), Not(HasSubstr("121212")));
  v1::ReadAllRequest request;
  request.set_from_position(head + 1);
  request.mutable_filter()->add_event_types("AccessRecorded");
  v1::ReadAllResponse response;
  ASSERT_TRUE(
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadAll(client_->Context(Auditor()).get(), request, &response)
          .ok());
  bool logged = false;
  for (const v1::RecordedEvent& e : response.events()) {
    const v1::AccessRecorded& a = e.event().access_recorded();
    EXPECT_THAT(a.resource(), Not(HasSubstr("121212")));
    if (a.method() == "/atgard.v1.CaseService/GetCase") {
      logged = true;
      EXPECT_EQ(a.outcome(), "INVALID_ARGUMENT");
    }
  }
  EXPECT_TRUE(logged) << "the refused read is recorded too";
}

}  // namespace
}  // namespace atgard::testing
