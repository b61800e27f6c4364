#include "tests/support/domain_fixtures.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "services/domain/calendar.h"
#include "services/domain/case_workflow.h"
#include "services/domain/dates.h"

namespace atgard::testing {
namespace {

domain::Principal Make(v1::Role role, absl::string_view subject,
                       absl::string_view tenant,
                       absl::string_view provider = "") {
  return domain::Principal{.subject = std::string(subject),
                           .role = role,
                           .tenant = std::string(tenant),
                           .provider_id = std::string(provider)};
}

v1::Command Wrap(auto&& fill) {
  v1::Command command;
  fill(command);
  return command;
}

}  // namespace

absl::CivilDay Day(int year, int month, int day) {
  return absl::CivilDay(year, month, day);
}

domain::Principal FollowUpOfficer(absl::string_view tenant) {
  return Make(v1::ROLE_FOLLOW_UP_OFFICER, "uu-handlaggare", tenant);
}
domain::Principal CareDirector(absl::string_view tenant) {
  return Make(v1::ROLE_CARE_DIRECTOR, "omsorgschef", tenant);
}
domain::Principal AdministrationDirector(absl::string_view tenant) {
  return Make(v1::ROLE_ADMINISTRATION_DIRECTOR, "forvaltningschef", tenant);
}
domain::Principal MedicalOfficer(absl::string_view tenant) {
  return Make(v1::ROLE_MEDICAL_OFFICER, "mas", tenant);
}
domain::Principal ProviderStaff(absl::string_view provider_id,
                                absl::string_view tenant) {
  return Make(v1::ROLE_PROVIDER, absl::StrCat("enhetschef@", provider_id),
              tenant, provider_id);
}
domain::Principal Auditor(absl::string_view tenant) {
  return Make(v1::ROLE_AUDITOR, "revisor", tenant);
}
domain::Principal Supervisor(absl::string_view tenant) {
  return Make(v1::ROLE_SUPERVISOR, "ivo-inspektor", tenant);
}
domain::Principal Operator(absl::string_view tenant) {
  return Make(v1::ROLE_OPERATOR, "drift", tenant);
}
domain::Principal System(absl::string_view tenant) {
  return Make(v1::ROLE_SYSTEM, "system", tenant);
}

std::vector<domain::Principal> EveryRole(absl::string_view tenant) {
  return {FollowUpOfficer(tenant),
          CareDirector(tenant),
          AdministrationDirector(tenant),
          MedicalOfficer(tenant),
          ProviderStaff(kPrivateProvider, tenant),
          Auditor(tenant),
          Supervisor(tenant),
          Operator(tenant),
          System(tenant)};
}

v1::Date D(absl::CivilDay day) { return domain::ToDate(day); }

v1::Decision DecisionOn(absl::CivilDay day, absl::string_view maker) {
  v1::Decision d;
  d.set_decision_maker(std::string(maker));
  d.set_delegation_basis("Omsorgsnämndens delegationsordning punkt 4.2");
  d.set_reference_number(absl::StrCat("ON ", day.year(), "-00083"));
  *d.mutable_decided_on() = D(day);
  return d;
}

// ---- Providers and contracts ------------------------------------------------

v1::Command RegisterProvider(absl::string_view id, absl::string_view org_number,
                             v1::Regiform regiform) {
  return Wrap([&](v1::Command& c) {
    v1::RegisterProvider* r = c.mutable_register_provider();
    r->set_provider_id(std::string(id));
    r->set_name(regiform == v1::REGIFORM_MUNICIPAL ? "Växjö kommun, egen regi"
                                                   : "Omsorgsbolaget AB");
    r->set_organisation_number(std::string(org_number));
    r->set_regiform(regiform);
  });
}

v1::Command RegisterUnit(absl::string_view provider_id,
                         absl::string_view unit_id, v1::CareArea care_area) {
  return Wrap([&](v1::Command& c) {
    v1::RegisterUnit* r = c.mutable_register_unit();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_name(absl::StrCat("Enheten ", unit_id));
    r->set_care_area(care_area);
  });
}

v1::Command RecordActivity(absl::string_view activity_id,
                           absl::string_view provider_id,
                           std::vector<std::string> unit_ids,
                           v1::ActivityKind kind, absl::CivilDay performed_on,
                           bool announced) {
  return Wrap([&](v1::Command& c) {
    v1::RecordFollowUpActivity* r = c.mutable_record_follow_up_activity();
    r->set_activity_id(std::string(activity_id));
    r->set_provider_id(std::string(provider_id));
    for (std::string& u : unit_ids) r->add_unit_ids(std::move(u));
    r->set_kind(kind);
    *r->mutable_performed_on() = D(performed_on);
    r->set_announced(announced);
    r->set_summary("Besöket genomfördes enligt plan; inga avvikelser.");
  });
}

v1::Command RecordPositiveExample(absl::string_view example_id,
                                  absl::string_view provider_id,
                                  absl::string_view unit_id,
                                  absl::CivilDay found_on) {
  return Wrap([&](v1::Command& c) {
    v1::RecordPositiveExample* r = c.mutable_record_positive_example();
    r->set_example_id(std::string(example_id));
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_quality_area(v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
    r->set_description("Fasta kontaktpersoner ger hög kontinuitet.");
    *r->mutable_found_on() = D(found_on);
  });
}

v1::ContractTerms Terms(absl::string_view provider_id, absl::CivilDay starts_on,
                        absl::CivilDay ends_on) {
  v1::ContractTerms t;
  t.set_provider_id(std::string(provider_id));
  t.set_reference("ON 2024-00412");
  t.set_procurement_form(v1::PROCUREMENT_FORM_LOV);
  *t.mutable_starts_on() = D(starts_on);
  *t.mutable_ends_on() = D(ends_on);
  v1::SanctionLadderStep* correction = t.add_ladder();
  correction->set_kind(v1::SANCTION_KIND_CORRECTION);
  correction->set_description("Skriftlig anmärkning med krav på rättelse");
  v1::SanctionLadderStep* fine = t.add_ladder();
  fine->set_kind(v1::SANCTION_KIND_FINE);
  fine->set_description("Vite per påbörjad vecka");
  fine->set_fine_per_started_week_sek(500);
  fine->set_fine_max_sek(20000);
  t.add_ladder()->set_kind(v1::SANCTION_KIND_TERMINATION_WITH_NOTICE);
  t.add_ladder()->set_kind(v1::SANCTION_KIND_IMMEDIATE_TERMINATION);
  return t;
}

v1::Command RegisterContract(absl::string_view contract_id,
                             const v1::ContractTerms& terms) {
  return Wrap([&](v1::Command& c) {
    c.mutable_register_contract()->set_contract_id(std::string(contract_id));
    *c.mutable_register_contract()->mutable_terms() = terms;
  });
}

v1::Command ExtendContract(absl::string_view contract_id,
                           absl::CivilDay ends_on, absl::CivilDay decided_on) {
  return Wrap([&](v1::Command& c) {
    v1::ExtendContract* r = c.mutable_extend_contract();
    r->set_contract_id(std::string(contract_id));
    *r->mutable_ends_on() = D(ends_on);
    *r->mutable_decision() = DecisionOn(decided_on);
  });
}

v1::Command DeclineExtension(absl::string_view contract_id,
                             absl::CivilDay decided_on) {
  return Wrap([&](v1::Command& c) {
    v1::DeclineContractExtension* r = c.mutable_decline_contract_extension();
    r->set_contract_id(std::string(contract_id));
    *r->mutable_decision() = DecisionOn(decided_on);
    r->set_reason("Optionen utnyttjas inte efter upprepade brister.");
  });
}

v1::Command ImposeSanction(absl::string_view contract_id,
                           absl::string_view sanction_id, v1::SanctionKind kind,
                           std::vector<std::string> case_ids,
                           absl::CivilDay decided_on, int64_t amount_sek) {
  return Wrap([&](v1::Command& c) {
    v1::ImposeSanction* r = c.mutable_impose_sanction();
    r->set_contract_id(std::string(contract_id));
    r->set_sanction_id(std::string(sanction_id));
    r->set_kind(kind);
    for (std::string& id : case_ids) r->add_case_ids(std::move(id));
    *r->mutable_decision() = DecisionOn(decided_on);
    r->set_description("Vite enligt avtalets sanktionstrappa.");
    r->set_amount_sek(amount_sek);
    // Every rung above the seeded ladder's first (a correction) may be
    // reached straight away, as after a grave breach.
    if (kind != v1::SANCTION_KIND_CORRECTION) {
      r->set_rung_skip_justification(
          "Allvarligt avtalsbrott: lägre steg i trappan hoppas över.");
    }
  });
}

v1::Command DecideNoSanction(absl::string_view contract_id,
                             absl::string_view case_id,
                             absl::CivilDay decided_on) {
  return Wrap([&](v1::Command& c) {
    v1::DecideNoSanction* r = c.mutable_decide_no_sanction();
    r->set_contract_id(std::string(contract_id));
    r->set_failed_case_id(std::string(case_id));
    r->set_reason("Bristen var ringa och rättades genast.");
    *r->mutable_decision() = DecisionOn(decided_on);
  });
}

v1::Command RegisterCarePlan(absl::string_view provider_id,
                             absl::string_view unit_id,
                             absl::string_view client_reference,
                             absl::CivilDay established_on) {
  return Wrap([&](v1::Command& c) {
    v1::RegisterCarePlan* r = c.mutable_register_care_plan();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_client_reference(std::string(client_reference));
    *r->mutable_established_on() = D(established_on);
  });
}

v1::Command EndCarePlan(absl::string_view provider_id,
                        absl::string_view unit_id,
                        absl::string_view client_reference,
                        absl::CivilDay ended_on) {
  return Wrap([&](v1::Command& c) {
    v1::EndCarePlan* r = c.mutable_end_care_plan();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_client_reference(std::string(client_reference));
    *r->mutable_ended_on() = D(ended_on);
  });
}

v1::Command TerminateContract(absl::string_view contract_id,
                              std::vector<std::string> case_ids,
                              absl::CivilDay decided_on,
                              v1::SanctionKind kind) {
  return Wrap([&](v1::Command& c) {
    v1::TerminateContract* r = c.mutable_terminate_contract();
    r->set_contract_id(std::string(contract_id));
    r->set_kind(kind);
    *r->mutable_effective_on() = D(decided_on);
    for (std::string& id : case_ids) r->add_case_ids(std::move(id));
    *r->mutable_decision() = DecisionOn(decided_on, "Omsorgsnämnden");
    r->set_grounds(
        "Väsentligt avtalsbrott: åtgärdsplanerna har inte fått effekt.");
  });
}

void SeedProviders(World& world, absl::string_view tenant) {
  const domain::Principal officer = FollowUpOfficer(tenant);
  const absl::CivilDay day = Day(2026, 1, 15);
  world.MustRun(officer, day,
                RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                                 v1::REGIFORM_PRIVATE));
  world.MustRun(officer, day, RegisterUnit(kPrivateProvider, kPrivateUnit));
  world.MustRun(officer, day,
                RegisterUnit(kPrivateProvider, kDisabilityUnit,
                             v1::CARE_AREA_DISABILITY_CARE));
  world.MustRun(
      officer, day,
      RegisterProvider(kOtherProvider, kOtherOrgNumber, v1::REGIFORM_PRIVATE));
  world.MustRun(officer, day, RegisterUnit(kOtherProvider, kOtherUnit));
  world.MustRun(officer, day,
                RegisterProvider(kMunicipalProvider, kMunicipalOrgNumber,
                                 v1::REGIFORM_MUNICIPAL));
  world.MustRun(officer, day, RegisterUnit(kMunicipalProvider, kMunicipalUnit));
  world.MustRun(
      AdministrationDirector(tenant), day,
      RegisterContract(kContract, Terms(kPrivateProvider, Day(2025, 1, 1),
                                        Day(2027, 12, 31))));
}

// ---- Cases
// -----------------------------------------------------------------------------

v1::Command RegisterCase(absl::string_view case_id,
                         absl::string_view provider_id,
                         absl::string_view unit_id,
                         absl::CivilDay detected_on) {
  return Wrap([&](v1::Command& c) {
    v1::RegisterCase* r = c.mutable_register_case();
    r->set_case_id(std::string(case_id));
    v1::Deficiency* d = r->mutable_deficiency();
    d->set_provider_id(std::string(provider_id));
    d->set_unit_id(std::string(unit_id));
    d->set_source(v1::DEFICIENCY_SOURCE_USER_SURVEY);
    d->set_quality_area(v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
    d->set_indicator_kind(v1::INDICATOR_KIND_RESULT);
    d->set_severity(v1::SEVERITY_HIGH);
    d->set_description(
        "Kontinuiteten i hemtjänsten ligger långt under avtalad nivå.");
    *d->mutable_detected_on() = D(detected_on);
    // Marked health care, so that every registrar and follow-up role,
    // MEDICAL_OFFICER included, may act on the cases of these tests.
    d->set_health_care(true);
  });
}

v1::PlanRequest Request(absl::CivilDay today) {
  v1::PlanRequest r;
  r.set_background("Brukarundersökningen visar låg kontinuitet.");
  *r.mutable_submit_by() = D(today + 21);
  *r.mutable_start_by() = D(today + 30);
  *r.mutable_complete_by() = D(domain::AddCalendarMonths(today, 2));
  r.mutable_follow_up()->add_methods(v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT);
  r.mutable_follow_up()->add_methods(v1::FOLLOW_UP_METHOD_OBSERVATION_VISIT);
  r.mutable_follow_up()->set_description("Extramätning i september.");
  r.set_consequences("Vite enligt avtalets sanktionstrappa, därefter steg 1b.");
  return r;
}

v1::Command RequestPlan(absl::string_view case_id,
                        const v1::PlanRequest& request) {
  return Wrap([&](v1::Command& c) {
    c.mutable_request_plan()->set_case_id(std::string(case_id));
    *c.mutable_request_plan()->mutable_request() = request;
  });
}

v1::ActionPlan Plan(absl::CivilDay complete_by, bool with_milestones) {
  v1::ActionPlan p;
  v1::Cause* c1 = p.add_causes();
  c1->set_number(1);
  c1->set_description("Schemaläggning per område i stället för per brukare.");
  c1->set_provider_assessment("Allvarlig brist som vi äger själva.");
  v1::Cause* c2 = p.add_causes();
  c2->set_number(2);
  c2->set_description("Hög personalomsättning.");
  c2->set_provider_assessment("Delvis påverkbar.");
  v1::PlannedAction* a1 = p.add_actions();
  a1->set_number(1);
  a1->add_cause_numbers(1);
  a1->set_description("Fasta brukargrupper per personalgrupp.");
  a1->set_operational_goal("Högst 10 olika personal per brukare och 14 dagar.");
  *a1->mutable_due_on() = D(complete_by - 30);
  a1->set_order(1);
  a1->mutable_responsible()->set_name("Karin Ek");
  a1->mutable_responsible()->set_role("Schemaläggare");
  a1->mutable_responsible()->set_contact("karin.ek@omsorgsbolaget.example");
  a1->set_time_and_resources("Fyra veckor, befintlig personal.");
  a1->set_effort(v1::EFFORT_KIND_ORDINARY_WORK);
  v1::PlannedAction* a2 = p.add_actions();
  a2->set_number(2);
  a2->add_cause_numbers(2);
  a2->set_description("Introduktionsprogram för nyanställda.");
  a2->set_operational_goal("Alla nyanställda introducerade inom två veckor.");
  *a2->mutable_due_on() = D(complete_by);
  a2->set_order(2);
  a2->mutable_responsible()->set_name("Lars Berg");
  a2->mutable_responsible()->set_role("Enhetschef");
  a2->mutable_responsible()->set_contact("lars.berg@omsorgsbolaget.example");
  a2->set_time_and_resources("Två handledare, 20 timmar per månad.");
  a2->set_effort(v1::EFFORT_KIND_ONE_OFF);
  if (with_milestones) {
    v1::Milestone* m = p.add_milestones();
    m->set_number(1);
    m->set_description("Fasta grupper införda i hälften av områdena.");
    *m->mutable_due_on() = D(complete_by - 30);
    v1::PlannedMeasurement* x = p.add_extra_measurements();
    x->set_number(1);
    x->set_indicator_id("kontinuitet");
    *x->mutable_due_on() = D(complete_by);
  }
  return p;
}

v1::Command SubmitPlan(absl::string_view case_id, const v1::ActionPlan& plan) {
  return Wrap([&](v1::Command& c) {
    c.mutable_submit_plan()->set_case_id(std::string(case_id));
    *c.mutable_submit_plan()->mutable_plan() = plan;
  });
}

v1::Assessment Approval() {
  v1::Assessment a;
  a.mutable_sufficient()->set_answer(v1::ANSWER_YES);
  a.mutable_clear_effect()->set_answer(v1::ANSWER_YES);
  a.set_side_effects("Färre vikarier på helger kan förlänga väntetider.");
  a.mutable_realistic_resources()->set_answer(v1::ANSWER_YES);
  a.mutable_realistic_compensation()->set_answer(v1::ANSWER_YES);
  a.mutable_external_conditions()->set_answer(v1::ANSWER_NO);
  a.set_decision(v1::ASSESSMENT_DECISION_APPROVED);
  return a;
}

v1::Assessment Rejection() {
  v1::Assessment a = Approval();
  a.mutable_sufficient()->set_answer(v1::ANSWER_NO);
  a.set_decision(v1::ASSESSMENT_DECISION_REJECTED);
  v1::AssessmentFinding* f = a.add_findings();
  f->set_criterion(v1::ASSESSMENT_CRITERION_SUFFICIENT);
  f->set_comment("Åtgärderna räcker inte för att nå avtalad kontinuitet.");
  return a;
}

v1::Assessment RevisionRequired(absl::CivilDay new_submit_by) {
  v1::Assessment a = Rejection();
  a.set_decision(v1::ASSESSMENT_DECISION_REVISION_REQUIRED);
  *a.mutable_new_submit_by() = D(new_submit_by);
  return a;
}

v1::Command AssessPlan(absl::string_view case_id,
                       const v1::Assessment& assessment) {
  return Wrap([&](v1::Command& c) {
    c.mutable_assess_plan()->set_case_id(std::string(case_id));
    *c.mutable_assess_plan()->mutable_assessment() = assessment;
  });
}

v1::Command ReportProgress(absl::string_view case_id, int action,
                           v1::TrafficLight light, absl::string_view note) {
  return Wrap([&](v1::Command& c) {
    v1::ReportActionProgress* r = c.mutable_report_action_progress();
    r->set_case_id(std::string(case_id));
    r->set_action_number(action);
    r->set_light(light);
    r->set_note(std::string(note));
  });
}

v1::Command CompleteAction(absl::string_view case_id, int action) {
  return Wrap([&](v1::Command& c) {
    c.mutable_complete_action()->set_case_id(std::string(case_id));
    c.mutable_complete_action()->set_action_number(action);
  });
}

v1::Command WithdrawAction(absl::string_view case_id, int action) {
  return Wrap([&](v1::Command& c) {
    v1::WithdrawAction* r = c.mutable_withdraw_action();
    r->set_case_id(std::string(case_id));
    r->set_action_number(action);
    r->set_reason("Åtgärden ersätts av en bättre lösning.");
  });
}

v1::Command ReportImplementation(absl::string_view case_id) {
  return Wrap([&](v1::Command& c) {
    c.mutable_report_implementation()->set_case_id(std::string(case_id));
    c.mutable_report_implementation()->set_report(
        "Båda åtgärderna genomfördes enligt planen.");
  });
}

v1::Command RecordMilestone(absl::string_view case_id, int milestone,
                            bool met) {
  return Wrap([&](v1::Command& c) {
    v1::RecordMilestone* r = c.mutable_record_milestone();
    r->set_case_id(std::string(case_id));
    r->set_milestone_number(milestone);
    r->set_met(met);
    r->set_note(met ? "" : "Delmålet nåddes inte.");
  });
}

v1::Command ScheduleFollowUp(absl::string_view case_id,
                             absl::CivilDay planned_on,
                             v1::FollowUpMethod method) {
  return Wrap([&](v1::Command& c) {
    v1::ScheduleFollowUp* r = c.mutable_schedule_follow_up();
    r->set_case_id(std::string(case_id));
    *r->mutable_planned_on() = D(planned_on);
    r->set_method(method);
  });
}

v1::Command RecordFollowUp(absl::string_view case_id,
                           absl::CivilDay performed_on,
                           v1::FollowUpResult result,
                           v1::FollowUpMethod method) {
  return Wrap([&](v1::Command& c) {
    v1::RecordFollowUp* r = c.mutable_record_follow_up();
    r->set_case_id(std::string(case_id));
    *r->mutable_performed_on() = D(performed_on);
    r->set_method(method);
    r->set_result(result);
    r->set_evidence("Extramätning av kontinuitet.");
  });
}

v1::Command ProposeEscalation(absl::string_view case_id) {
  return Wrap([&](v1::Command& c) {
    c.mutable_propose_escalation()->set_case_id(std::string(case_id));
    c.mutable_propose_escalation()->set_reason(
        "Uppföljningen visar ingen förbättring.");
  });
}

v1::Command Escalate(absl::string_view case_id, v1::EscalationStep to_step,
                     absl::CivilDay decided_on, absl::CivilDay plan_limit) {
  return Wrap([&](v1::Command& c) {
    v1::EscalateCase* r = c.mutable_escalate_case();
    r->set_case_id(std::string(case_id));
    r->set_to_step(to_step);
    r->set_reason("Uppföljningen visar att bristen kvarstår.");
    *r->mutable_decision() = DecisionOn(decided_on);
    if (to_step == v1::ESCALATION_STEP_1B)
      *r->mutable_plan_limit() = D(plan_limit);
  });
}

v1::Command DecideConsequence(absl::string_view case_id,
                              absl::CivilDay decided_on, bool municipal) {
  return Wrap([&](v1::Command& c) {
    v1::DecideConsequence* r = c.mutable_decide_consequence();
    r->set_case_id(std::string(case_id));
    if (municipal) {
      *r->mutable_care_director_decision() =
          DecisionOn(decided_on, "Omsorgschef Eva Lind");
    }
    *r->mutable_administration_director_decision() = DecisionOn(decided_on);
    r->set_consequences(
        "Ny enhetschef tillsätts och enheten följs upp månadsvis.");
  });
}

v1::Command CloseCase(absl::string_view case_id, v1::CaseClosure closure,
                      absl::string_view contract_id) {
  return Wrap([&](v1::Command& c) {
    v1::CloseCase* r = c.mutable_close_case();
    r->set_case_id(std::string(case_id));
    r->set_closure(closure);
    r->set_note("Avslutas enligt beslut.");
    r->set_contract_id(std::string(contract_id));
  });
}

v1::PlanRequest RequestWithoutFollowUp(absl::CivilDay today) {
  v1::PlanRequest r = Request(today);
  r.clear_follow_up();
  r.set_follow_up_not_needed(true);
  return r;
}

v1::Command AcceptImplementationReport(absl::string_view case_id,
                                       absl::string_view note) {
  return Wrap([&](v1::Command& c) {
    v1::AcceptImplementationReport* r =
        c.mutable_accept_implementation_report();
    r->set_case_id(std::string(case_id));
    r->set_note(std::string(note));
  });
}

v1::Command RecordPlannedMeasurement(absl::string_view case_id, int number,
                                     absl::CivilDay measured_on) {
  return Wrap([&](v1::Command& c) {
    v1::RecordPlannedMeasurement* r = c.mutable_record_planned_measurement();
    r->set_case_id(std::string(case_id));
    r->set_measurement_number(number);
    *r->mutable_measured_on() = D(measured_on);
    r->set_outcome("Kontinuiteten är nu 9 personal per brukare och 14 dagar.");
  });
}

// ---- Measurements and care plans
// ----------------------------------------------------

v1::Command RecordMeasurement(absl::string_view measurement_id,
                              absl::string_view provider_id,
                              absl::string_view unit_id,
                              absl::string_view indicator_id, int year,
                              absl::CivilDay measured_on, bool red,
                              bool base_requirement) {
  return Wrap([&](v1::Command& c) {
    v1::RecordMeasurement* r = c.mutable_record_measurement();
    r->set_measurement_id(std::string(measurement_id));
    v1::Measurement* m = r->mutable_measurement();
    m->set_provider_id(std::string(provider_id));
    m->set_unit_id(std::string(unit_id));
    m->set_indicator_id(std::string(indicator_id));
    m->set_indicator_name("Antal personal per brukare och 14 dagar");
    m->set_kind(v1::INDICATOR_KIND_RESULT);
    m->set_quality_area(v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
    *m->mutable_period_start() = D(Day(year, 1, 1));
    *m->mutable_period_end() = D(Day(year, 12, 31));
    m->set_approved_level(10);
    m->set_higher_is_better(false);
    m->set_value(red ? 16 : 8);
    m->set_base_requirement(base_requirement);
    *m->mutable_measured_on() = D(measured_on);
  });
}

v1::Command RecordCarePlanReview(absl::string_view review_id,
                                 absl::string_view provider_id,
                                 absl::string_view unit_id,
                                 absl::string_view client_reference,
                                 absl::CivilDay reviewed_on, bool complete) {
  return Wrap([&](v1::Command& c) {
    v1::RecordCarePlanReview* r = c.mutable_record_care_plan_review();
    r->set_review_id(std::string(review_id));
    v1::CarePlanReview* review = r->mutable_review();
    review->set_provider_id(std::string(provider_id));
    review->set_unit_id(std::string(unit_id));
    review->set_client_reference(std::string(client_reference));
    *review->mutable_reviewed_on() = D(reviewed_on);
    v1::CarePlanContents* contents = review->mutable_contents();
    contents->set_what(true);
    contents->set_who(true);
    contents->set_how(true);
    contents->set_when(true);
    contents->set_goals(true);
    contents->set_participation(complete);
    contents->set_cooperation(true);
    contents->set_other_participants(true);
    contents->set_established_on(true);
    contents->set_follow_up(true);
    review->set_actionable_by_unfamiliar_staff(true);
    review->set_matches_assignment(true);
    if (!complete) {
      review->set_action_taken("Kunden bjuds in till nytt planeringssamtal.");
    }
  });
}

// ---- CaseDriver
// ------------------------------------------------------------------------------

CaseDriver::CaseDriver(World& world, absl::string_view case_id,
                       bool private_provider, absl::CivilDay start)
    : world_(world),
      case_id_(case_id),
      private_provider_(private_provider),
      today_(start) {}

std::string CaseDriver::provider_id() const {
  return private_provider_ ? kPrivateProvider : kMunicipalProvider;
}

std::string CaseDriver::unit_id() const {
  return private_provider_ ? kPrivateUnit : kMunicipalUnit;
}

domain::CaseState CaseDriver::State() const {
  return world_.Case(kTenant, case_id_);
}

domain::Principal CaseDriver::Commissioner() const {
  const domain::CaseState s = State();
  const domain::StepRule* rule = domain::FindStep(s.regiform, s.step);
  return domain::Principal{.subject = "commissioner",
                           .role = rule->requesters.front(),
                           .tenant = kTenant};
}

domain::Principal CaseDriver::Assessor() const {
  const domain::CaseState s = State();
  const domain::StepRule* rule = domain::FindStep(s.regiform, s.step);
  return domain::Principal{.subject = "assessor",
                           .role = rule->assessors.front(),
                           .tenant = kTenant};
}

domain::Principal CaseDriver::Staff() const {
  return ProviderStaff(provider_id());
}

void CaseDriver::Run(const domain::Principal& principal,
                     const v1::Command& command) {
  world_.MustRun(principal, today_, command);
}

CaseDriver& CaseDriver::Register() {
  Run(FollowUpOfficer(),
      RegisterCase(case_id_, provider_id(), unit_id(), today_ - 7));
  return Wait(1);
}

CaseDriver& CaseDriver::RequestPlan() {
  v1::PlanRequest request = Request(today_);
  const domain::CaseState s = State();
  if (s.plan_limit.has_value())
    *request.mutable_complete_by() = D(*s.plan_limit);
  Run(Commissioner(), testing::RequestPlan(case_id_, request));
  return Wait(1);
}

CaseDriver& CaseDriver::SubmitPlan() {
  const domain::CaseState s = State();
  const domain::StepRule* rule = domain::FindStep(s.regiform, s.step);
  Run(Staff(),
      testing::SubmitPlan(case_id_,
                          Plan(domain::DayOf(s.request.request().complete_by()),
                               rule->milestones_required)));
  return Wait(1);
}

CaseDriver& CaseDriver::Approve() {
  Run(Assessor(), AssessPlan(case_id_, Approval()));
  return Wait(1);
}

CaseDriver& CaseDriver::Reject() {
  Run(Assessor(), AssessPlan(case_id_, Rejection()));
  return Wait(1);
}

CaseDriver& CaseDriver::CompleteAllActions() {
  for (const auto& [number, action] : State().actions) {
    Run(Staff(), ReportProgress(case_id_, number, v1::TRAFFIC_LIGHT_GREEN));
    Run(Staff(), CompleteAction(case_id_, number));
  }
  return Wait(1);
}

CaseDriver& CaseDriver::ReportImplementation() {
  Run(Staff(), testing::ReportImplementation(case_id_));
  return Wait(1);
}

CaseDriver& CaseDriver::FollowUp(v1::FollowUpResult result) {
  Run(FollowUpOfficer(), RecordFollowUp(case_id_, today_, result));
  return Wait(1);
}

CaseDriver& CaseDriver::EscalateToNextStep() {
  const domain::CaseState s = State();
  const domain::StepRule* rule = domain::FindStep(s.regiform, s.step);
  const domain::Principal decider{.subject = "escalator",
                                  .role = rule->escalators.back(),
                                  .tenant = kTenant};
  Run(decider, Escalate(case_id_, rule->next, today_,
                        domain::AddCalendarMonths(today_, 4)));
  return Wait(1);
}

CaseDriver& CaseDriver::Wait(int days) {
  today_ += days;
  return *this;
}

v1::Command SetPolicySettings(int red_areas, int key_points, int months,
                              int window) {
  return Wrap([&](v1::Command& c) {
    v1::SetPolicySettings* r = c.mutable_set_policy_settings();
    r->mutable_settings()->set_red_areas_threshold(red_areas);
    r->mutable_settings()->set_failed_key_points_threshold(key_points);
    r->mutable_settings()->set_complaint_months_threshold(months);
    r->mutable_settings()->set_complaint_window_months(window);
    r->set_reason("Nämnden har beslutat nya tröskelvärden.");
  });
}

v1::Command RecordSelfInspection(absl::string_view provider_id,
                                 absl::string_view unit_id, int year,
                                 bool key_point_met) {
  return Wrap([&](v1::Command& c) {
    v1::RecordSelfInspection* r = c.mutable_record_self_inspection();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_year(year);
    v1::SelfInspectionPoint* p = r->add_points();
    p->set_point_id("1.1");
    p->set_text("Finns en rutin för avvikelsehantering?");
    p->set_key_point(true);
    p->set_met(key_point_met);
  });
}

v1::Command RecordComplaintCounts(absl::string_view provider_id,
                                  absl::string_view unit_id,
                                  absl::string_view month,
                                  v1::ComplaintCategory category, int count) {
  return Wrap([&](v1::Command& c) {
    v1::RecordComplaintCounts* r = c.mutable_record_complaint_counts();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_month(std::string(month));
    v1::ComplaintCount* n = r->add_counts();
    n->set_category(category);
    n->set_count(count);
  });
}

v1::Command NoteUnitResult(absl::string_view provider_id,
                           absl::string_view unit_id,
                           absl::string_view measurement_id, int year,
                           v1::QualityArea area, bool red,
                           absl::CivilDay measured_on) {
  return Wrap([&](v1::Command& c) {
    v1::NoteUnitResult* r = c.mutable_note_unit_result();
    r->set_provider_id(std::string(provider_id));
    r->set_unit_id(std::string(unit_id));
    r->set_indicator_id("kontinuitet");
    r->set_measurement_id(std::string(measurement_id));
    r->set_year(year);
    r->set_quality_area(area);
    r->set_result(red ? v1::MEASUREMENT_RESULT_RED
                      : v1::MEASUREMENT_RESULT_GREEN);
    *r->mutable_measured_on() = D(measured_on);
  });
}

// ---- The yearly follow-up plan ---------------------------------------------

v1::Command AdoptFollowUpPlan(int year, absl::CivilDay decided_on,
                              v1::FollowUpPlanSettings settings) {
  return Wrap([&](v1::Command& c) {
    v1::AdoptFollowUpPlan* a = c.mutable_adopt_follow_up_plan();
    a->set_year(year);
    *a->mutable_settings() = settings;
    *a->mutable_decision() = DecisionOn(decided_on);
  });
}

v1::Command AmendFollowUpPlan(int year, absl::CivilDay decided_on,
                              int analysis_teams_max) {
  return Wrap([&](v1::Command& c) {
    v1::AmendFollowUpPlan* a = c.mutable_amend_follow_up_plan();
    a->set_year(year);
    a->mutable_settings()->set_analysis_teams_max(analysis_teams_max);
    a->set_reason("Nämnden har beslutat om ytterligare ett analysteam.");
    *a->mutable_decision() = DecisionOn(decided_on);
  });
}

v1::Command AddFollowUpPlanSubject(int year, absl::string_view provider_id,
                                   absl::string_view unit_id,
                                   absl::CivilDay registered_on) {
  return Wrap([&](v1::Command& c) {
    v1::AddFollowUpPlanSubject* a = c.mutable_add_follow_up_plan_subject();
    a->set_year(year);
    a->set_provider_id(std::string(provider_id));
    a->set_unit_id(std::string(unit_id));
    *a->mutable_registered_on() = D(registered_on);
    a->set_triggered_by(absl::StrCat(kTenant, "/provider/", provider_id, "@9"));
  });
}

v1::Command AddHygieneRound(int year, absl::string_view provider_id,
                            absl::string_view unit_id,
                            absl::CivilDay found_on) {
  return Wrap([&](v1::Command& c) {
    v1::AddTriggeredFollowUp* a = c.mutable_add_triggered_follow_up();
    a->set_year(year);
    a->set_kind(v1::PLANNED_FOLLOW_UP_KIND_HYGIENE_ROUND);
    a->set_provider_id(std::string(provider_id));
    a->set_unit_id(std::string(unit_id));
    *a->mutable_found_on() = D(found_on);
    a->set_triggered_by(
        absl::StrCat(kTenant, "/indicator/", provider_id, "/", unit_id, "@1"));
  });
}

v1::Command RecordPlanFulfilment(int year, absl::string_view activity_id,
                                 absl::string_view provider_id,
                                 absl::string_view unit_id,
                                 v1::ActivityKind kind,
                                 absl::CivilDay performed_on) {
  return Wrap([&](v1::Command& c) {
    v1::RecordPlannedFollowUpFulfilment* a =
        c.mutable_record_planned_follow_up_fulfilment();
    a->set_year(year);
    a->set_activity_id(std::string(activity_id));
    a->set_provider_id(std::string(provider_id));
    if (!unit_id.empty()) a->add_unit_ids(std::string(unit_id));
    a->set_kind(kind);
    *a->mutable_performed_on() = D(performed_on);
  });
}

}  // namespace atgard::testing
