#include "services/domain/contract_decider.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/provider_decider.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

using Events = std::vector<v1::Event>;
using Status = ContractState::Status;

constexpr v1::Role kAdministrationDirector = v1::ROLE_ADMINISTRATION_DIRECTOR;

bool IsTermination(v1::SanctionKind kind) {
  return kind == v1::SANCTION_KIND_TERMINATION_WITH_NOTICE ||
         kind == v1::SANCTION_KIND_IMMEDIATE_TERMINATION;
}

// A contract accepts commands until it is terminated or its end date has
// passed. The end date is checked against `today` too, not only the
// recorded expiry: the deadline scheduler records ContractExpired some time
// after midnight, and nothing may be decided on the contract meanwhile.
absl::Status CheckActive(const ContractState& state, absl::CivilDay today) {
  if (!state.exists()) {
    return NotFound("contract_id", "no contract with this id is registered");
  }
  switch (state.status) {
    case Status::kTerminated:
      return FailedPrecondition(
          "contract_id",
          "the contract is terminated and accepts no further commands");
    case Status::kExpired:
      return FailedPrecondition(
          "contract_id",
          "the contract has expired and accepts no further commands");
    default:
      if (today > state.ends_on) {
        return FailedPrecondition(
            "contract_id",
            absl::StrCat("the contract ended on ", FormatDay(state.ends_on),
                         " and accepts no further commands"));
      }
      return absl::OkStatus();
  }
}

// The index of the first step of the ladder with `kind`, or -1.
int LadderIndex(const v1::ContractTerms& terms, v1::SanctionKind kind) {
  for (int i = 0; i < terms.ladder_size(); ++i) {
    if (terms.ladder(i).kind() == kind) return i;
  }
  return -1;
}

// One case of the contract's provider that has failed: what a sanction,
// or a decision not to sanction, is about.
absl::Status CheckFailedCase(absl::string_view field,
                             const std::string& case_id,
                             const ContractState& state,
                             const ContractReferences& refs) {
  auto it = refs.cases.find(case_id);
  if (it == refs.cases.end() || it->second == nullptr ||
      !it->second->exists()) {
    return NotFound(field, "no case with this id exists");
  }
  const CaseState& c = *it->second;
  if (c.provider_id() != state.provider_id()) {
    return FailedPrecondition(
        field, "the case concerns another provider than the contract's");
  }
  if (c.failures == 0) {
    return FailedPrecondition(
        field,
        "no step of this case has failed (plan rejected, follow-up not "
        "resolved, or a deadline or milestone missed); a sanction must "
        "rest on documented failures");
  }
  return absl::OkStatus();
}

// A sanction or termination is valid only with documentation of what was
// done against the provider before: cases of this provider whose plans
// failed.
absl::Status CheckFailedCases(
    const google::protobuf::RepeatedPtrField<std::string>& case_ids,
    const ContractState& state, const ContractReferences& refs) {
  if (case_ids.empty()) {
    return InvalidArgument(
        "case_ids",
        "must reference at least one case whose plan failed (the "
        "documentation a sanction rests on)");
  }
  for (int i = 0; i < case_ids.size(); ++i) {
    const std::string field = absl::StrCat("case_ids[", i, "]");
    RETURN_IF_ERROR(CheckId(field, case_ids[i]));
    for (int j = 0; j < i; ++j) {
      if (case_ids[j] == case_ids[i]) {
        return InvalidArgument(field, "names the same case twice");
      }
    }
    RETURN_IF_ERROR(CheckFailedCase(field, case_ids[i], state, refs));
  }
  return absl::OkStatus();
}

