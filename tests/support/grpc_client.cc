#include "tests/support/grpc_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <future>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "atgard/v1/care_plan_service.pb.h"
#include "atgard/v1/case_service.pb.h"
#include "atgard/v1/contract_service.pb.h"
#include "atgard/v1/diagnostics_service.pb.h"
#include "atgard/v1/event_store_service.pb.h"
#include "atgard/v1/follow_up_plan_service.pb.h"
#include "atgard/v1/import_service.pb.h"
#include "atgard/v1/measurement_service.pb.h"
#include "atgard/v1/operator_service.pb.h"
#include "atgard/v1/organisation_service.pb.h"
#include "atgard/v1/provider_service.pb.h"
#include "atgard/v1/settings_service.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/unknown_field_set.h"
#include "services/auth/dev_tokens.h"

namespace atgard::testing {
namespace {

namespace pb = ::google::protobuf;

// The files that declare the API's services. Naming one message of each
// links its descriptors into the test binary; tests that must not miss a
// service compare this list with what the server itself reports through
// reflection (ListServerServices).
std::vector<const pb::FileDescriptor*> ServiceFiles() {
  return {v1::RegisterProviderRequest::descriptor()->file(),
          v1::RegisterContractRequest::descriptor()->file(),
          v1::RegisterCaseRequest::descriptor()->file(),
          v1::RecordMeasurementRequest::descriptor()->file(),
          v1::RecordCarePlanReviewRequest::descriptor()->file(),
          v1::AdoptFollowUpPlanRequest::descriptor()->file(),
          v1::ReadAllRequest::descriptor()->file(),
          v1::PingRequest::descriptor()->file(),
          v1::VerifyLogRequest::descriptor()->file(),
          v1::ImportMeasurementsRequest::descriptor()->file(),
          v1::SetPolicySettingsRequest::descriptor()->file(),
          v1::DefineAreaRequest::descriptor()->file()};
}

std::string PrincipalKey(const domain::Principal& p) {
  return absl::StrCat(p.subject, "|", p.role, "|", p.tenant, "|", p.provider_id,
                      "|", p.area_id);
}

}  // namespace

std::string Describe(const grpc::Status& status) {
  if (status.ok()) return "OK";
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int code = static_cast<int>(status.error_code());
  const std::string name =
      code >= 0 && code <= 16 ? kNames[code] : absl::StrCat("CODE_", code);
  return absl::StrCat(name, ": ", status.error_message());
}

std::string FreshCommandId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = absl::Uniform<uint64_t>(absl::BitGen());
  return absl::StrCat("cmd-", getpid(), "-", absl::Hex(salt), "-",
                      counter.fetch_add(1));
}

std::vector<const pb::ServiceDescriptor*> ApiServices() {
  std::vector<const pb::ServiceDescriptor*> services;
  for (const pb::FileDescriptor* file : ServiceFiles()) {
    for (int i = 0; i < file->service_count(); ++i) {
      services.push_back(file->service(i));
    }
  }
  return services;
}

std::string FullMethodName(const pb::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

absl::StatusOr<const pb::MethodDescriptor*> CommandMethod(
    const v1::Command& command) {
  if (command.command_case() == v1::Command::COMMAND_NOT_SET) {
    return absl::InvalidArgumentError("no command is set");
  }
  const pb::Descriptor* type = v1::Command::descriptor()
                                   ->FindFieldByNumber(command.command_case())
                                   ->message_type();
  for (const pb::ServiceDescriptor* service : ApiServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      // Bulk imports stream the same commands; one is sent by its unary RPC.
      if (method->client_streaming()) continue;
      const pb::FieldDescriptor* field =
          method->input_type()->FindFieldByName("command");
      if (field != nullptr && field->message_type() == type) return method;
    }
  }
  return absl::NotFoundError(
      absl::StrCat("no RPC carries a ", type->full_name()));
}

