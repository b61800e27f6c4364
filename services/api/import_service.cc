// ImportService: bulk import of measurements over one bidirectional
// stream. Each row is handed to the command handler as the command the
// unary RPC would send, with the row key as its command id, so that
// idempotency, the domain's rules and durability are exactly the unary
// RPC's. A window bounds the rows of one stream in flight (carried out or
// answered but not yet written), which is the import's flow control: a
// client that stops reading answers stops the server reading rows, and an
// import never holds more than the window's share of the store's writer.
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/import_service.grpc.pb.h"
#include "services/api/call_authenticator.h"
#include "services/api/grpc_status.h"
#include "services/api/metrics.h"
#include "services/api/service_context.h"
#include "services/api/workflow_services.h"
#include "services/app/command_handler.h"
#include "services/app/message_checks.h"
#include "services/domain/errors.h"

namespace atgard::api {
namespace {

constexpr char kImportMeasurements[] =
    "/atgard.v1.ImportService/ImportMeasurements";

// Rows of one stream carried out or awaiting their answer's write at once.
constexpr size_t kWindow = 32;

v1::ImportMeasurementsResponse Refused(const v1::ImportMeasurementsRequest& row,
                                       const absl::Status& status) {
  v1::ImportMeasurementsResponse result;
  result.set_row(row.row());
  result.set_row_key(row.row_key());
  result.set_outcome(v1::IMPORT_OUTCOME_REFUSED);
  result.set_code(absl::StatusCodeToString(status.code()));
  const domain::ErrorDetail detail = domain::DetailOf(status);
  result.set_field(detail.field);
  result.set_reason(detail.reason);
  result.set_message(std::string(status.message()));
  return result;
}

v1::ImportMeasurementsResponse Answer(
    const v1::ImportMeasurementsRequest& row,
    absl::StatusOr<v1::CommandResult> outcome) {
  if (!outcome.ok()) return Refused(row, outcome.status());
  v1::ImportMeasurementsResponse result;
  result.set_row(row.row());
  result.set_row_key(row.row_key());
  // A repeat appends nothing: either the stored answer to the same row
  // key, or a measurement the domain finds already recorded.
  result.set_outcome(outcome->deduplicated() || outcome->event_types().empty()
                         ? v1::IMPORT_OUTCOME_REPEATED
                         : v1::IMPORT_OUTCOME_ACCEPTED);
  *result.mutable_result() = *std::move(outcome);
  return result;
}

class ImportMeasurementsCall final
    : public grpc::ServerBidiReactor<v1::ImportMeasurementsRequest,
                                     v1::ImportMeasurementsResponse> {
 public:
  ImportMeasurementsCall(const ServiceContext& services,
                         grpc::CallbackServerContext* context)
      : services_(services), started_(absl::Now()) {
    // The caller and its role are checked once, before any row is read;
    // each row's own bounds are checked as it arrives, so that one bad row
    // refuses that row only.
    absl::StatusOr<domain::Principal> principal =
        AdmitRequest(*services_.authenticator, *context, kImportMeasurements,
                     v1::ImportMeasurementsRequest());
    if (!principal.ok()) {
      absl::MutexLock lock(&mu_);
      final_status_ = principal.status();
      reads_done_ = true;
    } else {
      principal_ = *std::move(principal);
    }
    Step();
  }

  void OnReadDone(bool ok) override {
    v1::ImportMeasurementsRequest row;
    {
      absl::MutexLock lock(&mu_);
      read_outstanding_ = false;
      if (!ok) {
        reads_done_ = true;
      } else {
        row = std::move(reading_);
        ++in_flight_;
      }
    }
    if (ok) Carry(std::move(row));
    Step();
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      write_outstanding_ = false;
      if (!ok) cancelled_ = true;
    }
    Step();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
    }
    Step();
  }

  void OnDone() override { delete this; }

