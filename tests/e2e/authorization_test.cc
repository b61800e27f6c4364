// The authorisation matrix over real gRPC: every row of the access policy
// (services/domain/access_policy.h) for every RPC of every service the
// server offers (as its reflection lists them, so that a new RPC without a
// row fails here) × every role a token can carry, each cell tried in a
// situation where the call would otherwise be accepted: a role the row
// allows must be accepted (OK), any other must get PERMISSION_DENIED. Two
// more columns for every row: a caller of another tenant (kommun 1480) and
// the staff of another provider, which never reach the data: denied or not
// found (a command of another tenant can only act in its own tenant; a read
// of what is not the caller's finds nothing, as read_access.h in
// services/domain says), unless the row's scope is any tenant.
//
// tests/e2e/AUTHORIZATION_MATRIX.md is rendered from the same table (the
// lint.authorization_matrix test keeps it current), so what it shows is
// what this test finds the server doing. Rows whose variants need a case
// further up the staircase than a situation here reaches are checked
// against the deciders by the domain_access_policy_test.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "atgard/v1/care_plan_service.grpc.pb.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/contract_service.grpc.pb.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/follow_up_plan_service.grpc.pb.h"
#include "atgard/v1/import_service.grpc.pb.h"
#include "atgard/v1/measurement_service.grpc.pb.h"
#include "atgard/v1/operator_service.grpc.pb.h"
#include "atgard/v1/organisation_service.grpc.pb.h"
#include "atgard/v1/provider_service.grpc.pb.h"
#include "atgard/v1/settings_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "services/domain/access_policy.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

namespace pb = ::google::protobuf;

// What a cell shows.
enum class Outcome {
  kAllowed,    // accepted (OK)
  kDenied,     // PERMISSION_DENIED
  kNotFound,   // NOT_FOUND: the caller has no such aggregate
  kOwnTenant,  // accepted, but acting in the caller's own tenant only
  kOther,      // anything else: always a failure
};

std::string Glyph(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllowed:
      return "allowed";
    case Outcome::kDenied:
      return "denied";
    case Outcome::kNotFound:
      return "not found";
    case Outcome::kOwnTenant:
      return "own tenant";
    case Outcome::kOther:
      return "UNEXPECTED";
  }
  return "?";
}

void PrintTo(Outcome outcome, std::ostream* os) { *os << Glyph(outcome); }

// The roles a token can carry (SYSTEM cannot: it is the server's own).
const std::vector<v1::Role>& Roles() {
  static const auto* roles =
      new std::vector<v1::Role>{v1::ROLE_FOLLOW_UP_OFFICER,
                                v1::ROLE_CARE_DIRECTOR,
                                v1::ROLE_ADMINISTRATION_DIRECTOR,
                                v1::ROLE_PROVIDER,
                                v1::ROLE_MEDICAL_OFFICER,
                                v1::ROLE_AUDITOR,
                                v1::ROLE_SUPERVISOR,
                                v1::ROLE_OPERATOR};
  return *roles;
}

std::string RoleColumn(v1::Role role) {
  return role == v1::ROLE_PROVIDER ? "PROVIDER (own)"
                                   : std::string(domain::RoleName(role));
}

// A call in a prepared situation, made as some principal; returns the
// status and, for commands, the stream the events went to.
struct CallResult {
  grpc::Status status;
  std::string stream_id;
};
using Attempt = std::function<CallResult(const domain::Principal&)>;

// The gRPC code a row of a bulk import was refused with, by its name.
grpc::StatusCode StatusCodeNamed(const std::string& name) {
  for (int code = 0; code <= 16; ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name)
      return static_cast<grpc::StatusCode>(code);
  }
  return grpc::StatusCode::UNKNOWN;
}

struct Row {
  std::string service;
  std::string rpc;
  std::string situation;
  // The access policy's variant the situation stands for ("" for an RPC
  // with one row); its roles are the ones allowed.
  std::string variant;
  // The provider whose staff is "PROVIDER (own)".
  std::string provider = kPrivateProvider;
  // What a caller of tenant 1480 gets.
  Outcome other_tenant = Outcome::kNotFound;
  // Builds a fresh situation and returns the call to try in it.
  std::function<Attempt()> prepare;
};

// The row of the access policy that `row` checks, or nullptr.
const domain::AccessRule* RuleOf(const Row& row) {
  for (const domain::AccessRule* rule : domain::RulesFor(
           absl::StrCat("/atgard.v1.", row.service, "/", row.rpc))) {
    if (domain::VariantName(*rule) == row.variant) return rule;
  }
  return nullptr;
}

// The roles a token can carry that `rule` allows.
std::set<v1::Role> AllowedRoles(const domain::AccessRule& rule) {
  std::set<v1::Role> allowed;
  for (v1::Role role : Roles()) {
    if (std::find(rule.roles.begin(), rule.roles.end(), role) !=
        rule.roles.end()) {
      allowed.insert(role);
    }
  }
  return allowed;
}

class AuthorizationMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
    auto server = ServerProcess::Start(
        {.data_dir = tmp_.Join("data"),
         // A development clock, started at the real time, so that
         // SetDevelopmentClock has a clock to move.
         .extra_args = {absl::StrCat("--backup_dir=", tmp_.Join("backups")),
                        absl::StrCat(
                            "--dev_clock=",
                            absl::FormatTime(absl::RFC3339_sec, absl::Now(),
                                             absl::UTCTimeZone()))},
         .work_dir = tmp_.path()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    client_ =
        std::make_unique<GrpcClient>(server_->address(), tmp_.Join("data"));
    SeedProvidersRemotely(*client_);
  }

  std::string NextId(absl::string_view prefix) {
    return absl::StrCat(prefix, "-", ++ids_);
  }

  // A year without a follow-up plan yet.
  int NextPlanYear() { return 2040 + ++plan_years_; }

  // An attempt that sends `command` through its RPC.
  Attempt Command(v1::Command command) {
    return [this, command](const domain::Principal& p) {
      const CommandOutcome outcome = client_->Run(p, command);
      return CallResult{outcome.status, outcome.result.stream_id()};
    };
  }

  // An attempt that calls a unary read with `request`.
  template <typename Request, typename Response, typename Call>
  Attempt Read(Request request, Call call) {
    return [this, request, call](const domain::Principal& p) {
      Response response;
      return CallResult{call(client_->channel(), client_->Context(p).get(),
                             request, &response),
                        ""};
    };
  }

  // A case of the private (or municipal) provider, registered and driven
  // by `drive`.
  RemoteCase NewCase(bool private_provider = true) {
    return RemoteCase(*client_, NextId("matris"), private_provider);
  }

  // A new contract of the private provider.
  std::string NewContract() {
    const std::string id = NextId("avtal");
    MustRun(*client_, AdministrationDirector(),
            RegisterContract(
                id, Terms(kPrivateProvider, Today() - 100, Today() + 300)));
    return id;
  }

  // The area the DefineArea and GetAreas rows define.
  static v1::Command MatrixArea() {
    v1::Command command;
    v1::OrganisationArea* area = command.mutable_define_area()->mutable_area();
    area->set_area_id("omrade-matris");
    area->set_name("Område matris");
    area->add_units()->set_provider_id(kMunicipalProvider);
    area->mutable_units(0)->set_unit_id(kMunicipalUnit);
    area->add_care_director_subjects(CareDirector().subject);
    return command;
  }

  std::vector<Row> Rows();

  TempDir tmp_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<GrpcClient> client_;
  int ids_ = 0;
  int clock_moves_ = 0;
  int plan_years_ = 0;
};