absl::Status CheckTerms(const v1::ContractTerms& terms,
                        const ContractReferences& refs) {
  RETURN_IF_ERROR(CheckId("terms.provider_id", terms.provider_id()));
  if (refs.provider == nullptr || !refs.provider->exists) {
    return NotFound("terms.provider_id",
                    "no provider with this id is registered");
  }
  if (refs.provider->regiform() != v1::REGIFORM_PRIVATE) {
    return FailedPrecondition(
        "terms.provider_id",
        "municipal units (egen regi) have no contract and get no contract "
        "sanctions");
  }
  RETURN_IF_ERROR(CheckReference("terms.reference", terms.reference()));
  RETURN_IF_ERROR(CheckEnum("terms.procurement_form", terms.procurement_form(),
                            v1::ProcurementForm_IsValid));
  ASSIGN_OR_RETURN(absl::CivilDay starts,
                   CheckDate("terms.starts_on", terms.starts_on()));
  ASSIGN_OR_RETURN(absl::CivilDay ends,
                   CheckDate("terms.ends_on", terms.ends_on()));
  if (ends <= starts) {
    return InvalidArgument("terms.ends_on", "must be after starts_on");
  }
  if (terms.ladder().empty()) {
    return InvalidArgument("terms.ladder",
                           "a contract carries its own sanction ladder of at "
                           "least one step");
  }
  for (int i = 0; i < terms.ladder_size(); ++i) {
    const v1::SanctionLadderStep& step = terms.ladder(i);
    const std::string field = absl::StrCat("terms.ladder[", i, "]");
    RETURN_IF_ERROR(CheckEnum(absl::StrCat(field, ".kind"), step.kind(),
                              v1::SanctionKind_IsValid));
    RETURN_IF_ERROR(CheckOptionalText(absl::StrCat(field, ".description"),
                                      step.description()));
    if (step.kind() == v1::SANCTION_KIND_FINE) {
      if (step.fine_per_started_week_sek() <= 0) {
        return InvalidArgument(
            absl::StrCat(field, ".fine_per_started_week_sek"),
            "a fine (vite) states its amount per started week");
      }
      if (step.fine_max_sek() < step.fine_per_started_week_sek()) {
        return InvalidArgument(absl::StrCat(field, ".fine_max_sek"),
                               "must be at least the amount per started week");
      }
    } else if (step.fine_per_started_week_sek() != 0) {
      return InvalidArgument(absl::StrCat(field, ".fine_per_started_week_sek"),
                             "only a fine (vite) has amounts");
    } else if (step.fine_max_sek() != 0) {
      return InvalidArgument(absl::StrCat(field, ".fine_max_sek"),
                             "only a fine (vite) has amounts");
    }
  }
  for (int i = 0; i < terms.requirements_size(); ++i) {
    const v1::ContractRequirement& requirement = terms.requirements(i);
    const std::string field = absl::StrCat("terms.requirements[", i, "]");
    RETURN_IF_ERROR(CheckId(absl::StrCat(field, ".requirement_id"),
                            requirement.requirement_id()));
    for (int j = 0; j < i; ++j) {
      if (terms.requirements(j).requirement_id() ==
          requirement.requirement_id()) {
        return InvalidArgument(absl::StrCat(field, ".requirement_id"),
                               "names the same requirement twice");
      }
    }
    RETURN_IF_ERROR(
        CheckText(absl::StrCat(field, ".text"), requirement.text()));
  }
  return absl::OkStatus();
}

// A sanction names the contract's requirements it rests on: at least one
// when the contract lists any, none when it lists none (older contracts).
absl::Status CheckRequirements(
    const google::protobuf::RepeatedPtrField<std::string>& requirement_ids,
    const v1::ContractTerms& terms) {
  if (terms.requirements().empty()) {
    if (!requirement_ids.empty()) {
      return FailedPrecondition("requirement_ids",
                                "the contract lists no requirements to name");
    }
    return absl::OkStatus();
  }
  if (requirement_ids.empty()) {
    return InvalidArgument(
        "requirement_ids",
        "must name at least one of the contract's requirements (krav) the "
        "sanction rests on");
  }
  for (int i = 0; i < requirement_ids.size(); ++i) {
    const std::string field = absl::StrCat("requirement_ids[", i, "]");
    RETURN_IF_ERROR(CheckId(field, requirement_ids[i]));
    for (int j = 0; j < i; ++j) {
      if (requirement_ids[j] == requirement_ids[i]) {
        return InvalidArgument(field, "names the same requirement twice");
      }
    }
    bool listed = false;
    for (const v1::ContractRequirement& r : terms.requirements()) {
      listed = listed || r.requirement_id() == requirement_ids[i];
    }
    if (!listed) {
      return NotFound(field, "the contract lists no requirement with this id");
    }
  }
  return absl::OkStatus();
}

// The rungs below `index` that no sanction on the contract has used yet,
// as "kind" names: a sanction above them skips them.
std::vector<std::string> SkippedRungs(const ContractState& state, int index) {
  std::vector<std::string> skipped;
  for (int i = 0; i < index; ++i) {
    bool used = false;
    for (const auto& [id, sanction] : state.sanctions) {
      used = used || sanction.ladder_index() == i;
    }
    if (!used) {
      skipped.push_back(v1::SanctionKind_Name(state.terms.ladder(i).kind()));
    }
  }
  return skipped;
}

