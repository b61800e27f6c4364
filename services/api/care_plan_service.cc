// CarePlanService: reviews of clients' care plans. Its RPCs take the shapes of
// workflow_call.h.
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

 private:
  const ServiceContext services_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeCarePlanService(
    const ServiceContext& context) {
  return std::make_unique<CarePlanServiceImpl>(context);
}

}  // namespace atgard::api