absl::StatusOr<std::vector<std::string>> ListServerServices(
    const std::shared_ptr<grpc::Channel>& channel) {
  // ServerReflectionRequest { string list_services = 7; }, encoded by hand:
  // the reflection protos are not installed for C++ clients.
  const std::string request_bytes("\x3a\x00", 2);
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  // One operation at a time: start it, then wait for its tag.
  auto wait = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  grpc::Slice slice(request_bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  bool read = false;
  call->StartCall(nullptr);
  if (wait()) {
    call->Write(request, nullptr);
    if (wait()) {
      call->WritesDone(nullptr);
      if (wait()) {
        call->Read(&response, nullptr);
        read = wait();
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  cq.Shutdown();
  while (wait()) {
  }
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  if (!read) return absl::DataLossError("reflection sent no answer");
  std::vector<grpc::Slice> slices;
  if (!response.Dump(&slices).ok()) {
    return absl::DataLossError("unreadable reflection answer");
  }
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  // ServerReflectionResponse { ListServiceResponse list_services_response =
  // 6; } ListServiceResponse { repeated ServiceResponse service = 1; }
  // ServiceResponse { string name = 1; }
  pb::UnknownFieldSet answer;
  if (!answer.ParseFromString(bytes)) {
    return absl::DataLossError("reflection answer is not a message");
  }
  std::vector<std::string> names;
  for (int i = 0; i < answer.field_count(); ++i) {
    const pb::UnknownField& field = answer.field(i);
    if (field.number() != 6 ||
        field.type() != pb::UnknownField::TYPE_LENGTH_DELIMITED) {
      continue;
    }
    pb::UnknownFieldSet list;
    if (!list.ParseFromString(field.length_delimited())) {
      return absl::DataLossError("unreadable ListServiceResponse");
    }
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != 1) continue;
      pb::UnknownFieldSet service;
      if (!service.ParseFromString(list.field(j).length_delimited())) {
        return absl::DataLossError("unreadable ServiceResponse");
      }
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) {
          names.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  if (names.empty()) return absl::DataLossError("reflection lists nothing");
  return names;
}

GrpcClient::GrpcClient(const std::string& address, std::string data_dir)
    : GrpcClient(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()),
          std::move(data_dir)) {}

GrpcClient::GrpcClient(std::shared_ptr<grpc::Channel> channel,
                       std::string data_dir)
    : channel_(std::move(channel)), data_dir_(std::move(data_dir)) {}

absl::StatusOr<std::string> GrpcClient::Token(
    const domain::Principal& principal) const {
  const std::string key = PrincipalKey(principal);
  {
    absl::MutexLock lock(&mu_);
    if (auto it = tokens_.find(key); it != tokens_.end()) return it->second;
  }
  absl::StatusOr<std::string> token =
      Token(principal, absl::Hours(1), absl::Now());
  if (token.ok()) {
    absl::MutexLock lock(&mu_);
    tokens_.emplace(key, *token);
  }
  return token;
}

absl::StatusOr<std::string> GrpcClient::Token(
    const domain::Principal& principal, absl::Duration ttl,
    absl::Time issued_at) const {
  return auth::MintDevToken(data_dir_,
                            {.subject = principal.subject,
                             .role = principal.role,
                             .tenant = principal.tenant,
                             .provider_id = principal.provider_id,
                             .area_id = principal.area_id,
                             .ttl = ttl},
                            issued_at);
}

std::unique_ptr<grpc::ClientContext> GrpcClient::Context(
    const domain::Principal& principal, absl::Duration timeout) const {
  absl::StatusOr<std::string> token = Token(principal);
  EXPECT_TRUE(token.ok()) << token.status();
  return ContextWithAuthorization(
      token.ok() ? absl::StrCat("Bearer ", *token) : "", timeout);
}

std::unique_ptr<grpc::ClientContext> GrpcClient::ContextWithAuthorization(
    absl::string_view authorization, absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!authorization.empty()) {
    context->AddMetadata("authorization", std::string(authorization));
  }
  return context;
}

CommandOutcome GrpcClient::Run(const domain::Principal& principal,
                               const v1::Command& command) const {
  return Run(principal, command, v1::CommandOptions());
}

CommandOutcome GrpcClient::Run(const domain::Principal& principal,
                               const v1::Command& command,
                               v1::CommandOptions options,
                               bool fresh_id) const {
  if (fresh_id && options.command_id().empty()) {
    options.set_command_id(FreshCommandId());
  }
  std::unique_ptr<grpc::ClientContext> context = Context(principal);
  return RunWithContext(context.get(), command, std::move(options));
}

CommandOutcome GrpcClient::RunWithContext(grpc::ClientContext* context,
                                          const v1::Command& command,
                                          v1::CommandOptions options) const {
  CommandOutcome outcome;
  outcome.command_id = options.command_id();
  absl::StatusOr<const pb::MethodDescriptor*> method = CommandMethod(command);
  if (!method.ok()) {
    outcome.status = grpc::Status(grpc::StatusCode::INTERNAL,
                                  std::string(method.status().message()));
    return outcome;
  }
  pb::MessageFactory* factory = pb::MessageFactory::generated_factory();
  std::unique_ptr<pb::Message> request(
      factory->GetPrototype((*method)->input_type())->New());
  std::unique_ptr<pb::Message> response(
      factory->GetPrototype((*method)->output_type())->New());
  const pb::Reflection* reflection = request->GetReflection();
  const pb::Descriptor* input = (*method)->input_type();
  reflection->MutableMessage(request.get(), input->FindFieldByName("options"))
      ->CopyFrom(options);
  const pb::FieldDescriptor* command_field =
      v1::Command::descriptor()->FindFieldByNumber(command.command_case());
  reflection->MutableMessage(request.get(), input->FindFieldByName("command"))
      ->CopyFrom(command.GetReflection()->GetMessage(command, command_field));
  outcome.status = CallUnary(context, **method, *request, response.get());
  if (outcome.status.ok()) {
    const pb::FieldDescriptor* result =
        (*method)->output_type()->FindFieldByName("result");
    outcome.result.CopyFrom(
        response->GetReflection()->GetMessage(*response, result));
  }
  return outcome;
}

grpc::Status GrpcClient::CallUnary(grpc::ClientContext* context,
                                   const pb::MethodDescriptor& method,
                                   const pb::Message& request,
                                   pb::Message* response) const {
  grpc::GenericStub stub(channel_);
  const std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context, FullMethodName(method), grpc::StubOptions(),
                 &request_buffer, &response_buffer,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return status;
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::DATA_LOSS, "unreadable response");
  }
  std::string answer;
  for (const grpc::Slice& s : slices) {
    answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (!response->ParseFromString(answer)) {
    return grpc::Status(grpc::StatusCode::DATA_LOSS,
                        absl::StrCat("response is not a ",
                                     response->GetDescriptor()->full_name()));
  }
  return status;
}

}  // namespace atgard::testing
