#include "services/domain/access_policy.h"

#include <algorithm>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/domain/case_workflow.h"
#include "services/domain/errors.h"
#include "services/domain/read_access.h"

namespace atgard::domain {
namespace {

constexpr v1::Role kOfficer = v1::ROLE_FOLLOW_UP_OFFICER;
constexpr v1::Role kCare = v1::ROLE_CARE_DIRECTOR;
constexpr v1::Role kAdmin = v1::ROLE_ADMINISTRATION_DIRECTOR;
constexpr v1::Role kStaff = v1::ROLE_PROVIDER;
constexpr v1::Role kMedical = v1::ROLE_MEDICAL_OFFICER;
constexpr v1::Role kAuditor = v1::ROLE_AUDITOR;
constexpr v1::Role kSupervisor = v1::ROLE_SUPERVISOR;
constexpr v1::Role kOperator = v1::ROLE_OPERATOR;
constexpr v1::Role kSystem = v1::ROLE_SYSTEM;

constexpr v1::Regiform kMunicipal = v1::REGIFORM_MUNICIPAL;
constexpr v1::Regiform kPrivate = v1::REGIFORM_PRIVATE;
constexpr v1::EscalationStep k1 = v1::ESCALATION_STEP_1;
constexpr v1::EscalationStep k1b = v1::ESCALATION_STEP_1B;
constexpr v1::EscalationStep k2 = v1::ESCALATION_STEP_2;
constexpr v1::EscalationStep k3 = v1::ESCALATION_STEP_3;
constexpr v1::EscalationStep k4 = v1::ESCALATION_STEP_4;

constexpr AccessScope kTenant = AccessScope::kTenant;
constexpr AccessScope kOwnProvider = AccessScope::kOwnProvider;
constexpr AccessScope kAnyTenant = AccessScope::kAnyTenant;

// The roles a token can carry, as the matrix's columns.
constexpr v1::Role kTokenRoles[] = {kOfficer, kCare,    kAdmin,      kStaff,
                                    kMedical, kAuditor, kSupervisor, kOperator};

// Rows for a case command whose roles follow the staircase: one per
// regiform and group of steps with the same roles.
struct StepRoles {
  v1::Regiform regiform;
  std::vector<v1::EscalationStep> steps;
  std::vector<v1::Role> roles;
};

std::vector<AccessRule> Table() {
  // The roles of the read-access rule (read_access.h), which also decides
  // what each of them may read once admitted: everyone who reads workflow
  // data (a PROVIDER its own provider's only), and the log across streams,
  // which a PROVIDER does not read.
  const std::vector<v1::Role>& readers = WorkflowReaders();
  const std::vector<v1::Role>& log_readers = LogReaders();
  std::vector<AccessRule> rules;
  auto add = [&](absl::string_view method, std::vector<v1::Role> roles,
                 AccessScope scope = kTenant) {
    rules.push_back(
        {.method = method, .roles = std::move(roles), .scope = scope});
  };
  auto by_step = [&](absl::string_view method, std::vector<StepRoles> variants,
                     AccessScope scope = kTenant) {
    for (StepRoles& v : variants) {
      rules.push_back({.method = method,
                       .regiform = v.regiform,
                       .steps = std::move(v.steps),
                       .roles = std::move(v.roles),
                       .scope = scope});
    }
  };

  add("/atgard.v1.ProviderService/RegisterProvider", {kOfficer});
  add("/atgard.v1.ProviderService/RegisterUnit", {kOfficer});
  add("/atgard.v1.ProviderService/RecordFollowUpActivity",
      {kOfficer, kMedical});
  add("/atgard.v1.ProviderService/RecordPositiveExample", {kOfficer, kMedical});
  add("/atgard.v1.ProviderService/GetProvider", readers, kOwnProvider);

  // The administration director decides over contracts; the follow-up
  // officer may register one on the director's behalf.
  add("/atgard.v1.ContractService/RegisterContract", {kOfficer, kAdmin});
  add("/atgard.v1.ContractService/ExtendContract", {kAdmin});
  add("/atgard.v1.ContractService/DeclineContractExtension", {kAdmin});
  add("/atgard.v1.ContractService/ImposeSanction", {kAdmin});
  add("/atgard.v1.ContractService/TerminateContract", {kAdmin});
  add("/atgard.v1.ContractService/DecideNoSanction", {kAdmin});
  add("/atgard.v1.ContractService/GetContract", readers, kOwnProvider);

  // Case commands: the roles of each step are those of the staircase in
  // case_workflow.cc (requesters, assessors, escalators).
  add("/atgard.v1.CaseService/RegisterCase", {kOfficer, kMedical, kSystem});
  add("/atgard.v1.CaseService/MarkCaseSystemLevel", {kOfficer, kCare, kAdmin});
  // At a municipal unit the administration director and U&U may call for
  // measures too; whoever requested, the step's assessor assesses.
  by_step("/atgard.v1.CaseService/RequestPlan",
          {{kMunicipal, {k1, k2}, {kOfficer, kCare, kAdmin}},
           {kMunicipal, {k3}, {kOfficer, kAdmin}},
           {kPrivate, {k1, k1b}, {kOfficer}}});
  // U&U draws up the step-1b plan with the provider, and the care director
  // prepares the step-3 plan; either may submit it.
  by_step("/atgard.v1.CaseService/SubmitPlan",
          {{kMunicipal, {k1, k2}, {kStaff}},
           {kMunicipal, {k3}, {kCare, kStaff}},
           {kPrivate, {k1}, {kStaff}},
           {kPrivate, {k1b}, {kOfficer, kStaff}}},
          kOwnProvider);
  const std::vector<StepRoles> assessors = {{kMunicipal, {k1, k2}, {kCare}},
                                            {kMunicipal, {k3}, {kAdmin}},
                                            {kPrivate, {k1}, {kOfficer}},
                                            {kPrivate, {k1b}, {kAdmin}}};
  by_step("/atgard.v1.CaseService/AssessPlan", assessors);
  // At a municipal step 3 the care director and the unit manager carry the
  // plan out together.
  const std::vector<StepRoles> implementers = {
      {kMunicipal, {k1, k2}, {kStaff}},
      {kMunicipal, {k3}, {kCare, kStaff}},
      {kPrivate, {k1, k1b}, {kStaff}}};
  by_step("/atgard.v1.CaseService/ReportActionProgress", implementers,
          kOwnProvider);
  by_step("/atgard.v1.CaseService/CompleteAction", implementers, kOwnProvider);
  by_step("/atgard.v1.CaseService/WithdrawAction", assessors);
  by_step("/atgard.v1.CaseService/ReportImplementation", implementers,
          kOwnProvider);
  // Follow-up work: the follow-up and medical officers, and the step's
  // assessor.
  const std::vector<StepRoles> follow_up = {
      {kMunicipal, {k1, k2}, {kOfficer, kCare, kMedical}},
      {kMunicipal, {k3}, {kOfficer, kAdmin, kMedical}},
      {kPrivate, {k1}, {kOfficer, kMedical}},
      {kPrivate, {k1b}, {kOfficer, kAdmin, kMedical}}};
  by_step("/atgard.v1.CaseService/RecordMilestone",
          {follow_up[1], follow_up[3]});
  by_step("/atgard.v1.CaseService/ScheduleFollowUp", follow_up);
  by_step("/atgard.v1.CaseService/RecordFollowUp", follow_up);
  add("/atgard.v1.CaseService/ProposeEscalation", {kOfficer, kCare});
  by_step("/atgard.v1.CaseService/EscalateCase",
          {{kMunicipal, {k1}, {kCare, kAdmin}},
           {kMunicipal, {k2, k3}, {kAdmin}},
           {kPrivate, {k1, k1b}, {kAdmin}}});
  // At a municipal unit the care director decides the consequences
  // together with the administration director.
  by_step("/atgard.v1.CaseService/DecideConsequence",
          {{kMunicipal, {k4}, {kCare, kAdmin}}, {kPrivate, {k4}, {kAdmin}}});
  // Ordinary closures are the commissioners'; a terminated contract closes
  // its cases by the administration director, who decides terminations, or
  // by the server's own policy.
  rules.push_back({.method = "/atgard.v1.CaseService/CloseCase",
                   .closures = {v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED,
                                v1::CASE_CLOSURE_REGISTERED_IN_ERROR},
                   .roles = {kOfficer, kCare, kAdmin}});
  rules.push_back({.method = "/atgard.v1.CaseService/CloseCase",
                   .closures = {v1::CASE_CLOSURE_CONTRACT_TERMINATED},
                   .roles = {kAdmin, kSystem}});
  add("/atgard.v1.CaseService/GetCase", readers, kOwnProvider);
  add("/atgard.v1.CaseService/SubmitOwnPlan", {kStaff}, kOwnProvider);
  // Closing a case that needs no follow-up, and the planned extra
  // measurements of step-1b and step-3 plans, are follow-up work.
  by_step("/atgard.v1.CaseService/AcceptImplementationReport", follow_up);
  by_step("/atgard.v1.CaseService/RecordPlannedMeasurement",
          {follow_up[1], follow_up[3]});

  add("/atgard.v1.MeasurementService/RecordMeasurement", {kOfficer, kMedical});
  add("/atgard.v1.ImportService/ImportMeasurements", {kOfficer, kMedical});
  add("/atgard.v1.CarePlanService/RecordCarePlanReview", {kStaff},
      kOwnProvider);
  add("/atgard.v1.CarePlanService/RegisterCarePlan", {kOfficer, kStaff},
      kOwnProvider);
  add("/atgard.v1.CarePlanService/EndCarePlan", {kOfficer, kStaff},
      kOwnProvider);
  add("/atgard.v1.MeasurementService/RecordSelfInspection", {kOfficer, kStaff},
      kOwnProvider);
  add("/atgard.v1.MeasurementService/RecordComplaintCounts",
      {kOfficer, kStaff, kMedical}, kOwnProvider);
  // The thresholds are the municipality's: providers neither set nor read
  // them.
  add("/atgard.v1.SettingsService/SetPolicySettings", {kOfficer, kAdmin});
  add("/atgard.v1.SettingsService/GetPolicySettings",
      {kOfficer, kCare, kAdmin, kMedical, kAuditor, kSupervisor});

  // The follow-up unit adopts the year's plan and the administration
  // director may, for the board; the plan names every provider, so a
  // PROVIDER does not read it.
  add("/atgard.v1.FollowUpPlanService/AdoptFollowUpPlan", {kOfficer, kAdmin});
  add("/atgard.v1.FollowUpPlanService/AmendFollowUpPlan", {kOfficer, kAdmin});
  // Only the server's own policies keep the plan current.
  add("/atgard.v1.FollowUpPlanService/AddFollowUpPlanSubject", {kSystem});
  add("/atgard.v1.FollowUpPlanService/AddTriggeredFollowUp", {kSystem});
  add("/atgard.v1.FollowUpPlanService/RecordPlannedFollowUpFulfilment",
      {kSystem});
  add("/atgard.v1.FollowUpPlanService/GetFollowUpPlan", log_readers);

  add("/atgard.v1.EventStoreService/ReadStream", readers, kOwnProvider);
  add("/atgard.v1.EventStoreService/ReadAll", log_readers);
  add("/atgard.v1.EventStoreService/Subscribe", log_readers);

  // Ping tells any caller who the server takes it to be.
  add("/atgard.v1.DiagnosticsService/Ping",
      {std::begin(kTokenRoles), std::end(kTokenRoles)}, kAnyTenant);
  add("/atgard.v1.OperatorService/VerifyLog", {kOperator}, kAnyTenant);
  add("/atgard.v1.OperatorService/CreateBackup", {kOperator}, kAnyTenant);
  add("/atgard.v1.OperatorService/SetDevelopmentClock", {kOperator},
      kAnyTenant);

  // The register of areas is the administration director's; it is read by
  // those who read the log, never by a provider.
  add("/atgard.v1.OrganisationService/DefineArea", {kAdmin});
  add("/atgard.v1.OrganisationService/GetAreas", log_readers);
  return rules;
}

bool Allows(const AccessRule& rule, v1::Role role) {
  return std::find(rule.roles.begin(), rule.roles.end(), role) !=
         rule.roles.end();
}

std::string RoleList(const std::vector<v1::Role>& roles) {
  return absl::StrJoin(roles, ", ", [](std::string* out, v1::Role role) {
    absl::StrAppend(out, RoleName(role));
  });
}

// The roles of one row as the proto comments say them.
std::string RolesInWords(const AccessRule& rule) {
  std::string words =
      absl::StrJoin(rule.roles, ", ", [&](std::string* out, v1::Role role) {
        absl::StrAppend(out, RoleName(role));
        if (role == kStaff && rule.scope == kOwnProvider) {
          absl::StrAppend(out, " (own provider)");
        }
      });
  if (rule.scope == kAnyTenant) absl::StrAppend(&words, " (any tenant)");
  return words;
}

// "Roles: ..." for `method`, wrapped to fit "  // " within 80 columns.
std::vector<std::string> RolesLines(absl::string_view method) {
  std::vector<std::string> parts;
  for (const AccessRule* rule : RulesFor(method)) {
    const std::string variant = VariantName(*rule);
    parts.push_back(variant.empty()
                        ? RolesInWords(*rule)
                        : absl::StrCat(variant, ": ", RolesInWords(*rule)));
  }
  const std::string text =
      absl::StrCat("Roles: ", absl::StrJoin(parts, "; "), ".");
  constexpr size_t kWidth = 80 - 5;
  std::vector<std::string> lines;
  std::string line;
  for (absl::string_view word : absl::StrSplit(text, ' ')) {
    if (!line.empty() && line.size() + 1 + word.size() > kWidth) {
      lines.push_back(line);
      line.clear();
    }
    absl::StrAppend(&line, line.empty() ? "" : " ", word);
  }
  lines.push_back(line);
  return lines;
}

}  // namespace

const std::vector<AccessRule>& AccessPolicy() {
  static const auto* rules = new std::vector<AccessRule>(Table());
  return *rules;
}

absl::string_view ServiceName(const AccessRule& rule) {
  absl::string_view method = rule.method;
  absl::ConsumePrefix(&method, "/atgard.v1.");
  return method.substr(0, method.find('/'));
}

absl::string_view RpcName(const AccessRule& rule) {
  return rule.method.substr(rule.method.rfind('/') + 1);
}

std::string VariantName(const AccessRule& rule) {
  std::string name;
  if (rule.regiform != v1::REGIFORM_UNSPECIFIED) {
    name = rule.regiform == kPrivate ? "private provider" : "municipal unit";
  }
  if (!rule.steps.empty()) {
    absl::StrAppend(&name, name.empty() ? "" : ", ",
                    rule.steps.size() == 1 ? "step " : "steps ",
                    absl::StrJoin(rule.steps, ", ",
                                  [](std::string* out, v1::EscalationStep s) {
                                    absl::StrAppend(out, StepName(s));
                                  }));
  }
  if (!rule.closures.empty()) {
    absl::StrAppend(
        &name, name.empty() ? "" : ", ", "closure ",
        absl::StrJoin(
            rule.closures, ", ", [](std::string* out, v1::CaseClosure closure) {
              absl::StrAppend(out,
                              absl::StripPrefix(v1::CaseClosure_Name(closure),
                                                "CASE_CLOSURE_"));
            }));
  }
  return name;
}

absl::string_view ScopeName(AccessScope scope) {
  switch (scope) {
    case AccessScope::kTenant:
      return "tenant";
    case AccessScope::kOwnProvider:
      return "own provider";
    case AccessScope::kAnyTenant:
      return "any tenant";
  }
  return "";
}

std::vector<const AccessRule*> RulesFor(absl::string_view method) {
  std::vector<const AccessRule*> rules;
  for (const AccessRule& rule : AccessPolicy()) {
    if (rule.method == method) rules.push_back(&rule);
  }
  return rules;
}

std::vector<v1::Role> RolesFor(absl::string_view method) {
  std::vector<v1::Role> roles;
  for (const AccessRule* rule : RulesFor(method)) {
    for (v1::Role role : rule->roles) {
      if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
        roles.push_back(role);
      }
    }
  }
  std::sort(roles.begin(), roles.end());
  return roles;
}

