// Valid commands, principals and worlds for domain tests. Every builder
// returns a command the decider accepts in the situation its name says;
// tests change one field to provoke one rule.
#ifndef ATGARD_TESTS_SUPPORT_DOMAIN_FIXTURES_H_
#define ATGARD_TESTS_SUPPORT_DOMAIN_FIXTURES_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/content.pb.h"
#include "services/domain/principal.h"
#include "tests/support/domain_world.h"

namespace atgard::testing {

inline constexpr char kTenant[] = "0780";       // Växjö
inline constexpr char kOtherTenant[] = "1480";  // Göteborg

// A private provider (Omsorgsbolaget AB) with an elderly-care unit, a
// second private provider, and a municipal provider (egen regi).
inline constexpr char kPrivateProvider[] = "omsorgsbolaget";
inline constexpr char kPrivateOrgNumber[] = "556677-8899";
inline constexpr char kPrivateUnit[] = "hemtjanst-norr";
inline constexpr char kDisabilityUnit[] = "lss-boende-sodra";
inline constexpr char kOtherProvider[] = "annat-bolag";
inline constexpr char kOtherOrgNumber[] = "559123-4561";
inline constexpr char kOtherUnit[] = "annat-boende";
inline constexpr char kMunicipalProvider[] = "vaxjo-egen-regi";
inline constexpr char kMunicipalOrgNumber[] = "212000-0142";
inline constexpr char kMunicipalUnit[] = "ekbacken";
inline constexpr char kContract[] = "avtal-hemtjanst-2025";

absl::CivilDay Day(int year, int month, int day);

domain::Principal FollowUpOfficer(absl::string_view tenant = kTenant);
domain::Principal CareDirector(absl::string_view tenant = kTenant);
domain::Principal AdministrationDirector(absl::string_view tenant = kTenant);
domain::Principal MedicalOfficer(absl::string_view tenant = kTenant);
domain::Principal ProviderStaff(absl::string_view provider_id,
                                absl::string_view tenant = kTenant);
domain::Principal Auditor(absl::string_view tenant = kTenant);
domain::Principal Supervisor(absl::string_view tenant = kTenant);
domain::Principal Operator(absl::string_view tenant = kTenant);
domain::Principal System(absl::string_view tenant = kTenant);
// Every role, for authorisation matrices (PROVIDER of kPrivateProvider).
std::vector<domain::Principal> EveryRole(absl::string_view tenant = kTenant);

v1::Date D(absl::CivilDay day);
v1::Decision DecisionOn(absl::CivilDay day,
                        absl::string_view maker = "Förvaltningschef Anna Berg");

// ---- Providers and contracts ------------------------------------------------

v1::Command RegisterProvider(absl::string_view id, absl::string_view org_number,
                             v1::Regiform regiform);
v1::Command RegisterUnit(absl::string_view provider_id,
                         absl::string_view unit_id,
                         v1::CareArea care_area = v1::CARE_AREA_ELDERLY_CARE);
v1::Command RecordActivity(absl::string_view activity_id,
                           absl::string_view provider_id,
                           std::vector<std::string> unit_ids,
                           v1::ActivityKind kind, absl::CivilDay performed_on,
                           bool announced = false);
v1::Command RecordPositiveExample(absl::string_view example_id,
                                  absl::string_view provider_id,
                                  absl::string_view unit_id,
                                  absl::CivilDay found_on);
// A ladder correction → fine (500 SEK a started week, at most 20,000) →
// termination with notice → immediate termination.
v1::ContractTerms Terms(absl::string_view provider_id, absl::CivilDay starts_on,
                        absl::CivilDay ends_on);
v1::Command RegisterContract(absl::string_view contract_id,
                             const v1::ContractTerms& terms);
v1::Command ExtendContract(absl::string_view contract_id,
                           absl::CivilDay ends_on, absl::CivilDay decided_on);
v1::Command DeclineExtension(absl::string_view contract_id,
                             absl::CivilDay decided_on);
// Any sanction but a correction carries a justification for skipping the
// rungs below it.
v1::Command ImposeSanction(absl::string_view contract_id,
                           absl::string_view sanction_id, v1::SanctionKind kind,
                           std::vector<std::string> case_ids,
                           absl::CivilDay decided_on, int64_t amount_sek = 0);
// A decision not to sanction `case_id`, with a reason.
v1::Command DecideNoSanction(absl::string_view contract_id,
                             absl::string_view case_id,
                             absl::CivilDay decided_on);
// A client's care plan in the register, and its end.
v1::Command RegisterCarePlan(absl::string_view provider_id,
                             absl::string_view unit_id,
                             absl::string_view client_reference,
                             absl::CivilDay established_on);
v1::Command EndCarePlan(absl::string_view provider_id,
                        absl::string_view unit_id,
                        absl::string_view client_reference,
                        absl::CivilDay ended_on);
v1::Command TerminateContract(
    absl::string_view contract_id, std::vector<std::string> case_ids,
    absl::CivilDay decided_on,
    v1::SanctionKind kind = v1::SANCTION_KIND_IMMEDIATE_TERMINATION);

// Registers the three providers, their units and (from 2025-01-01 to
// 2027-12-31) the private provider's contract, all on 2026-01-15.
void SeedProviders(World& world, absl::string_view tenant = kTenant);

// ---- Cases
// -----------------------------------------------------------------------------

v1::Command RegisterCase(absl::string_view case_id,
                         absl::string_view provider_id,
                         absl::string_view unit_id, absl::CivilDay detected_on);
// A complete request made on `today`: submit in 3 weeks, start in 4,
// complete in 2 months (inside every step's limit), follow-up by extra
// measurement.
v1::PlanRequest Request(absl::CivilDay today);
v1::Command RequestPlan(absl::string_view case_id,
                        const v1::PlanRequest& request);
// The worked example's plan: two causes, one action each, due before
// `complete_by`; with a milestone and an extra measurement if asked.
v1::ActionPlan Plan(absl::CivilDay complete_by, bool with_milestones = false);
v1::Command SubmitPlan(absl::string_view case_id, const v1::ActionPlan& plan);
// Yes to 1, 2, 4, 5; no to 6; side effects described.
v1::Assessment Approval();
// Question 1 answered no, named with a comment.
v1::Assessment Rejection();
v1::Assessment RevisionRequired(absl::CivilDay new_submit_by);
v1::Command AssessPlan(absl::string_view case_id,
                       const v1::Assessment& assessment);
v1::Command ReportProgress(absl::string_view case_id, int action,
                           v1::TrafficLight light,
                           absl::string_view note = "Enligt plan");
v1::Command CompleteAction(absl::string_view case_id, int action);
v1::Command WithdrawAction(absl::string_view case_id, int action);
v1::Command ReportImplementation(absl::string_view case_id);
v1::Command RecordMilestone(absl::string_view case_id, int milestone, bool met);
v1::Command ScheduleFollowUp(
    absl::string_view case_id, absl::CivilDay planned_on,
    v1::FollowUpMethod method = v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT);
v1::Command RecordFollowUp(
    absl::string_view case_id, absl::CivilDay performed_on,
    v1::FollowUpResult result,
    v1::FollowUpMethod method = v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT);
v1::Command ProposeEscalation(absl::string_view case_id);
v1::Command Escalate(absl::string_view case_id, v1::EscalationStep to_step,
                     absl::CivilDay decided_on, absl::CivilDay plan_limit = {});
v1::Command DecideConsequence(absl::string_view case_id,
                              absl::CivilDay decided_on, bool municipal);
v1::Command CloseCase(absl::string_view case_id, v1::CaseClosure closure,
                      absl::string_view contract_id = "");
// A request made on `today` that needs no follow-up.
v1::PlanRequest RequestWithoutFollowUp(absl::CivilDay today);
v1::Command AcceptImplementationReport(absl::string_view case_id,
                                       absl::string_view note = "");
// The outcome of the plan's extra measurement `number`, measured on
// `measured_on`.
v1::Command RecordPlannedMeasurement(absl::string_view case_id, int number,
                                     absl::CivilDay measured_on);

// ---- Measurements and care plans
// ----------------------------------------------------

v1::Command RecordMeasurement(absl::string_view measurement_id,
                              absl::string_view provider_id,
                              absl::string_view unit_id,
                              absl::string_view indicator_id, int year,
                              absl::CivilDay measured_on, bool red,
                              bool base_requirement = false);
v1::Command RecordCarePlanReview(absl::string_view review_id,
                                 absl::string_view provider_id,
                                 absl::string_view unit_id,
                                 absl::string_view client_reference,
                                 absl::CivilDay reviewed_on,
                                 bool complete = true);

// Drives one case through the workflow with valid commands, a step a day
// (or as the dates require). Each method fails the test if refused.
class CaseDriver {
 public:
  CaseDriver(World& world, absl::string_view case_id, bool private_provider,
             absl::CivilDay start = Day(2026, 2, 10));

