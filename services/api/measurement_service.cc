// MeasurementService: quality measurements. Its RPCs take the shapes of
// workflow_call.h.
#include "atgard/v1/measurement_service.grpc.pb.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"

namespace atgard::api {
namespace {

class MeasurementServiceImpl final
    : public v1::MeasurementService::CallbackService {
 public:
  explicit MeasurementServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* RecordMeasurement(
      grpc::CallbackServerContext* context,
      const v1::RecordMeasurementRequest* request,
      v1::RecordMeasurementResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.MeasurementService/RecordMeasurement",
        *request, response, &v1::Command::mutable_record_measurement);
  }

  grpc::ServerUnaryReactor* RecordSelfInspection(
      grpc::CallbackServerContext* context,
      const v1::RecordSelfInspectionRequest* request,
      v1::RecordSelfInspectionResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.MeasurementService/RecordSelfInspection",
                         *request, response,
                         &v1::Command::mutable_record_self_inspection);
  }

  grpc::ServerUnaryReactor* RecordComplaintCounts(
      grpc::CallbackServerContext* context,
      const v1::RecordComplaintCountsRequest* request,
      v1::RecordComplaintCountsResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.MeasurementService/RecordComplaintCounts",
                         *request, response,
                         &v1::Command::mutable_record_complaint_counts);
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeMeasurementService(
    const ServiceContext& context) {
  return std::make_unique<MeasurementServiceImpl>(context);
}

}  // namespace atgard::api