absl::StatusOr<Events> RegisterContract(const v1::RegisterContract& c,
                                        const ContractState& state,
                                        const CommandContext& ctx,
                                        const ContractReferences& refs) {
  RETURN_IF_ERROR(RequireRole(
      ctx.principal, {kAdministrationDirector, v1::ROLE_FOLLOW_UP_OFFICER},
      "register a contract"));
  RETURN_IF_ERROR(CheckId("contract_id", c.contract_id()));
  RETURN_IF_ERROR(CheckTerms(c.terms(), refs));
  v1::Event event;
  v1::ContractRegistered* e = event.mutable_contract_registered();
  e->set_contract_id(c.contract_id());
  *e->mutable_terms() = c.terms();
  // A contract that no longer takes commands does not take a repeat either.
  if (state.exists()) RETURN_IF_ERROR(CheckActive(state, ctx.today));
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("contract_id", state.exists() ? &state.terms : nullptr,
                 c.terms(), "a different contract with this id is registered"));
  if (creation == Creation::kRepeat) return Events{};
  // Nothing is decided on a contract after its end date (CheckActive), so
  // one that has already ended is not registered either.
  if (DayOf(c.terms().ends_on()) < ctx.today) {
    return InvalidArgument(
        "terms.ends_on", "has passed: an ended contract cannot be registered");
  }
  return Events{event};
}

absl::StatusOr<Events> ExtendContract(const v1::ExtendContract& c,
                                      const ContractState& state,
                                      const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {kAdministrationDirector},
                              "extend a contract"));
  ASSIGN_OR_RETURN(absl::CivilDay ends, CheckDate("ends_on", c.ends_on()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  // Checked before the repeat: a terminated or expired contract takes no
  // command at all, not even one it accepted before.
  RETURN_IF_ERROR(CheckActive(state, ctx.today));
  if (!state.extensions.empty()) {
    const v1::ContractExtended& last = state.extensions.back();
    if (SameContent(last.ends_on(), c.ends_on()) &&
        SameContent(last.decision(), c.decision())) {
      return Events{};
    }
  }
  if (state.not_extended.has_value()) {
    return FailedPrecondition(
        "contract_id",
        "the option to extend was declined; it cannot be extended");
  }
  if (ends <= state.ends_on) {
    return InvalidArgument("ends_on",
                           absl::StrCat("must be after the current end date (",
                                        FormatDay(state.ends_on), ")"));
  }
  v1::Event event;
  v1::ContractExtended* e = event.mutable_contract_extended();
  e->set_contract_id(c.contract_id());
  *e->mutable_previous_ends_on() = ToDate(state.ends_on);
  *e->mutable_ends_on() = c.ends_on();
  *e->mutable_decision() = c.decision();
  return Events{event};
}

absl::StatusOr<Events> DeclineExtension(const v1::DeclineContractExtension& c,
                                        const ContractState& state,
                                        const CommandContext& ctx) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {kAdministrationDirector},
                              "decline a contract extension"));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(CheckActive(state, ctx.today));
  if (state.not_extended.has_value() &&
      SameContent(state.not_extended->decision(), c.decision()) &&
      state.not_extended->reason() == c.reason()) {
    return Events{};
  }
  if (state.not_extended.has_value()) {
    return FailedPrecondition("contract_id",
                              "the extension was already declined");
  }
  v1::Event event;
  v1::ContractNotExtended* e = event.mutable_contract_not_extended();
  e->set_contract_id(c.contract_id());
  *e->mutable_ends_on() = ToDate(state.ends_on);
  *e->mutable_decision() = c.decision();
  e->set_reason(c.reason());
  return Events{event};
}