std::vector<Row> AuthorizationMatrix::Rows() {
  std::vector<Row> rows;

  // ---- ProviderService
  rows.push_back({"ProviderService", "RegisterProvider", "a new provider", "",
                  kPrivateProvider, Outcome::kOwnTenant, [this] {
                    return Command(RegisterProvider(NextId("bolag"),
                                                    kOtherOrgNumber,
                                                    v1::REGIFORM_PRIVATE));
                  }});
  rows.push_back({"ProviderService", "RegisterUnit", "a new unit", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    return Command(
                        RegisterUnit(kPrivateProvider, NextId("enhet")));
                  }});
  rows.push_back({"ProviderService", "RecordFollowUpActivity",
                  "an observation visit today", "", kPrivateProvider,
                  Outcome::kNotFound, [this] {
                    return Command(RecordActivity(
                        NextId("besok"), kPrivateProvider, {kPrivateUnit},
                        v1::ACTIVITY_KIND_OBSERVATION_VISIT, Today()));
                  }});
  rows.push_back(
      {"ProviderService", "RecordPositiveExample", "a positive example today",
       "", kPrivateProvider, Outcome::kNotFound, [this] {
         return Command(RecordPositiveExample(
             NextId("exempel"), kPrivateProvider, kPrivateUnit, Today()));
       }});
  rows.push_back(
      {"ProviderService", "GetProvider", "the provider", "", kPrivateProvider,
       Outcome::kNotFound, [this] {
         v1::GetProviderRequest request;
         request.set_provider_id(kPrivateProvider);
         return Read<v1::GetProviderRequest, v1::GetProviderResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::ProviderService::NewStub(channel)->GetProvider(
                   context, r, a);
             });
       }});

  // ---- ContractService
  rows.push_back({"ContractService", "RegisterContract", "a new contract", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    return Command(RegisterContract(
                        NextId("avtal"),
                        Terms(kPrivateProvider, Today() - 10, Today() + 365)));
                  }});
  rows.push_back({"ContractService", "ExtendContract", "an active contract", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    return Command(
                        ExtendContract(NewContract(), Today() + 800, Today()));
                  }});
  rows.push_back(
      {"ContractService", "DeclineContractExtension", "an active contract", "",
       kPrivateProvider, Outcome::kNotFound,
       [this] { return Command(DeclineExtension(NewContract(), Today())); }});
  rows.push_back({"ContractService", "ImposeSanction",
                  "an active contract and a case whose plan was rejected", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    RemoteCase c = NewCase();
                    c.Register();
                    c.FailStep();
                    return Command(ImposeSanction(
                        NewContract(), "vite-1", v1::SANCTION_KIND_FINE,
                        {c.case_id()}, Today(), 1000));
                  }});
  rows.push_back({"ContractService", "TerminateContract",
                  "an active contract and a case whose plan was rejected", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    RemoteCase c = NewCase();
                    c.Register();
                    c.FailStep();
                    return Command(TerminateContract(NewContract(),
                                                     {c.case_id()}, Today()));
                  }});
  rows.push_back({"ContractService", "DecideNoSanction",
                  "an active contract and a case whose plan was rejected", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    RemoteCase c = NewCase();
                    c.Register();
                    c.FailStep();
                    return Command(
                        DecideNoSanction(NewContract(), c.case_id(), Today()));
                  }});
  rows.push_back(
      {"ContractService", "GetContract", "the provider's contract", "",
       kPrivateProvider, Outcome::kNotFound, [this] {
         v1::GetContractRequest request;
         request.set_contract_id(kContract);
         return Read<v1::GetContractRequest, v1::GetContractResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::ContractService::NewStub(channel)->GetContract(
                   context, r, a);
             });
       }});

  // ---- CaseService
  auto case_row = [&](std::string rpc, std::string situation,
                      std::string variant, bool private_provider,
                      std::function<v1::Command(RemoteCase&)> drive) {
    rows.push_back({"CaseService", std::move(rpc), std::move(situation),
                    std::move(variant),
                    private_provider ? kPrivateProvider : kMunicipalProvider,
                    Outcome::kNotFound, [this, private_provider, drive] {
                      RemoteCase c = NewCase(private_provider);
                      return Command(drive(c));
                    }});
  };
  case_row("RegisterCase", "a new deficiency", "", true, [](RemoteCase& c) {
    return RegisterCase(c.case_id(), c.provider_id(), c.unit_id(), Today() - 1);
  });
  case_row("MarkCaseSystemLevel", "a registered case", "", true,
           [](RemoteCase& c) {
             c.Register();
             v1::Command command;
             command.mutable_mark_case_system_level()->set_case_id(c.case_id());
             command.mutable_mark_case_system_level()->set_reason(
                 "Bristen ligger i kommunens uppföljningssystem.");
             return command;
           });
  case_row("RequestPlan", "private provider, step 1, registered",
           "private provider, steps 1, 1b", true, [](RemoteCase& c) {
             c.Register();
             return RequestPlan(c.case_id(), Request(Today()));
           });
  case_row("RequestPlan", "municipal unit, step 1, registered",
           "municipal unit, steps 1, 2", false, [](RemoteCase& c) {
             c.Register();
             return RequestPlan(c.case_id(), Request(Today()));
           });
  case_row("SubmitPlan", "private provider, plan requested",
           "private provider, step 1", true, [](RemoteCase& c) {
             c.Register();
             c.RequestPlan();
             return SubmitPlan(c.case_id(), Plan(c.complete_by()));
           });
  case_row("AssessPlan", "private provider, step 1, plan submitted",
           "private provider, step 1", true, [](RemoteCase& c) {
             c.Register();
             c.RequestPlan();
             c.SubmitPlan();
             return AssessPlan(c.case_id(), Approval());
           });
  case_row("AssessPlan", "municipal unit, step 1, plan submitted",
           "municipal unit, steps 1, 2", false, [](RemoteCase& c) {
             c.Register();
             c.RequestPlan();
             c.SubmitPlan();
             return AssessPlan(c.case_id(), Approval());
           });
  auto approved = [](RemoteCase& c) {
    c.Register();
    c.RequestPlan();
    c.SubmitPlan();
    c.Approve();
  };
  case_row("ReportActionProgress", "private provider, plan approved",
           "private provider, steps 1, 1b", true, [approved](RemoteCase& c) {
             approved(c);
             return ReportProgress(c.case_id(), 1, v1::TRAFFIC_LIGHT_YELLOW);
           });
  case_row("CompleteAction", "private provider, plan approved",
           "private provider, steps 1, 1b", true, [approved](RemoteCase& c) {
             approved(c);
             return CompleteAction(c.case_id(), 1);
           });
  case_row("WithdrawAction", "private provider, step 1, plan approved",
           "private provider, step 1", true, [approved](RemoteCase& c) {
             approved(c);
             return WithdrawAction(c.case_id(), 2);
           });
  case_row("ReportImplementation", "private provider, every action completed",
           "private provider, steps 1, 1b", true, [approved](RemoteCase& c) {
             approved(c);
             c.CompleteAllActions();
             return ReportImplementation(c.case_id());
           });
  case_row("RecordMilestone", "private provider, step 1b, plan approved",
           "private provider, step 1b", true, [](RemoteCase& c) {
             c.AdvanceTo(v1::ESCALATION_STEP_1B);
             c.RequestPlan();
             c.SubmitPlan();
             c.Approve();
             return RecordMilestone(c.case_id(), 1, /*met=*/true);
           });
  case_row("ScheduleFollowUp", "private provider, step 1, plan approved",
           "private provider, step 1", true, [approved](RemoteCase& c) {
             approved(c);
             return ScheduleFollowUp(c.case_id(), Today() + 30);
           });
  case_row("RecordFollowUp", "private provider, step 1, implemented",
           "private provider, step 1", true, [approved](RemoteCase& c) {
             approved(c);
             c.CompleteAllActions();
             c.ReportImplementation();
             return RecordFollowUp(c.case_id(), Today(),
                                   v1::FOLLOW_UP_RESULT_NOT_RESOLVED);
           });
  case_row("ProposeEscalation", "private provider, step 1 failed", "", true,
           [](RemoteCase& c) {
             c.Register();
             c.FailStep();
             return ProposeEscalation(c.case_id());
           });
  case_row("EscalateCase", "private provider, step 1 failed (to 1b)",
           "private provider, steps 1, 1b", true, [](RemoteCase& c) {
             c.Register();
             c.FailStep();
             return Escalate(c.case_id(), v1::ESCALATION_STEP_1B, Today(),
                             domain::AddCalendarMonths(Today(), 4));
           });
  case_row("EscalateCase", "municipal unit, step 1 failed (to 2)",
           "municipal unit, step 1", false, [](RemoteCase& c) {
             c.Register();
             c.FailStep();
             return Escalate(c.case_id(), v1::ESCALATION_STEP_2, Today());
           });
  case_row("DecideConsequence", "private provider, step 4",
           "private provider, step 4", true, [](RemoteCase& c) {
             c.AdvanceTo(v1::ESCALATION_STEP_4);
             return DecideConsequence(c.case_id(), Today(),
                                      /*municipal=*/false);
           });
  case_row("DecideConsequence", "municipal unit, step 4",
           "municipal unit, step 4", false, [](RemoteCase& c) {
             c.AdvanceTo(v1::ESCALATION_STEP_4);
             return DecideConsequence(c.case_id(), Today(),
                                      /*municipal=*/true);
           });
  case_row("CloseCase", "registered in error, before any request",
           "closure SYSTEM_LEVEL_HANDLED, REGISTERED_IN_ERROR", true,
           [](RemoteCase& c) {
             c.Register();
             return CloseCase(c.case_id(),
                              v1::CASE_CLOSURE_REGISTERED_IN_ERROR);
           });
  case_row("SubmitOwnPlan", "private provider, registered, no request", "",
           true, [](RemoteCase& c) {
             c.Register();
             v1::Command command;
             v1::SubmitOwnPlan* own = command.mutable_submit_own_plan();
             own->set_case_id(c.case_id());
             *own->mutable_start_by() = D(Today());
             *own->mutable_complete_by() = D(Today() + 60);
             *own->mutable_plan() = Plan(Today() + 60);
             return command;
           });
  case_row("AcceptImplementationReport",
           "private provider, step 1, implemented, no follow-up needed",
           "private provider, step 1", true, [this](RemoteCase& c) {
             c.Register();
             const v1::PlanRequest request = RequestWithoutFollowUp(Today());
             MustRun(*client_, c.Requester(),
                     RequestPlan(c.case_id(), request));
             MustRun(*client_, c.Staff(),
                     SubmitPlan(c.case_id(),
                                Plan(domain::DayOf(request.complete_by()))));
             c.Approve();
             c.CompleteAllActions();
             c.ReportImplementation();
             return AcceptImplementationReport(c.case_id());
           });
  case_row("RecordPlannedMeasurement",
           "private provider, step 1b, plan approved",
           "private provider, step 1b", true, [](RemoteCase& c) {
             c.AdvanceTo(v1::ESCALATION_STEP_1B);
             c.RequestPlan();
             c.SubmitPlan();
             c.Approve();
             return RecordPlannedMeasurement(c.case_id(), 1, Today());
           });
  rows.push_back(
      {"CaseService", "GetCase", "a case of the provider", "", kPrivateProvider,
       Outcome::kNotFound, [this] {
         RemoteCase c = NewCase();
         c.Register();
         v1::GetCaseRequest request;
         request.set_case_id(c.case_id());
         return Read<v1::GetCaseRequest, v1::GetCaseResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::CaseService::NewStub(channel)->GetCase(context, r, a);
             });
       }});

  // ---- MeasurementService, CarePlanService
  rows.push_back(
      {"MeasurementService", "RecordMeasurement", "a green measurement today",
       "", kPrivateProvider, Outcome::kNotFound, [this] {
         return Command(RecordMeasurement(NextId("matning"), kPrivateProvider,
                                          kPrivateUnit, NextId("indikator"),
                                          Today().year(), Today(),
                                          /*red=*/false));
       }});
  rows.push_back({"MeasurementService", "RecordSelfInspection",
                  "this year's self-inspection of a new unit", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    // A year of its own for each situation.
                    return Command(
                        RecordSelfInspection(kPrivateProvider, kPrivateUnit,
                                             Today().year() - ++ids_, true));
                  }});
  rows.push_back({"MeasurementService", "RecordComplaintCounts",
                  "this month's complaint counts", "", kPrivateProvider,
                  Outcome::kNotFound, [this] {
                    return Command(RecordComplaintCounts(
                        kPrivateProvider, kPrivateUnit,
                        absl::FormatCivilTime(absl::CivilMonth(Today())),
                        v1::COMPLAINT_CATEGORY_COMPLAINT, ++ids_));
                  }});
  rows.push_back({"CarePlanService", "RecordCarePlanReview",
                  "a review of a client's care plan today", "",
                  kPrivateProvider, Outcome::kNotFound, [this] {
                    return Command(RecordCarePlanReview(
                        NextId("genomgang"), kPrivateProvider, kPrivateUnit,
                        NextId("klient"), Today()));
                  }});
  rows.push_back(
      {"CarePlanService", "RegisterCarePlan", "a care plan established today",
       "", kPrivateProvider, Outcome::kNotFound, [this] {
         return Command(RegisterCarePlan(kPrivateProvider, kPrivateUnit,
                                         NextId("klient"), Today()));
       }});
  rows.push_back({"CarePlanService", "EndCarePlan", "a registered care plan",
                  "", kPrivateProvider, Outcome::kNotFound, [this] {
                    const std::string client = NextId("klient");
                    MustRun(*client_, FollowUpOfficer(),
                            RegisterCarePlan(kPrivateProvider, kPrivateUnit,
                                             client, Today()));
                    return Command(EndCarePlan(kPrivateProvider, kPrivateUnit,
                                               client, Today()));
                  }});

  // ---- ImportService: one row, answered as the unary RPC would answer it.
  rows.push_back(
      {"ImportService", "ImportMeasurements",
       "one row: a green measurement today", "", kPrivateProvider,
       Outcome::kNotFound, [this] {
         return Attempt([this](const domain::Principal& p) {
           auto context = client_->Context(p);
           auto stream = v1::ImportService::NewStub(client_->channel())
                             ->ImportMeasurements(context.get());
           v1::ImportMeasurementsRequest row;
           row.set_row(1);
           row.set_row_key(FreshCommandId());
           *row.mutable_command() =
               RecordMeasurement(NextId("matning"), kPrivateProvider,
                                 kPrivateUnit, NextId("indikator"),
                                 Today().year(), Today(), /*red=*/false)
                   .record_measurement();
           stream->Write(row);
           stream->WritesDone();
           v1::ImportMeasurementsResponse answer;
           bool answered = false;
           for (v1::ImportMeasurementsResponse next; stream->Read(&next);) {
             answer = next;
             answered = true;
           }
           const grpc::Status status = stream->Finish();
           if (!status.ok() || !answered) return CallResult{status, ""};
           if (answer.outcome() == v1::IMPORT_OUTCOME_REFUSED) {
             return CallResult{
                 grpc::Status(StatusCodeNamed(answer.code()), answer.message()),
                 ""};
           }
           return CallResult{grpc::Status::OK, answer.result().stream_id()};
         });
       }});

  // ---- SettingsService: another tenant sets and reads its own settings.
  rows.push_back(
      {"SettingsService", "SetPolicySettings", "new thresholds with a reason",
       "", kPrivateProvider, Outcome::kOwnTenant,
       [this] { return Command(SetPolicySettings(1 + ids_++ % 6, 0, 0, 0)); }});
  rows.push_back(
      {"SettingsService", "GetPolicySettings", "the settings in force", "",
       kPrivateProvider, Outcome::kOwnTenant, [this]() -> Attempt {
         return [this](const domain::Principal& p) {
           v1::GetPolicySettingsResponse response;
           const grpc::Status status =
               v1::SettingsService::NewStub(client_->channel())
                   ->GetPolicySettings(client_->Context(p).get(), {},
                                       &response);
           // The settings read are always the caller's own tenant's.
           return CallResult{status, absl::StrCat(p.tenant, "/settings/")};
         };
       }});

  // ---- FollowUpPlanService: a plan is adopted once a year, so each
  // situation takes a year of its own.
  rows.push_back(
      {"FollowUpPlanService", "AdoptFollowUpPlan", "a new year's plan", "",
       kPrivateProvider, Outcome::kOwnTenant,
       [this] { return Command(AdoptFollowUpPlan(NextPlanYear(), Today())); }});
  rows.push_back({"FollowUpPlanService", "AmendFollowUpPlan", "an adopted plan",
                  "", kPrivateProvider, Outcome::kNotFound, [this] {
                    const int year = NextPlanYear();
                    MustRun(*client_, FollowUpOfficer(),
                            AdoptFollowUpPlan(year, Today()));
                    return Command(AmendFollowUpPlan(year, Today(), 3));
                  }});
  // The policies' commands: no token may send them.
  rows.push_back({"FollowUpPlanService", "AddFollowUpPlanSubject",
                  "a unit for an adopted plan", "", kPrivateProvider,
                  Outcome::kDenied, [this] {
                    const int year = NextPlanYear();
                    MustRun(*client_, FollowUpOfficer(),
                            AdoptFollowUpPlan(year, Today()));
                    return Command(AddFollowUpPlanSubject(
                        year, kPrivateProvider, NextId("enhet"),
                        absl::CivilDay(year, 1, 2)));
                  }});
  rows.push_back(
      {"FollowUpPlanService", "AddTriggeredFollowUp",
       "a hygiene round for an adopted plan", "", kPrivateProvider,
       Outcome::kDenied, [this] {
         const int year = NextPlanYear();
         MustRun(*client_, FollowUpOfficer(), AdoptFollowUpPlan(year, Today()));
         return Command(AddHygieneRound(year, kPrivateProvider, kPrivateUnit,
                                        absl::CivilDay(year, 1, 2)));
       }});
  rows.push_back({"FollowUpPlanService", "RecordPlannedFollowUpFulfilment",
                  "an activity for an adopted plan", "", kPrivateProvider,
                  Outcome::kDenied, [this] {
                    const int year = NextPlanYear();
                    MustRun(*client_, FollowUpOfficer(),
                            AdoptFollowUpPlan(year, Today()));
                    return Command(RecordPlanFulfilment(
                        year, NextId("aktivitet"), kPrivateProvider,
                        kPrivateUnit, v1::ACTIVITY_KIND_RECONCILIATION_MEETING,
                        absl::CivilDay(year, 1, 2)));
                  }});
  rows.push_back(
      {"FollowUpPlanService", "GetFollowUpPlan", "an adopted plan", "",
       kPrivateProvider, Outcome::kNotFound, [this] {
         const int year = NextPlanYear();
         MustRun(*client_, FollowUpOfficer(), AdoptFollowUpPlan(year, Today()));
         v1::GetFollowUpPlanRequest request;
         request.set_year(year);
         return Read<v1::GetFollowUpPlanRequest, v1::GetFollowUpPlanResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::FollowUpPlanService::NewStub(channel)
                   ->GetFollowUpPlan(context, r, a);
             });
       }});

  // ---- EventStoreService: the other tenant names this tenant's streams.
  rows.push_back(
      {"EventStoreService", "ReadStream", "a case stream of the provider", "",
       kPrivateProvider, Outcome::kNotFound, [this] {
         RemoteCase c = NewCase();
         c.Register();
         v1::ReadStreamRequest request;
         request.set_stream_id(c.stream_id());
         return Read<v1::ReadStreamRequest, v1::ReadStreamResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::EventStoreService::NewStub(channel)->ReadStream(
                   context, r, a);
             });
       }});
  rows.push_back(
      {"EventStoreService", "ReadAll",
       absl::StrCat("the log, filtered to \"", kTenant, "/\""), "",
       kPrivateProvider, Outcome::kDenied, [this] {
         v1::ReadAllRequest request;
         request.mutable_filter()->add_stream_prefixes(
             absl::StrCat(kTenant, "/"));
         return Read<v1::ReadAllRequest, v1::ReadAllResponse>(
             request, [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::EventStoreService::NewStub(channel)->ReadAll(context,
                                                                       r, a);
             });
       }});
  rows.push_back(
      {"EventStoreService", "Subscribe",
       absl::StrCat("from position 1, filtered to \"", kTenant, "/\""), "",
       kPrivateProvider, Outcome::kDenied, [this] {
         return Attempt([this](const domain::Principal& p) {
           v1::SubscribeRequest request;
           request.set_from_position(1);
           request.mutable_filter()->add_stream_prefixes(
               absl::StrCat(kTenant, "/"));
           auto context = client_->Context(p);
           auto reader = v1::EventStoreService::NewStub(client_->channel())
                             ->Subscribe(context.get(), request);
           v1::SubscribeResponse message;
           if (reader->Read(&message)) {
             // Served: the first event (or the caught-up marker) arrived.
             context->TryCancel();
             reader->Finish();
             return CallResult{grpc::Status::OK, ""};
           }
           return CallResult{reader->Finish(), ""};
         });
       }});

  // ---- OrganisationService: one area, always the same (a repeat writes
  // nothing), holding the municipal unit for the care director every row
  // uses, so that the register narrows no other row.
  rows.push_back({"OrganisationService", "DefineArea",
                  "the municipal unit's area", "", kPrivateProvider,
                  Outcome::kOwnTenant,
                  [this] { return Command(MatrixArea()); }});
  // The read names no tenant: a caller of another tenant reads its own
  // register.
  rows.push_back(
      {"OrganisationService", "GetAreas", "a register with one area", "",
       kPrivateProvider, Outcome::kOwnTenant, [this] {
         MustRun(*client_, AdministrationDirector(), MatrixArea());
         MustRun(*client_, AdministrationDirector("1480"), MatrixArea());
         return Attempt([this](const domain::Principal& p) {
           v1::GetAreasResponse response;
           const grpc::Status status =
               v1::OrganisationService::NewStub(client_->channel())
                   ->GetAreas(client_->Context(p).get(), v1::GetAreasRequest(),
                              &response);
           return CallResult{status,
                             status.ok()
                                 ? absl::StrCat(p.tenant, "/organisation/areas")
                                 : ""};
         });
       }});

  // ---- DiagnosticsService: authentication only, for every caller.
  rows.push_back({"DiagnosticsService", "Ping", "any time", "",
                  kPrivateProvider, Outcome::kAllowed, [this] {
                    return Read<v1::PingRequest, v1::PingResponse>(
                        v1::PingRequest(), [](auto channel, auto* context,
                                              const auto& r, auto* a) {
                          return v1::DiagnosticsService::NewStub(channel)->Ping(
                              context, r, a);
                        });
                  }});
  // ---- OperatorService: the store as a whole, for OPERATOR only. An
  // operator runs the service for every tenant; no tenant's data leaves
  // through these calls (a verdict, or a backup on the server's own disk).
  rows.push_back(
      {"OperatorService", "VerifyLog", "any time", "", kPrivateProvider,
       Outcome::kAllowed, [this] {
         return Read<v1::VerifyLogRequest, v1::VerifyLogResponse>(
             v1::VerifyLogRequest(),
             [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::OperatorService::NewStub(channel)->VerifyLog(context,
                                                                       r, a);
             });
       }});
  rows.push_back(
      {"OperatorService", "CreateBackup", "a server with --backup_dir", "",
       kPrivateProvider, Outcome::kAllowed, [this] {
         return Read<v1::CreateBackupRequest, v1::CreateBackupResponse>(
             v1::CreateBackupRequest(),
             [](auto channel, auto* context, const auto& r, auto* a) {
               return v1::OperatorService::NewStub(channel)->CreateBackup(
                   context, r, a);
             });
       }});
  rows.push_back({"OperatorService", "SetDevelopmentClock",
                  "a server with --dev_clock, moved a little further each time",
                  "", kPrivateProvider, Outcome::kAllowed, [this] {
                    return [this](const domain::Principal& p) {
                      // Each move goes 10 s further than the last beyond the
                      // real time, so that it is never a move back; the
                      // workflow's day stays today.
                      v1::SetDevelopmentClockRequest request;
                      request.mutable_now()->set_seconds(
                          absl::ToUnixSeconds(absl::Now()) +
                          10 * ++clock_moves_);
                      v1::SetDevelopmentClockResponse response;
                      return CallResult{
                          v1::OperatorService::NewStub(client_->channel())
                              ->SetDevelopmentClock(client_->Context(p).get(),
                                                    request, &response),
                          ""};
                    };
                  }});
  return rows;
}

