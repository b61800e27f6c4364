// The real server on the development clock, for end-to-end tests of
// deadlines: started with --dev_auth and --dev_clock at a chosen instant,
// its clock moved forward by OperatorService.SetDevelopmentClock (which
// wakes the deadline scheduler), and a stream read back through
// EventStoreService.ReadStream to see what was appended.
#ifndef ATGARD_TESTS_SUPPORT_DEV_CLOCK_SERVER_H_
#define ATGARD_TESTS_SUPPORT_DEV_CLOCK_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.pb.h"
#include "services/domain/principal.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {

// Starts the server on `tmp`'s data directory (again, after a stop: the
// same data) with its workflow clock at `clock`, and `extra_args`. By
// default the deadline scheduler runs only hourly, so that within a test
// it runs at start and whenever the clock is moved.
absl::StatusOr<std::unique_ptr<ServerProcess>> StartOnDevClock(
    const TempDir& tmp, absl::Time clock,
    std::vector<std::string> extra_args = {"--deadline_interval=1h"});

// Moves the server's development clock to `now` as `as`; the call's
// status, and the instant the server answered with in *answered.
grpc::Status SetDevClock(const GrpcClient& client, absl::Time now,
                         absl::Time* answered = nullptr,
                         const domain::Principal& as = Operator());

// The events of `stream_id` (at most 1000) as FOLLOW_UP_OFFICER; fails the
// calling test if the read is refused.
std::vector<v1::RecordedEvent> ReadStreamEvents(const GrpcClient& client,
                                                const std::string& stream_id);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_DEV_CLOCK_SERVER_H_