absl::Status CheckCallerRole(absl::string_view method,
                             const Principal& principal) {
  const std::vector<v1::Role> roles = RolesFor(method);
  if (roles.empty()) {
    return PermissionDenied(
        "", absl::StrCat(method, " has no access rule and is refused"));
  }
  if (std::find(roles.begin(), roles.end(), principal.role) != roles.end()) {
    return absl::OkStatus();
  }
  absl::string_view name = method;
  absl::ConsumePrefix(&name, "/atgard.v1.");
  return PermissionDenied(
      "", absl::StrCat("role ", RoleName(principal.role), " may not call ",
                       name, " (allowed: ", RoleList(roles), ")"));
}

std::string RenderAuthorizationMatrix() {
  std::ostringstream out;
  out << "# Authorisation matrix (behörighetsmatris)\n\n"
      << "<!-- Generated from services/domain/access_policy.cc. Do not edit: "
         "run\n"
      << "     build/services/access_policy_doc > "
         "tests/e2e/AUTHORIZATION_MATRIX.md -->\n\n"
      << "Which role may call which RPC, and where the roles depend on the "
         "case, in which variant (the case's regiform and step, or the "
         "closure). *allowed*: the server accepts the call from this role "
         "(where the rest of the request allows it); *denied*: "
         "PERMISSION_DENIED. *scope*: *tenant*: in the caller's own tenant "
         "(kommun) only; *own provider*: the same, and a PROVIDER only its "
         "own provider's aggregates and streams; *any tenant*: not bound to "
         "a tenant. SYSTEM is the server's own role (its policies) and "
         "cannot be carried by a token. tests/e2e/authorization_test.cc "
         "checks these rows against the real server, and the deciders' unit "
         "tests check every row of a command against its decider.\n\n";
  out << "| service | RPC | variant |";
  for (v1::Role role : kTokenRoles) out << " " << RoleName(role) << " |";
  out << " SYSTEM | scope |\n|---|---|---|";
  for (size_t i = 0; i < std::size(kTokenRoles) + 2; ++i) out << "---|";
  out << "\n";
  for (const AccessRule& rule : AccessPolicy()) {
    const std::string variant = VariantName(rule);
    out << "| " << ServiceName(rule) << " | " << RpcName(rule) << " | "
        << (variant.empty() ? "any" : variant) << " |";
    for (v1::Role role : kTokenRoles) {
      out << " " << (Allows(rule, role) ? "allowed" : "denied") << " |";
    }
    out << " " << (Allows(rule, kSystem) ? "allowed" : "denied") << " | "
        << ScopeName(rule.scope) << " |\n";
  }
  return out.str();
}

