// Requests gRPC cannot parse get INVALID_ARGUMENT saying so, and
// protobuf's own diagnostics go to atgard's log.
//
// gRPC 1.51's callback API parses a request before any handler runs; when
// that fails (a truncated message, invalid UTF-8 in a string field) it
// answers UNIMPLEMENTED with an empty message, which tells a client
// nothing and suggests the method does not exist. The handler never sees
// the call, so the fix has to sit around it. Of gRPC's hooks, a server
// interceptor is the least invasive that sees every call: it learns that
// parsing failed (the received message is null after POST_RECV_MESSAGE)
// and may rewrite the status before it is sent (PRE_SEND_STATUS). The
// alternatives were worse: custom SerializationTraits must be specialised
// for every generated type before the generated code is compiled; raw
// ByteBuffer methods or a generic service would take parsing (and every
// typed handler) away from the generated services.
//
// Protobuf reports why a string field failed (it names the field, never
// the bytes) on its log, on the thread that parses; that line is kept for
// the interceptor, which runs on the same thread right after, so the
// answer can say where the request broke.
#ifndef ATGARD_SERVICES_API_REQUEST_PARSING_H_
#define ATGARD_SERVICES_API_REQUEST_PARSING_H_

#include <grpcpp/support/server_interceptor.h>

namespace atgard::api {

// Makes interceptors that turn gRPC's answer to a request that could not
// be parsed (UNIMPLEMENTED, no message) into INVALID_ARGUMENT "request
// could not be parsed as <type>: <why>". Other calls pass untouched.
class ParseFailureInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// Routes protobuf's log output (GOOGLE_LOG) through services/common/log.h
// as event "protobuf", so it is one JSON line like everything else rather
// than raw text. Idempotent; call once at start-up.
void RouteProtobufLogging();

}  // namespace atgard::api

#endif  // ATGARD_SERVICES_API_REQUEST_PARSING_H_
