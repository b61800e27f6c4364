// CarePlanService: reviews of clients' care plans and the units' registers
// of them. Its RPCs take the shapes of workflow_call.h.
#include "atgard/v1/care_plan_service.grpc.pb.h"
#include "services/api/workflow_call.h"
#include "services/api/workflow_services.h"

namespace atgard::api {
namespace {

class CarePlanServiceImpl final : public v1::CarePlanService::CallbackService {
 public:
  explicit CarePlanServiceImpl(const ServiceContext& services)
      : services_(services) {}

  grpc::ServerUnaryReactor* RecordCarePlanReview(
      grpc::CallbackServerContext* context,
      const v1::RecordCarePlanReviewRequest* request,
      v1::RecordCarePlanReviewResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CarePlanService/RecordCarePlanReview",
        *request, response, &v1::Command::mutable_record_care_plan_review);
  }

  grpc::ServerUnaryReactor* RegisterCarePlan(
      grpc::CallbackServerContext* context,
      const v1::RegisterCarePlanRequest* request,
      v1::RegisterCarePlanResponse* response) override {
    return RunCommandRpc(
        services_, context, "/atgard.v1.CarePlanService/RegisterCarePlan",
        *request, response, &v1::Command::mutable_register_care_plan);
  }

  grpc::ServerUnaryReactor* EndCarePlan(
      grpc::CallbackServerContext* context,
      const v1::EndCarePlanRequest* request,
      v1::EndCarePlanResponse* response) override {
    return RunCommandRpc(services_, context,
                         "/atgard.v1.CarePlanService/EndCarePlan", *request,
                         response, &v1::Command::mutable_end_care_plan);
  }

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeCarePlanService(
    const ServiceContext& context) {
  return std::make_unique<CarePlanServiceImpl>(context);
}

}  // namespace atgard::api