absl::StatusOr<std::string> RenderProtoRoles(absl::string_view proto) {
  std::vector<std::string> lines = absl::StrSplit(proto, '\n');
  std::vector<std::string> out;
  std::string service;
  for (const std::string& line : lines) {
    absl::string_view text = absl::StripLeadingAsciiWhitespace(line);
    if (absl::ConsumePrefix(&text, "service ")) {
      service = std::string(text.substr(0, text.find(' ')));
      if (service.empty()) {
        return InvalidArgument("", absl::StrCat("unreadable line: ", line));
      }
    }
    if (absl::ConsumePrefix(&text, "rpc ")) {
      const size_t open = text.find('(');
      if (service.empty() || open == absl::string_view::npos) {
        return InvalidArgument("", absl::StrCat("unreadable line: ", line));
      }
      const std::string method =
          absl::StrCat("/atgard.v1.", service, "/", text.substr(0, open));
      if (RulesFor(method).empty()) {
        return InvalidArgument(
            "", absl::StrCat(method, " has no row in the access policy"));
      }
      // The rpc's comment ends in its Roles lines: drop the old ones.
      size_t start = out.size();
      while (start > 0 &&
             absl::StartsWith(absl::StripLeadingAsciiWhitespace(out[start - 1]),
                              "//")) {
        --start;
      }
      for (size_t i = start; i < out.size(); ++i) {
        if (absl::StartsWith(absl::StripLeadingAsciiWhitespace(out[i]),
                             "// Roles:")) {
          out.resize(i);
          break;
        }
      }
      for (const std::string& roles : RolesLines(method)) {
        out.push_back(absl::StrCat("  // ", roles));
      }
    }
    out.push_back(line);
  }
  return absl::StrJoin(out, "\n");
}

}  // namespace atgard::domain