 private:
  // Hands one row to the command handler; its answer comes back through
  // Answered(), on whichever thread finishes the command.
  void Carry(v1::ImportMeasurementsRequest row) {
    absl::Status checked = app::CheckRequest(row);
    // The key is what makes importing a file again harmless: required.
    if (checked.ok() && row.row_key().empty()) {
      checked = domain::InvalidArgument(
          "row_key",
          "is required: a key that stays the same when the file "
          "is imported again");
    }
    if (!checked.ok()) {
      Answered(Refused(row, checked));
      return;
    }
    app::CommandRequest request{.principal = principal_,
                                .command_id = row.row_key()};
    *request.command.mutable_record_measurement() =
        std::move(*row.mutable_command());
    row.clear_command();
    services_.commands->Handle(
        std::move(request),
        [this, row = std::move(row)](absl::StatusOr<v1::CommandResult> r) {
          Answered(Answer(row, std::move(r)));
        });
  }

  // Runs on whichever thread finished the command, outside any reaction:
  // gRPC does not keep the reactor alive for it. Taking the answer and
  // deciding what follows is therefore one critical section, and nothing
  // here touches the reactor afterwards unless that decision started an
  // operation (which keeps the call from finishing) or is the finish.
  void Answered(v1::ImportMeasurementsResponse result) {
    Next next;
    {
      absl::MutexLock lock(&mu_);
      --in_flight_;
      answers_.push_back(std::move(result));
      next = Decide();
    }
    Run(next);
  }

  // Called from the reactions (gRPC keeps the reactor alive while they
  // run) and the constructor.
  void Step() {
    Next next;
    {
      absl::MutexLock lock(&mu_);
      next = Decide();
    }
    Run(next);
  }

  // What the call's state allows next: the next write, the next read while
  // the window has room, and the finish once every row is answered and
  // every answer written.
  struct Next {
    bool write = false;
    bool read = false;
    bool finish = false;
    absl::Status status;
  };

  Next Decide() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Next next;
    if (finished_) return next;
    if (!write_outstanding_ && !answers_.empty() && !cancelled_) {
      writing_ = std::move(answers_.front());
      answers_.pop_front();
      write_outstanding_ = true;
      next.write = true;
    }
    if (!read_outstanding_ && !reads_done_ && !cancelled_ &&
        in_flight_ + answers_.size() + (write_outstanding_ ? 1 : 0) < kWindow) {
      read_outstanding_ = true;
      next.read = true;
    }
    // After a cancel, unwritten answers are dropped; rows still being
    // carried out are waited for, since their callbacks refer to this.
    const bool answers_settled = cancelled_ || answers_.empty();
    if ((reads_done_ || cancelled_) && !read_outstanding_ && in_flight_ == 0 &&
        answers_settled && !write_outstanding_) {
      finished_ = true;
      next.finish = true;
      next.status = cancelled_ && final_status_.ok()
                        ? absl::CancelledError("the import was cancelled")
                        : final_status_;
    }
    return next;
  }

  // Starts what Decide() chose, outside the lock. An operation it started
  // keeps the call from finishing until it completes; the finish is the
  // last thing done with the reactor.
  void Run(const Next& next) {
    if (next.write) StartWrite(&writing_);
    if (next.read) StartRead(&reading_);
    if (next.finish) {
      if (services_.metrics != nullptr) {
        services_.metrics->ObserveRpc(
            kImportMeasurements, absl::StatusCodeToString(next.status.code()),
            absl::Now() - started_);
      }
      Finish(ToGrpcStatus(next.status));
    }
  }

  const ServiceContext services_;
  const absl::Time started_;
  domain::Principal principal_;

  absl::Mutex mu_;
  // gRPC fills reading_ and sends writing_ while their operation is
  // outstanding; neither is touched then.
  v1::ImportMeasurementsRequest reading_;
  v1::ImportMeasurementsResponse writing_;
  bool read_outstanding_ ABSL_GUARDED_BY(mu_) = false;
  bool write_outstanding_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<v1::ImportMeasurementsResponse> answers_ ABSL_GUARDED_BY(mu_);
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);
};

class ImportServiceImpl final : public v1::ImportService::CallbackService {
 public:
  explicit ImportServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerBidiReactor<v1::ImportMeasurementsRequest,
                          v1::ImportMeasurementsResponse>*
  ImportMeasurements(grpc::CallbackServerContext* context) override {
    return new ImportMeasurementsCall(services_, context);
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeImportService(
    const ServiceContext& context) {
  return std::make_unique<ImportServiceImpl>(context);
}

}  // namespace atgard::api
