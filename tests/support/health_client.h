// A client for the standard gRPC health service (grpc.health.v1.Health).
// gRPC's C++ packages ship the server side only, and the request and
// response are one field each, so the client encodes them by hand.
#ifndef ATGARD_TESTS_SUPPORT_HEALTH_CLIENT_H_
#define ATGARD_TESTS_SUPPORT_HEALTH_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace atgard::testing {

enum class ServingStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3
};

// Calls Health/Check for `service` ("" is the whole server). The gRPC
// status of a failed call becomes the absl status.
absl::StatusOr<ServingStatus> CheckHealth(
    const std::shared_ptr<grpc::Channel>& channel,
    const std::string& service = "", absl::Duration timeout = absl::Seconds(5));

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_HEALTH_CLIENT_H_
