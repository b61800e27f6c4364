#include "services/api/workflow_call.h"

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <utility>

#include "services/app/access_log.h"
#include "services/app/aggregate_repository.h"
#include "services/app/command_handler.h"
#include "services/domain/read_access.h"
#include "services/domain/validation.h"

namespace atgard::api {

grpc::ServerUnaryReactor* RunCommand(
    const ServiceContext& services, grpc::CallbackServerContext* context,
    absl::string_view method, const google::protobuf::Message& request,
    const v1::CommandOptions& options, v1::CommandResult* result,
    absl::FunctionRef<void(v1::Command&)> set) {
  auto call = std::make_shared<UnaryCall>(services, context, method);
  absl::StatusOr<domain::Principal> principal = call->Admit(request);
  if (!principal.ok()) {
    call->Finish(principal.status());
    return call->reactor();
  }
  app::CommandRequest command{.principal = *std::move(principal),
                              .command_id = options.command_id(),
                              .correlation_id = options.correlation_id()};
  if (options.has_expected_version()) {
    command.expected_version = options.expected_version();
  }
  set(command.command);
  services.commands->Handle(
      std::move(command), [call, result](absl::StatusOr<v1::CommandResult> r) {
        if (r.ok()) *result = *std::move(r);
        call->Finish(r.status());
      });
  return call->reactor();
}

grpc::ServerUnaryReactor* RunRead(const ServiceContext& services,
                                  grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const google::protobuf::Message& request,
                                  const AggregateRead& read, FillRead fill) {
  auto call = std::make_shared<UnaryCall>(services, context, method);
  // Every attempt by a known principal is recorded, refused ones too: by
  // its role or its request's checks as much as later.
  absl::Status outcome;
  absl::StatusOr<domain::Principal> principal =
      call->AdmitRead(request, &outcome);
  if (!principal.ok()) {
    call->Finish(principal.status());
    return call->reactor();
  }
  // An id that fails validation is recorded as it was asked for, escaped
  // and bounded; one holding a personnummer is withheld (app::AccessLog::
  // Requested).
  const absl::Status valid_id = domain::CheckId(read.id_field, read.id);
  const std::string stream =
      valid_id.ok() ? domain::StreamId(principal->tenant,
                                       {.kind = read.kind, .id = read.id})
                    : app::AccessLog::Requested(read.id_field, read.id);
  if (outcome.ok()) outcome = valid_id;
  absl::StatusOr<app::LoadedAggregate> loaded;
  if (outcome.ok()) {
    loaded = services.repository->Load(stream, read.kind);
    outcome = loaded.status();
  }
  if (outcome.ok()) {
    outcome = domain::CheckAggregateRead(*principal, read.id_field,
                                         {.kind = read.kind, .id = read.id},
                                         *loaded->state);
  }
  if (outcome.ok()) outcome = fill(*loaded);
  // Every attempt by a known principal is recorded, refused ones too.
  services.access_log->Record(
      *principal, method, stream, outcome, outcome.ok() ? 1 : 0,
      [call, outcome](absl::Status recorded) {
        call->Finish(recorded.ok() ? outcome : recorded);
      });
  return call->reactor();
}

}  // namespace atgard::api