  CaseDriver& Register();
  CaseDriver& RequestPlan();
  CaseDriver& SubmitPlan();
  CaseDriver& Approve();
  CaseDriver& Reject();
  CaseDriver& CompleteAllActions();
  CaseDriver& ReportImplementation();
  CaseDriver& FollowUp(v1::FollowUpResult result);
  CaseDriver& EscalateToNextStep();
  CaseDriver& Wait(int days);

  // The commissioner (requester/assessor) of the case's current step.
  domain::Principal Commissioner() const;
  domain::Principal Assessor() const;
  domain::Principal Staff() const;
  domain::CaseState State() const;
  absl::CivilDay today() const { return today_; }
  const std::string& case_id() const { return case_id_; }
  std::string provider_id() const;
  std::string unit_id() const;

 private:
  void Run(const domain::Principal& principal, const v1::Command& command);

  World& world_;
  std::string case_id_;
  bool private_provider_;
  absl::CivilDay today_;
};

// ---- Automatic triggers and their settings ---------------------------------

// SetPolicySettings with the thresholds given (0: the default) and a reason.
v1::Command SetPolicySettings(int red_areas, int key_points, int months,
                              int window);
// RecordSelfInspection of one key point, met or not.
v1::Command RecordSelfInspection(absl::string_view provider_id,
                                 absl::string_view unit_id, int year,
                                 bool key_point_met);
// RecordComplaintCounts of one category.
v1::Command RecordComplaintCounts(absl::string_view provider_id,
                                  absl::string_view unit_id,
                                  absl::string_view month,
                                  v1::ComplaintCategory category, int count);
// NoteUnitResult as the policy issues it for a measurement.
v1::Command NoteUnitResult(absl::string_view provider_id,
                           absl::string_view unit_id,
                           absl::string_view measurement_id, int year,
                           v1::QualityArea area, bool red,
                           absl::CivilDay measured_on);
// ---- The yearly follow-up plan ---------------------------------------------

v1::Command AdoptFollowUpPlan(int year, absl::CivilDay decided_on,
                              v1::FollowUpPlanSettings settings = {});
// Raises the analysis-team limit to `analysis_teams_max`.
v1::Command AmendFollowUpPlan(int year, absl::CivilDay decided_on,
                              int analysis_teams_max);
// The policies' commands, as they issue them.
v1::Command AddFollowUpPlanSubject(int year, absl::string_view provider_id,
                                   absl::string_view unit_id,
                                   absl::CivilDay registered_on);
v1::Command AddHygieneRound(int year, absl::string_view provider_id,
                            absl::string_view unit_id, absl::CivilDay found_on);
v1::Command RecordPlanFulfilment(int year, absl::string_view activity_id,
                                 absl::string_view provider_id,
                                 absl::string_view unit_id,
                                 v1::ActivityKind kind,
                                 absl::CivilDay performed_on);

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_DOMAIN_FIXTURES_H_
