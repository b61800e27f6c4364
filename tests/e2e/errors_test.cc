// Every error class of the API over real gRPC, each with its status code and
// a message that names the field; idempotent retries (also across a
// restart) that write nothing; and personal identity numbers refused
// without being repeated back.
#include <grpcpp/client_context.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "gmock/gmock.h"
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
  EXPECT_REFUSED(
      client_
          ->Run(FollowUpOfficer(), RegisterProvider("nytt-bolag", "556677-8890",
                                                    v1::REGIFORM_PRIVATE))
          .status,
      INVALID_ARGUMENT, "organisation_number");
  // No command id at all.
  v1::CommandOptions no_id;
  EXPECT_REFUSED(client_
                     ->Run(FollowUpOfficer(),
                           RegisterUnit(kPrivateProvider, "ny-enhet"), no_id,
                           /*fresh_id=*/false)
                     .status,
                 INVALID_ARGUMENT, "options.command_id");
  // A request whose dates are in the wrong order.
  RemoteCase c(*client_, "fel-datum", /*private_provider=*/true);
  c.Register();
  v1::PlanRequest request = Request(Today());
  *request.mutable_submit_by() = request.complete_by();
  EXPECT_REFUSED(
      client_->Run(FollowUpOfficer(), RequestPlan(c.case_id(), request)).status,
      INVALID_ARGUMENT, "request.submit_by");
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
  // A municipal provider has no contract.
  EXPECT_REFUSED(client_
                     ->Run(AdministrationDirector(),
                           RegisterContract("avtal-egen-regi",
                                            Terms(kMunicipalProvider,
                                                  Today() - 1, Today() + 300)))
                     .status,
                 FAILED_PRECONDITION, "terms.provider_id");
}

TEST_F(Errors, AbortedWhenTheExpectedVersionIsStale) {
  RemoteCase c(*client_, "gammal-version", /*private_provider=*/true);
  ASSERT_TRUE(c.Register().ok());
  v1::CommandOptions stale;
  stale.set_expected_version(7);
  EXPECT_REFUSED(client_
                     ->Run(FollowUpOfficer(),
                           RequestPlan(c.case_id(), Request(Today())), stale)
                     .status,
                 ABORTED, "expected_version");
  v1::CommandOptions must_be_new;
  must_be_new.set_expected_version(0);
  EXPECT_REFUSED(client_
                     ->Run(FollowUpOfficer(),
                           RegisterCase(c.case_id(), kPrivateProvider,
                                        kPrivateUnit, Today() - 7),
                           must_be_new)
                     .status,
                 ABORTED, "expected_version");
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
  EXPECT_REFUSED(
      client_
          ->Run(FollowUpOfficer(),
                RegisterUnit(kPrivateProvider, "hemtjanst-vast"), options)
          .status,
      ALREADY_EXISTS, "options.command_id");
  EXPECT_REFUSED(client_
                     ->Run(FollowUpOfficer(),
                           RegisterCase("annat-arende", kPrivateProvider,
                                        kPrivateUnit, Today() - 3),
                           options)
                     .status,
                 ALREADY_EXISTS, "options.command_id");
  // The same provider id with other content.
  EXPECT_REFUSED(client_
                     ->Run(FollowUpOfficer(),
                           RegisterProvider(kPrivateProvider, kOtherOrgNumber,
                                            v1::REGIFORM_PRIVATE))
                     .status,
                 ALREADY_EXISTS, "provider_id");
}

TEST_F(Errors, NotFoundNamesWhatIsMissing) {
  auto context = client_->Context(FollowUpOfficer());
  EXPECT_REFUSED(GetCase(context.get(), "finns-inte"), NOT_FOUND, "case_id");
  EXPECT_REFUSED(
      client_
          ->Run(FollowUpOfficer(), RequestPlan("finns-inte", Request(Today())))
          .status,
      NOT_FOUND, "case_id");
  EXPECT_REFUSED(
      client_
          ->Run(FollowUpOfficer(), RegisterCase("okand-utforare", "finns-inte",
                                                kPrivateUnit, Today() - 1))
          .status,
      NOT_FOUND, "provider_id");
  v1::ReadStreamRequest read;
  read.set_stream_id(absl::StrCat(kTenant, "/case/finns-inte"));
  v1::ReadStreamResponse response;
  EXPECT_REFUSED(
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadStream(client_->Context(Auditor()).get(), read, &response),
      NOT_FOUND, "stream_id");
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
  const grpc::Status auditor_writes =
      client_
          ->Run(Auditor(), RegisterProvider("revisorns-bolag", kOtherOrgNumber,
                                            v1::REGIFORM_PRIVATE))
          .status;
  EXPECT_EQ(auditor_writes.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(auditor_writes);
  auto context = client_->Context(Operator());
  const grpc::Status operator_reads = GetCase(context.get(), c.case_id());
  EXPECT_EQ(operator_reads.error_code(), grpc::StatusCode::PERMISSION_DENIED)
      << Describe(operator_reads);
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
    EXPECT_EQ(client_
                  ->RunWithContext(command_context.get(),
                                   RequestPlan(c.case_id(), Request(Today())),
                                   options)
                  .status.error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto read_context = GrpcClient::ContextWithAuthorization(authorization);
    EXPECT_EQ(GetCase(read_context.get(), c.case_id()).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto ping_context = GrpcClient::ContextWithAuthorization(authorization);
    v1::PingResponse pong;
    EXPECT_EQ(v1::DiagnosticsService::NewStub(client_->channel())
                  ->Ping(ping_context.get(), v1::PingRequest(), &pong)
                  .error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    auto subscribe_context =
        GrpcClient::ContextWithAuthorization(authorization);
    v1::SubscribeRequest subscribe;
    subscribe.set_from_position(1);
    auto reader = v1::EventStoreService::NewStub(client_->channel())
                      ->Subscribe(subscribe_context.get(), subscribe);
    v1::SubscribeResponse message;
    EXPECT_FALSE(reader->Read(&message));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  // None of it reached the case.
  auto context = client_->Context(FollowUpOfficer());
  v1::GetCaseResponse view;
  ASSERT_TRUE(GetCase(context.get(), c.case_id(), &view).ok());
  EXPECT_EQ(view.case_().version(), 1u);
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
    EXPECT_REFUSED(client_
                       ->Run(FollowUpOfficer(),
                             RegisterCase("upprepad", kPrivateProvider,
                                          kDisabilityUnit, Today() - 2),
                             options)
                       .status,
                   ALREADY_EXISTS, "options.command_id");
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
  for (const char* digits : {"19121212", "121212", "1212-1212"}) {
    EXPECT_THAT(status.error_message(), Not(HasSubstr(digits)));
  }

  // In an id that is read, neither the answer nor the access log has it.
  const uint64_t head = Head();
  auto context = client_->Context(Auditor());
  const grpc::Status read = GetCase(context.get(), "121212-1212");
  EXPECT_REFUSED(read, INVALID_ARGUMENT, "case_id");
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
