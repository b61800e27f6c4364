#include "services/api/request_parsing.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "services/api/grpc_status.h"
#include "services/common/log.h"
#include "services/common/rate_limiter.h"

namespace atgard::api {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Lines protobuf may log per second (and in a row).
constexpr double kProtobufLogPerSecond = 10;

// The last thing protobuf logged on this thread while parsing, consumed by
// the interceptor of the call whose request failed to parse.
thread_local std::string last_parse_error;

void LogFromProtobuf(google::protobuf::LogLevel level, const char* filename,
                     int line, const std::string& message) {
  if (absl::StrContains(message, "parsing a protocol buffer") ||
      absl::StrContains(message, "parse message")) {
    last_parse_error = message;
  }
  log::Level ours = log::Level::kInfo;
  switch (level) {
    case google::protobuf::LOGLEVEL_INFO:
      ours = log::Level::kInfo;
      break;
    case google::protobuf::LOGLEVEL_WARNING:
      ours = log::Level::kWarn;
      break;
    default:
      ours = log::Level::kError;
      break;
  }
  // Protobuf logs an ERROR for every request it cannot parse, before the
  // caller is authenticated: anyone could flood the log. As many lines as
  // the refused credentials (grpc_call_authenticator.h); the next line
  // admitted says how many were held back.
  static RateLimiter* const limiter =
      new RateLimiter(kProtobufLogPerSecond, kProtobufLogPerSecond);
  uint64_t suppressed = 0;
  if (!log::Enabled(ours) || !limiter->Admit(&suppressed)) return;
  log::Log(
      ours, "protobuf",
      {{"message", message},
       {"source", absl::StrCat(filename == nullptr ? "" : filename, ":", line)},
       {"suppressed", suppressed}});
}

// "String field 'atgard.v1.Deficiency.description' contains invalid UTF-8
// data when parsing a protocol buffer. Use the 'bytes' type …" → "string
// field atgard.v1.Deficiency.description is not valid UTF-8".
std::string Where(const std::string& logged) {
  constexpr absl::string_view kPrefix = "String field '";
  if (absl::StartsWith(logged, kPrefix)) {
    const size_t end = logged.find('\'', kPrefix.size());
    if (end != std::string::npos &&
        absl::StrContains(logged, "invalid UTF-8")) {
      return absl::StrCat(
          "string field ", logged.substr(kPrefix.size(), end - kPrefix.size()),
          " is not valid UTF-8 (use only UTF-8 text in string fields)");
    }
  }
  return "";
}

// The request type of `method` ("/atgard.v1.CaseService/RegisterCase"),
// or the method itself if the pool does not know it.
std::string RequestType(absl::string_view method) {
  std::string name(absl::StripPrefix(method, "/"));
  absl::StrReplaceAll({{"/", "."}}, &name);
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          name);
  if (descriptor == nullptr) return std::string(method);
  return descriptor->input_type()->full_name();
}

class ParseFailureInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseFailureInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method() == nullptr ? "" : info->method()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // Runs on the thread that just parsed the request: what protobuf
      // logged meanwhile belongs to this request.
      std::string logged;
      logged.swap(last_parse_error);
      if (batch->GetRecvMessage() == nullptr) {
        failure_ = absl::StrCat("request could not be parsed as ",
                                RequestType(method_), ": ");
        const std::string where = Where(logged);
        absl::StrAppend(&failure_,
                        where.empty()
                            ? "it is not a valid protobuf encoding (truncated "
                              "or malformed)"
                            : where);
      }
    }
    if (!failure_.empty() &&
        batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        batch->GetSendStatus().error_code() ==
            grpc::StatusCode::UNIMPLEMENTED) {
      batch->ModifySendStatus(
          ToGrpcStatus(absl::InvalidArgumentError(failure_)));
    }
    batch->Proceed();
  }

 private:
  const std::string method_;
  // Set when the request could not be parsed: the answer's message.
  std::string failure_;
};

}  // namespace

grpc::experimental::Interceptor*
ParseFailureInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new ParseFailureInterceptor(info);
}

void RouteProtobufLogging() {
  google::protobuf::SetLogHandler(&LogFromProtobuf);
}

}  // namespace atgard::api