domain::Principal PrincipalFor(v1::Role role, const std::string& provider,
                               absl::string_view tenant = kTenant) {
  switch (role) {
    case v1::ROLE_FOLLOW_UP_OFFICER:
      return FollowUpOfficer(tenant);
    case v1::ROLE_CARE_DIRECTOR:
      return CareDirector(tenant);
    case v1::ROLE_ADMINISTRATION_DIRECTOR:
      return AdministrationDirector(tenant);
    case v1::ROLE_PROVIDER:
      return ProviderStaff(provider, tenant);
    case v1::ROLE_MEDICAL_OFFICER:
      return MedicalOfficer(tenant);
    case v1::ROLE_AUDITOR:
      return Auditor(tenant);
    case v1::ROLE_SUPERVISOR:
      return Supervisor(tenant);
    default:
      return Operator(tenant);
  }
}

Outcome Classify(const CallResult& result, const domain::Principal& caller) {
  switch (result.status.error_code()) {
    case grpc::StatusCode::OK:
      if (caller.tenant != kTenant &&
          absl::StartsWith(result.stream_id,
                           absl::StrCat(caller.tenant, "/"))) {
        return Outcome::kOwnTenant;
      }
      return Outcome::kAllowed;
    case grpc::StatusCode::PERMISSION_DENIED:
      return Outcome::kDenied;
    case grpc::StatusCode::NOT_FOUND:
      return Outcome::kNotFound;
    default:
      return Outcome::kOther;
  }
}

