// Internal to the workflow services (provider_service.cc, case_service.cc,
// ...): the two shapes their RPCs take, a command handed to the command
// handler and a read of one aggregate, written once for all of them.
#ifndef ATGARD_SERVICES_API_WORKFLOW_CALL_H_
#define ATGARD_SERVICES_API_WORKFLOW_CALL_H_

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/api.pb.h"
#include "atgard/v1/commands.pb.h"
#include "services/api/service_context.h"
#include "services/domain/streams.h"

namespace atgard::app {
struct LoadedAggregate;
}  // namespace atgard::app

namespace atgard::api {

// Admits the call (UnaryCall::Admit: authentication, the access policy for
// `method`, the request's checks), lets `set` fill the domain command from
// the request, and hands it with `options` to the command handler; the
// returned reactor finishes when the handler answers, with its result in
// *result (owned by gRPC's response, which outlives the reactor).
grpc::ServerUnaryReactor* RunCommand(const ServiceContext& services,
                                     grpc::CallbackServerContext* context,
                                     absl::string_view method,
                                     const google::protobuf::Message& request,
                                     const v1::CommandOptions& options,
                                     v1::CommandResult* result,
                                     absl::FunctionRef<void(v1::Command&)> set);

// RunCommand() for a command RPC whose request carries `options` and the
// command that `field` (e.g. &v1::Command::mutable_close_case) selects in
// v1::Command.
template <typename Request, typename Response, typename Field>
grpc::ServerUnaryReactor* RunCommandRpc(const ServiceContext& services,
                                        grpc::CallbackServerContext* context,
                                        absl::string_view method,
                                        const Request& request,
                                        Response* response,
                                        Field* (v1::Command::*field)()) {
  return RunCommand(services, context, method, request, request.options(),
                    response->mutable_result(), [&](v1::Command& command) {
                      *(command.*field)() = request.command();
                    });
}

// What a Get RPC reads: one aggregate by the id its request names.
struct AggregateRead {
  domain::AggregateKind kind;
  // The request's id field, for messages and validation.
  absl::string_view id_field;
  std::string id;
};

// Fills the response from the loaded aggregate, which exists and which
// the principal may read; called at most once, before RunRead returns.
using FillRead = absl::FunctionRef<absl::Status(const app::LoadedAggregate&)>;

// The read path shared by the Get RPCs: admit (UnaryCall::AdmitRead),
// load the aggregate from the caller's tenant, decide the read by the
// read-access rule (domain::CheckAggregateRead: NOT_FOUND if it has no
// events or, for a PROVIDER, is another provider's), fill, and record the
// read in the access log, refused or not; the reactor finishes once it is
// recorded.
grpc::ServerUnaryReactor* RunRead(const ServiceContext& services,
                                  grpc::CallbackServerContext* context,
                                  absl::string_view method,
                                  const google::protobuf::Message& request,
                                  const AggregateRead& read, FillRead fill);

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_WORKFLOW_CALL_H_
