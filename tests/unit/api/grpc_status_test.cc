// The one status mapping: which google.rpc details each code carries, with
// which reason and field, and that the reasons a client may see are the
// ones services/api/ERRORS.md documents.
#include "services/api/grpc_status.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "services/domain/errors.h"

namespace atgard::api {
namespace {

using ::testing::IsEmpty;

// What a client decodes from the trailer.
struct Decoded {
  google::rpc::Status status;
  google::rpc::ErrorInfo info;
  bool has_bad_request = false;
  google::rpc::BadRequest bad_request;
  bool has_precondition = false;
  google::rpc::PreconditionFailure precondition;
};

Decoded Decode(const absl::Status& status) {
  const grpc::Status sent = ToGrpcStatus(status);
  Decoded d;
  EXPECT_TRUE(d.status.ParseFromString(sent.error_details()));
  EXPECT_EQ(d.status.code(), static_cast<int>(sent.error_code()));
  EXPECT_EQ(d.status.message(), sent.error_message());
  EXPECT_EQ(sent.error_message(), status.message()) << "the text is kept";
  bool has_info = false;
  for (const google::protobuf::Any& any : d.status.details()) {
    if (any.Is<google::rpc::ErrorInfo>()) {
      EXPECT_FALSE(has_info) << "one ErrorInfo";
      has_info = any.UnpackTo(&d.info);
    } else if (any.Is<google::rpc::BadRequest>()) {
      d.has_bad_request = any.UnpackTo(&d.bad_request);
    } else if (any.Is<google::rpc::PreconditionFailure>()) {
      d.has_precondition = any.UnpackTo(&d.precondition);
    } else {
      ADD_FAILURE() << "unexpected detail " << any.type_url();
    }
  }
  EXPECT_TRUE(has_info) << "every refusal carries an ErrorInfo";
  EXPECT_EQ(d.info.domain(), "atgard.se");
  EXPECT_THAT(d.info.reason(), ::testing::MatchesRegex("[A-Z][A-Z0-9_]*"));
  return d;
}

TEST(GrpcStatus, OkCarriesNoDetails) {
  const grpc::Status ok = ToGrpcStatus(absl::OkStatus());
  EXPECT_TRUE(ok.ok());
  EXPECT_THAT(ok.error_details(), IsEmpty());
}

TEST(GrpcStatus, InvalidArgumentNamesTheFieldInABadRequest) {
  const Decoded d = Decode(domain::InvalidArgument(
      "deficiency.description", "must not contain a personal identity number"));
  EXPECT_EQ(d.status.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(d.info.reason(), "FIELD_INVALID");
  EXPECT_EQ(d.info.metadata().at("field"), "deficiency.description");
  ASSERT_TRUE(d.has_bad_request);
  ASSERT_EQ(d.bad_request.field_violations_size(), 1);
  EXPECT_EQ(d.bad_request.field_violations(0).field(),
            "deficiency.description");
  EXPECT_EQ(d.bad_request.field_violations(0).description(),
            "must not contain a personal identity number");
  EXPECT_FALSE(d.has_precondition);
}

TEST(GrpcStatus, AMissingFieldIsRequired) {
  const Decoded d = Decode(domain::InvalidArgument(
      "options.command_id", "is required: choose a unique key per command"));
  EXPECT_EQ(d.info.reason(), "FIELD_REQUIRED");
  ASSERT_TRUE(d.has_bad_request);
  EXPECT_EQ(d.bad_request.field_violations(0).field(), "options.command_id");
  EXPECT_EQ(Decode(domain::InvalidArgument("report", "must not be empty"))
                .info.reason(),
            "FIELD_REQUIRED");
}

TEST(GrpcStatus, AnInvalidArgumentMadeElsewhereNamesItsLeadingField) {
  // Request bounds are checked outside the domain, in the same format.
  const Decoded d = Decode(absl::InvalidArgumentError(
      "plan.actions[2].description: must be at most 4000 bytes (is 4001)"));
  EXPECT_EQ(d.info.reason(), "FIELD_INVALID");
  ASSERT_TRUE(d.has_bad_request);
  EXPECT_EQ(d.bad_request.field_violations(0).field(),
            "plan.actions[2].description");
  EXPECT_EQ(d.bad_request.field_violations(0).description(),
            "must be at most 4000 bytes (is 4001)");
  // Prose is not taken for a field.
  const Decoded prose = Decode(absl::InvalidArgumentError(
      "request could not be parsed as atgard.v1.X: it is not valid"));
  EXPECT_EQ(prose.info.reason(), "REQUEST_INVALID");
  EXPECT_FALSE(prose.has_bad_request);
  EXPECT_FALSE(prose.info.metadata().contains("field"));
}

TEST(GrpcStatus, FailedPreconditionSaysWhichStateForbidsIt) {
  const absl::Status refused = domain::WithSubject(
      domain::FailedPrecondition(
          "case_id", "SubmitPlan is not allowed while the case is Open"),
      "0780/case/c-1");
  const Decoded d = Decode(refused);
  EXPECT_EQ(d.status.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(d.info.reason(), "CASE_STATUS_FORBIDS");
  EXPECT_EQ(d.info.metadata().at("subject"), "0780/case/c-1");
  ASSERT_TRUE(d.has_precondition);
  ASSERT_EQ(d.precondition.violations_size(), 1);
  EXPECT_EQ(d.precondition.violations(0).type(), "CASE_STATUS");
  EXPECT_EQ(d.precondition.violations(0).subject(), "0780/case/c-1");
  EXPECT_EQ(d.precondition.violations(0).description(), refused.message());
  EXPECT_FALSE(d.has_bad_request);

  const Decoded contract = Decode(domain::FailedPrecondition(
      "contract_id", "the contract is not terminated"));
  EXPECT_EQ(contract.info.reason(), "CONTRACT_STATUS_FORBIDS");
  ASSERT_TRUE(contract.has_precondition);
  EXPECT_EQ(contract.precondition.violations(0).type(), "CONTRACT_STATUS");
  // Without a subject the field stands for it.
  EXPECT_EQ(contract.precondition.violations(0).subject(), "contract_id");

  const Decoded step = Decode(
      domain::FailedPrecondition("action_number", "the action was withdrawn"));
  EXPECT_EQ(step.info.reason(), "WORKFLOW_STATE_FORBIDS");
  EXPECT_EQ(step.precondition.violations(0).type(), "WORKFLOW_STATE");

  const Decoded server = Decode(absl::FailedPreconditionError(
      "the server has no --backup_dir; start it with one to take backups"));
  EXPECT_EQ(server.info.reason(), "FAILED_PRECONDITION");
  ASSERT_TRUE(server.has_precondition);
  EXPECT_EQ(server.precondition.violations(0).type(), "SERVER_STATE");
}

TEST(GrpcStatus, PermissionDeniedSaysWhy) {
  EXPECT_EQ(Decode(domain::PermissionDenied(
                       "",
                       "role AUDITOR may not submit a plan (allowed: "
                       "PROVIDER)"))
                .info.reason(),
            "ROLE_NOT_ALLOWED");
  EXPECT_EQ(Decode(domain::PermissionDenied(
                       "",
                       "a provider may act only for its own provider and "
                       "units"))
                .info.reason(),
            "NOT_OWN_PROVIDER");
  const Decoded tenant = Decode(domain::PermissionDenied(
      "stream_id", "belongs to another tenant (kommun)"));
  EXPECT_EQ(tenant.info.reason(), "OTHER_TENANT");
  EXPECT_EQ(tenant.info.metadata().at("field"), "stream_id");
  EXPECT_FALSE(tenant.has_bad_request);
  EXPECT_EQ(Decode(absl::PermissionDeniedError("not allowed")).info.reason(),
            "PERMISSION_DENIED");
}

TEST(GrpcStatus, AlreadyExistsTellsACommandIdFromAnAggregateId) {
  EXPECT_EQ(Decode(domain::AlreadyExists("options.command_id",
                                         "was already used for a different "
                                         "command; choose a new id"))
                .info.reason(),
            "COMMAND_ID_REUSED");
  const Decoded taken = Decode(domain::AlreadyExists(
      "provider_id", "a different provider with this id is registered"));
  EXPECT_EQ(taken.info.reason(), "ID_TAKEN");
  EXPECT_EQ(taken.info.metadata().at("field"), "provider_id");
  EXPECT_EQ(Decode(absl::AlreadyExistsError("command id \"x\" was already "
                                            "used for a different command"))
                .info.reason(),
            "ALREADY_EXISTS");
}

TEST(GrpcStatus, EveryOtherCodeHasTheReasonItImplies) {
  const Decoded conflict = Decode(absl::AbortedError(
      "options.expected_version: 0780/case/c is at version 3, not 7; re-read "
      "it and decide again"));
  EXPECT_EQ(conflict.status.code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(conflict.info.reason(), "VERSION_CONFLICT");
  EXPECT_EQ(conflict.info.metadata().at("field"), "options.expected_version");
  EXPECT_FALSE(conflict.has_bad_request);

  EXPECT_EQ(Decode(domain::NotFound("case_id", "no case with this id exists"))
                .info.reason(),
            "NOT_FOUND");
  EXPECT_EQ(Decode(absl::NotFoundError("no such stream")).info.reason(),
            "NOT_FOUND");
  EXPECT_EQ(Decode(absl::UnauthenticatedError("token expired")).info.reason(),
            "UNAUTHENTICATED");
  EXPECT_EQ(
      Decode(absl::ResourceExhaustedError("writes are refused")).info.reason(),
      "DISK_RESERVE");
  EXPECT_EQ(
      Decode(absl::UnavailableError("the store refuses writes")).info.reason(),
      "UNAVAILABLE");
  EXPECT_EQ(Decode(absl::InternalError("bug")).info.reason(), "INTERNAL");
  EXPECT_EQ(Decode(absl::DataLossError("hash chain")).info.reason(),
            "DATA_LOSS");
}

TEST(GrpcStatus, AnExplicitReasonWinsAndTheSubjectIsSetOnce) {
  const absl::Status status = domain::WithSubject(
      domain::WithSubject(domain::WithReason(absl::FailedPreconditionError("x"),
                                             "CASE_STATUS_FORBIDS"),
                          "0780/case/first"),
      "0780/case/second");
  const Decoded d = Decode(status);
  EXPECT_EQ(d.info.reason(), "CASE_STATUS_FORBIDS");
  EXPECT_EQ(d.info.metadata().at("subject"), "0780/case/first");
  EXPECT_TRUE(domain::WithSubject(absl::OkStatus(), "s").ok());
  EXPECT_TRUE(domain::WithReason(absl::OkStatus(), "R").ok());
}

// One refusal of each kind the server makes; each reason it gets has a row
// in the published table.
TEST(GrpcStatus, EveryReasonIsDocumented) {
  const std::vector<absl::Status> refusals = {
      domain::InvalidArgument("f", "is required"),
      domain::InvalidArgument("f", "must be a date"),
      absl::InvalidArgumentError("request could not be parsed"),
      domain::FailedPrecondition("case_id", "r"),
      domain::FailedPrecondition("contract_id", "r"),
      domain::FailedPrecondition("action_number", "r"),
      absl::FailedPreconditionError("the server has no --backup_dir"),
      absl::AbortedError("options.expected_version: conflict"),
      domain::AlreadyExists("options.command_id", "r"),
      domain::AlreadyExists("case_id", "r"),
      absl::AlreadyExistsError("command id reused"),
      domain::NotFound("case_id", "r"),
      domain::PermissionDenied("", "role AUDITOR may not"),
      domain::PermissionDenied("", "a provider reads only its own"),
      domain::PermissionDenied("stream_id", "belongs to another tenant"),
      absl::PermissionDeniedError("r"),
      absl::UnauthenticatedError("r"),
      absl::ResourceExhaustedError("r"),
      absl::UnavailableError("r"),
      absl::CancelledError("r"),
      absl::DeadlineExceededError("r"),
      absl::InternalError("r"),
      absl::DataLossError("r"),
      absl::UnknownError("r"),
      absl::UnimplementedError("r"),
      absl::OutOfRangeError("r"),
  };
  std::ifstream file(
      absl::StrCat(ATGARD_SOURCE_DIR, "/services/api/ERRORS.md"));
  ASSERT_TRUE(file.good());
  std::stringstream text;
  text << file.rdbuf();
  std::set<std::string> reasons;
  for (const absl::Status& refusal : refusals) {
    reasons.insert(Decode(refusal).info.reason());
  }
  EXPECT_EQ(reasons.size(), refusals.size()) << "each kind has its own reason";
  for (const std::string& reason : reasons) {
    EXPECT_NE(text.str().find(absl::StrCat("| `", reason, "` |")),
              std::string::npos)
        << reason << " has no row in services/api/ERRORS.md";
  }
}

}  // namespace
}  // namespace atgard::api