// The cells as observed, one line per situation.
std::string RenderObserved(const std::vector<Row>& rows,
                           const std::vector<std::vector<Outcome>>& cells) {
  std::ostringstream out;
  out << "| service | RPC | situation |";
  for (v1::Role role : Roles()) out << " " << RoleColumn(role) << " |";
  out << " other tenant | other provider |\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    out << "| " << rows[r].service << " | " << rows[r].rpc << " | "
        << rows[r].situation << " |";
    for (Outcome outcome : cells[r]) out << " " << Glyph(outcome) << " |";
    out << "\n";
  }
  return out.str();
}

TEST_F(AuthorizationMatrix, EveryRoleTimesEveryRpc) {
  const std::vector<Row> rows = Rows();

  // Every RPC the server serves has at least one row, and every row names
  // an RPC that exists.
  absl::StatusOr<std::vector<std::string>> served =
      ListServerServices(client_->channel());
  ASSERT_TRUE(served.ok()) << served.status();
  std::set<std::string> api;
  for (const pb::ServiceDescriptor* s : ApiServices()) {
    api.insert(s->full_name());
  }
  std::set<std::string> expected_rpcs;
  for (const std::string& name : *served) {
    if (!absl::StartsWith(name, "atgard.")) continue;  // health, reflection
    EXPECT_TRUE(api.count(name))
        << name << " is served but has no expectations here";
    const pb::ServiceDescriptor* service =
        pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      expected_rpcs.insert(
          absl::StrCat(service->name(), "/", service->method(i)->name()));
    }
  }
  std::set<std::string> covered;
  for (const Row& row : rows) {
    covered.insert(absl::StrCat(row.service, "/", row.rpc));
  }
  for (const std::string& rpc : expected_rpcs) {
    EXPECT_TRUE(covered.count(rpc)) << rpc << " has no expectation";
    EXPECT_FALSE(domain::RulesFor(absl::StrCat("/atgard.v1.", rpc)).empty())
        << rpc << " has no row in the access policy";
  }
  for (const std::string& rpc : covered) {
    EXPECT_TRUE(expected_rpcs.count(rpc)) << rpc << " is not served";
  }
  // Every RPC of the policy is served.
  for (const domain::AccessRule& rule : domain::AccessPolicy()) {
    EXPECT_TRUE(expected_rpcs.count(
        absl::StrCat(domain::ServiceName(rule), "/", domain::RpcName(rule))))
        << rule.method << " has a row but is not served";
  }

  std::vector<std::vector<Outcome>> cells;
  for (const Row& row : rows) {
    SCOPED_TRACE(
        absl::StrCat(row.service, "/", row.rpc, " (", row.situation, ")"));
    const domain::AccessRule* rule = RuleOf(row);
    ASSERT_NE(rule, nullptr)
        << "no row of the access policy has variant \"" << row.variant << "\"";
    const std::set<v1::Role> allowed = AllowedRoles(*rule);
    // Only the server's own policies (SYSTEM) may send what no token
    // role may: then every caller is denied.
    const bool system_only = allowed.empty();
    if (system_only) {
      ASSERT_EQ(rule->roles, std::vector<v1::Role>{v1::ROLE_SYSTEM});
    }
    // Only RPCs that are not bound to a tenant reach another tenant.
    EXPECT_EQ(row.other_tenant == Outcome::kAllowed,
              rule->scope == domain::AccessScope::kAnyTenant);
    std::vector<Outcome> line(Roles().size() + 2, Outcome::kOther);
    // Refusals change nothing, so one situation serves every refused
    // caller and then the first allowed one; each further allowed caller
    // gets a fresh situation.
    Attempt attempt = row.prepare();
    auto record = [&](size_t column, const domain::Principal& caller,
                      Outcome expected) {
      const CallResult result = attempt(caller);
      line[column] = Classify(result, caller);
      EXPECT_EQ(line[column], expected)
          << "as " << RoleColumn(caller.role) << " of " << caller.tenant
          << (caller.provider_id.empty()
                  ? ""
                  : absl::StrCat(" (", caller.provider_id, ")"))
          << ": expected " << Glyph(expected) << ", got "
          << Describe(result.status);
    };
    for (size_t i = 0; i < Roles().size(); ++i) {
      if (allowed.count(Roles()[i])) continue;
      record(i, PrincipalFor(Roles()[i], row.provider), Outcome::kDenied);
    }
    const v1::Role first_allowed =
        system_only ? v1::ROLE_FOLLOW_UP_OFFICER : *allowed.begin();
    record(Roles().size(), PrincipalFor(first_allowed, row.provider, "1480"),
           row.other_tenant);
    // Another provider's staff: where PROVIDER may call at all, the scope
    // keeps it to its own provider unless the RPC is bound to no tenant. A
    // read of another provider's aggregate finds nothing, as a missing one
    // would; a command on it is denied.
    const bool provider_read =
        allowed.count(v1::ROLE_PROVIDER) &&
        rule->scope == domain::AccessScope::kOwnProvider &&
        (absl::StartsWith(row.rpc, "Get") || row.rpc == "ReadStream");
    record(Roles().size() + 1, ProviderStaff(kOtherProvider),
           rule->scope == domain::AccessScope::kAnyTenant &&
                   allowed.count(v1::ROLE_PROVIDER)
               ? Outcome::kAllowed
           : provider_read ? Outcome::kNotFound
                           : Outcome::kDenied);
    bool fresh = false;
    for (size_t i = 0; i < Roles().size(); ++i) {
      if (!allowed.count(Roles()[i])) continue;
      if (fresh) attempt = row.prepare();
      fresh = true;
      record(i, PrincipalFor(Roles()[i], row.provider), Outcome::kAllowed);
    }
    cells.push_back(std::move(line));
  }
  // What was observed, for the log of a failed run.
  std::cout << RenderObserved(rows, cells);
}