absl::StatusOr<Events> ImposeSanction(const v1::ImposeSanction& c,
                                      const ContractState& state,
                                      const CommandContext& ctx,
                                      const ContractReferences& refs) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {kAdministrationDirector},
                              "impose a sanction"));
  RETURN_IF_ERROR(CheckId("sanction_id", c.sanction_id()));
  RETURN_IF_ERROR(CheckEnum("kind", c.kind(), v1::SanctionKind_IsValid));
  if (IsTermination(c.kind())) {
    return InvalidArgument("kind",
                           "termination is decided with TerminateContract");
  }
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  RETURN_IF_ERROR(CheckText("description", c.description()));
  RETURN_IF_ERROR(CheckOptionalText("rung_skip_justification",
                                    c.rung_skip_justification()));
  RETURN_IF_ERROR(CheckActive(state, ctx.today));
  const v1::SanctionImposed* existing =
      FindOrNull(state.sanctions, c.sanction_id());
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("sanction_id", existing != nullptr,
                 existing != nullptr && existing->kind() == c.kind() &&
                     existing->description() == c.description() &&
                     existing->amount_sek() == c.amount_sek() &&
                     SameContent(existing->decision(), c.decision()) &&
                     std::equal(existing->case_ids().begin(),
                                existing->case_ids().end(),
                                c.case_ids().begin(), c.case_ids().end()) &&
                     std::equal(existing->requirement_ids().begin(),
                                existing->requirement_ids().end(),
                                c.requirement_ids().begin(),
                                c.requirement_ids().end()) &&
                     existing->rung_skip_justification() ==
                         c.rung_skip_justification(),
                 "a different sanction with this id is recorded"));
  if (creation == Creation::kRepeat) return Events{};
  const int index = LadderIndex(state.terms, c.kind());
  if (index < 0) {
    return FailedPrecondition(
        "kind", "the contract's sanction ladder has no such sanction");
  }
  const v1::SanctionLadderStep& step = state.terms.ladder(index);
  const bool has_amount = c.kind() == v1::SANCTION_KIND_FINE ||
                          c.kind() == v1::SANCTION_KIND_PRICE_REDUCTION ||
                          c.kind() == v1::SANCTION_KIND_DAMAGES;
  if (has_amount && c.amount_sek() <= 0) {
    return InvalidArgument("amount_sek", "is required for this sanction");
  }
  if (!has_amount && c.amount_sek() != 0) {
    return InvalidArgument("amount_sek", "this sanction has no amount");
  }
  if (c.kind() == v1::SANCTION_KIND_FINE &&
      c.amount_sek() > step.fine_max_sek()) {
    return InvalidArgument(
        "amount_sek", absl::StrCat("exceeds the contract's maximum fine of ",
                                   step.fine_max_sek(), " SEK"));
  }
  RETURN_IF_ERROR(CheckFailedCases(c.case_ids(), state, refs));
  RETURN_IF_ERROR(CheckRequirements(c.requirement_ids(), state.terms));
  // The ladder is climbed in order; skipping a rung (a grave breach) is a
  // decision that must be justified in writing.
  const std::vector<std::string> skipped = SkippedRungs(state, index);
  if (!skipped.empty() && c.rung_skip_justification().empty()) {
    return FailedPrecondition(
        "rung_skip_justification",
        absl::StrCat("is required: the sanction skips rungs of the "
                     "contract's ladder not used before (",
                     absl::StrJoin(skipped, ", "), ")"));
  }

  v1::Event event;
  v1::SanctionImposed* e = event.mutable_sanction_imposed();
  e->set_contract_id(c.contract_id());
  e->set_sanction_id(c.sanction_id());
  e->set_kind(c.kind());
  e->set_ladder_index(index);
  *e->mutable_case_ids() = c.case_ids();
  *e->mutable_decision() = c.decision();
  e->set_description(c.description());
  e->set_amount_sek(c.amount_sek());
  *e->mutable_requirement_ids() = c.requirement_ids();
  e->set_rung_skip_justification(c.rung_skip_justification());
  return Events{event};
}