// A subscriber of another tenant, subscribed to its own tenant, never sees
// this tenant's events while both tenants write; its reads of the log are
// as blind.
TEST_F(AuthorizationMatrix, AnotherTenantsSubscriberSeesOnlyItsOwnEvents) {
  const std::string other = "1480";
  MustRun(*client_, FollowUpOfficer(other),
          RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                           v1::REGIFORM_PRIVATE));
  MustRun(*client_, FollowUpOfficer(other),
          RegisterUnit(kPrivateProvider, kPrivateUnit));

  // Two subscribers of the other tenant: one naming its own tenant's
  // prefix, one with no filter (which means its own tenant).
  struct Subscriber {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<v1::SubscribeResponse>> reader;
  };
  std::vector<Subscriber> subscribers;
  for (bool explicit_prefix : {true, false}) {
    v1::SubscribeRequest request;
    request.set_from_position(1);
    if (explicit_prefix) {
      request.mutable_filter()->add_stream_prefixes(absl::StrCat(other, "/"));
    }
    Subscriber s{client_->Context(Auditor(other), absl::Seconds(60)), nullptr};
    s.reader = v1::EventStoreService::NewStub(client_->channel())
                   ->Subscribe(s.context.get(), request);
    subscribers.push_back(std::move(s));
  }

  // Both tenants register cases with the same ids, interleaved.
  for (int i = 0; i < 10; ++i) {
    const std::string id = absl::StrCat("delad-", i);
    MustRun(*client_, FollowUpOfficer(),
            RegisterCase(id, kPrivateProvider, kPrivateUnit, Today()));
    MustRun(*client_, FollowUpOfficer(other),
            RegisterCase(id, kPrivateProvider, kPrivateUnit, Today()));
  }
  const std::string last = absl::StrCat(other, "/case/slut");
  MustRun(*client_, FollowUpOfficer(other),
          RegisterCase("slut", kPrivateProvider, kPrivateUnit, Today()));

  std::vector<std::vector<uint64_t>> received;
  for (Subscriber& s : subscribers) {
    std::vector<uint64_t> positions;
    v1::SubscribeResponse message;
    while (s.reader->Read(&message)) {
      if (!message.has_event()) continue;
      const v1::EventEnvelope& e = message.event().envelope();
      EXPECT_TRUE(absl::StartsWith(e.stream_id(), absl::StrCat(other, "/")))
          << e.stream_id() << " reached a subscriber of " << other;
      EXPECT_EQ(e.metadata().tenant(), other);
      positions.push_back(e.global_position());
      if (e.stream_id() == last) break;
    }
    s.context->TryCancel();
    while (s.reader->Read(&message)) {
    }
    s.reader->Finish();
    received.push_back(std::move(positions));
  }

  // What each subscriber got is exactly its tenant's log up to the last
  // case (the access records of the subscriptions included).
  v1::ReadAllRequest read;
  read.set_max_count(1000);
  v1::ReadAllResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client_->channel())
          ->ReadAll(client_->Context(Auditor(other)).get(), read, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  std::vector<uint64_t> own;
  for (const v1::RecordedEvent& e : response.events()) {
    EXPECT_TRUE(
        absl::StartsWith(e.envelope().stream_id(), absl::StrCat(other, "/")));
    if (!received[0].empty() &&
        e.envelope().global_position() <= received[0].back()) {
      own.push_back(e.envelope().global_position());
    }
  }
  EXPECT_GE(own.size(), 2u + 11u);
  for (const std::vector<uint64_t>& positions : received) {
    EXPECT_THAT(positions, ::testing::ElementsAreArray(own));
  }
}

}  // namespace
}  // namespace atgard::testing