absl::StatusOr<Events> TerminateContract(const v1::TerminateContract& c,
                                         const ContractState& state,
                                         const CommandContext& ctx,
                                         const ContractReferences& refs) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {kAdministrationDirector},
                              "terminate a contract"));
  RETURN_IF_ERROR(CheckEnum("kind", c.kind(), v1::SanctionKind_IsValid));
  if (!IsTermination(c.kind())) {
    return InvalidArgument(
        "kind", "must be TERMINATION_WITH_NOTICE or IMMEDIATE_TERMINATION");
  }
  ASSIGN_OR_RETURN(absl::CivilDay effective,
                   CheckDate("effective_on", c.effective_on()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  RETURN_IF_ERROR(CheckText("grounds", c.grounds()));

  v1::Event event;
  v1::ContractTerminated* e = event.mutable_contract_terminated();
  e->set_contract_id(c.contract_id());
  e->set_kind(c.kind());
  *e->mutable_effective_on() = c.effective_on();
  *e->mutable_case_ids() = c.case_ids();
  *e->mutable_decision() = c.decision();
  e->set_grounds(c.grounds());
  if (state.termination.has_value() && SameContent(*state.termination, *e)) {
    return Events{};
  }
  RETURN_IF_ERROR(CheckActive(state, ctx.today));
  if (LadderIndex(state.terms, c.kind()) < 0) {
    return FailedPrecondition(
        "kind",
        "the contract's sanction ladder has no termination of this kind");
  }
  if (effective < DayOf(c.decision().decided_on())) {
    return InvalidArgument("effective_on", "must not be before the decision");
  }
  RETURN_IF_ERROR(CheckFailedCases(c.case_ids(), state, refs));
  return Events{event};
}

absl::StatusOr<Events> DecideNoSanction(const v1::DecideNoSanction& c,
                                        const ContractState& state,
                                        const CommandContext& ctx,
                                        const ContractReferences& refs) {
  RETURN_IF_ERROR(RequireRole(ctx.principal, {kAdministrationDirector},
                              "decide not to sanction a case"));
  RETURN_IF_ERROR(CheckId("failed_case_id", c.failed_case_id()));
  RETURN_IF_ERROR(CheckText("reason", c.reason()));
  RETURN_IF_ERROR(CheckDecision("decision", c.decision(), ctx.today));
  RETURN_IF_ERROR(CheckActive(state, ctx.today));
  v1::Event event;
  v1::NoSanctionDecided* e = event.mutable_no_sanction_decided();
  e->set_contract_id(c.contract_id());
  e->set_case_id(c.failed_case_id());
  e->set_reason(c.reason());
  *e->mutable_decision() = c.decision();
  const CaseSanctionDecisions* decided =
      FindOrNull(state.case_decisions, c.failed_case_id());
  const v1::NoSanctionDecided* existing =
      decided != nullptr && decided->no_sanction.has_value()
          ? &*decided->no_sanction
          : nullptr;
  ASSIGN_OR_RETURN(
      const Creation creation,
      CreateOnce("failed_case_id", existing, *e,
                 "a different decision not to sanction this case is "
                 "recorded"));
  if (creation == Creation::kRepeat) return Events{};
  RETURN_IF_ERROR(
      CheckFailedCase("failed_case_id", c.failed_case_id(), state, refs));
  if (decided != nullptr && !decided->sanction_ids.empty()) {
    return FailedPrecondition(
        "failed_case_id",
        absl::StrCat("a sanction was already decided for this case (",
                     decided->sanction_ids.front(), ")"));
  }
  return Events{event};
}

}  // namespace

void EvolveContract(ContractState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kContractRegistered:
      state.status = Status::kActive;
      state.contract_id = event.contract_registered().contract_id();
      state.terms = event.contract_registered().terms();
      state.ends_on = DayOf(state.terms.ends_on());
      break;
    case v1::Event::kContractExtended:
      state.extensions.push_back(event.contract_extended());
      state.ends_on = DayOf(event.contract_extended().ends_on());
      break;
    case v1::Event::kContractNotExtended:
      state.not_extended = event.contract_not_extended();
      break;
    case v1::Event::kSanctionImposed: {
      const v1::SanctionImposed& e = event.sanction_imposed();
      state.sanctions[e.sanction_id()] = e;
      for (const std::string& case_id : e.case_ids()) {
        state.case_decisions[case_id].sanction_ids.push_back(e.sanction_id());
      }
      break;
    }
    case v1::Event::kNoSanctionDecided:
      state.case_decisions[event.no_sanction_decided().case_id()].no_sanction =
          event.no_sanction_decided();
      break;
    case v1::Event::kContractTerminated:
      state.status = Status::kTerminated;
      state.termination = event.contract_terminated();
      break;
    case v1::Event::kContractExpired:
      state.status = Status::kExpired;
      state.expiry = event.contract_expired();
      break;
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideContract(
    const v1::Command& command, const ContractState& state,
    const CommandContext& ctx, const ContractReferences& refs) {
  switch (command.command_case()) {
    case v1::Command::kRegisterContract:
      return RegisterContract(command.register_contract(), state, ctx, refs);
    case v1::Command::kExtendContract:
      return ExtendContract(command.extend_contract(), state, ctx);
    case v1::Command::kDeclineContractExtension:
      return DeclineExtension(command.decline_contract_extension(), state, ctx);
    case v1::Command::kImposeSanction:
      return ImposeSanction(command.impose_sanction(), state, ctx, refs);
    case v1::Command::kTerminateContract:
      return TerminateContract(command.terminate_contract(), state, ctx, refs);
    case v1::Command::kDecideNoSanction:
      return DecideNoSanction(command.decide_no_sanction(), state, ctx, refs);
    default:
      return absl::InvalidArgumentError("command is not a contract command");
  }
}

std::vector<v1::Event> DueContractDeadlines(const ContractState& state,
                                            absl::CivilDay today) {
  if (state.status != Status::kActive || today <= state.ends_on) return {};
  v1::Event event;
  v1::ContractExpired* e = event.mutable_contract_expired();
  e->set_contract_id(state.contract_id);
  *e->mutable_ended_on() = ToDate(state.ends_on);
  return {event};
}

}  // namespace atgard::domain
