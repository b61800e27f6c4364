#include "tests/support/domain_generators.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "services/app/command_handler.h"
#include "services/domain/calendar.h"
#include "services/domain/case_workflow.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/policies.h"
#include "services/domain/streams.h"
#include "tests/support/domain_fixtures.h"

namespace atgard::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using CommandCase = v1::Command::CommandCase;
using S = domain::CaseStatus;

constexpr char kOtherContract[] = "avtal-annat-bolag";
constexpr char kMunicipalContract[] = "avtal-egen-regi";

struct ContractSlot {
  const char* contract_id;
  const char* provider_id;
};

// The seeded contract, one the sequences may register for the other
// private provider, and one for the municipal provider (always refused).
const ContractSlot kContractSlots[] = {
    {kContract, kPrivateProvider},
    {kOtherContract, kOtherProvider},
    {kMunicipalContract, kMunicipalProvider},
};

struct UnitSlot {
  const char* provider_id;
  const char* unit_id;
  const char* indicator_id;
};

const UnitSlot kUnitSlots[] = {
    {kPrivateProvider, kPrivateUnit, "kontinuitet"},
    {kMunicipalProvider, kMunicipalUnit, "fallskador"},
    {kOtherProvider, kOtherUnit, "kontinuitet"},
};

// Everyone who might issue a command: every role, staff of each provider,
// and principals of another municipality.
const std::vector<domain::Principal>& Cast() {
  static const std::vector<domain::Principal>* cast =
      new std::vector<domain::Principal>{
          FollowUpOfficer(),
          CareDirector(),
          AdministrationDirector(),
          MedicalOfficer(),
          ProviderStaff(kPrivateProvider),
          ProviderStaff(kOtherProvider),
          ProviderStaff(kMunicipalProvider),
          Auditor(),
          Supervisor(),
          Operator(),
          System(),
          FollowUpOfficer(kOtherTenant),
          ProviderStaff(kPrivateProvider, kOtherTenant),
          AdministrationDirector(kOtherTenant),
      };
  return *cast;
}

// The principal of `role` (not PROVIDER) in kTenant.
domain::Principal PrincipalFor(v1::Role role) {
  switch (role) {
    case v1::ROLE_FOLLOW_UP_OFFICER:
      return FollowUpOfficer();
    case v1::ROLE_CARE_DIRECTOR:
      return CareDirector();
    case v1::ROLE_ADMINISTRATION_DIRECTOR:
      return AdministrationDirector();
    case v1::ROLE_MEDICAL_OFFICER:
      return MedicalOfficer();
    case v1::ROLE_SYSTEM:
      return System();
    default:
      return FollowUpOfficer();
  }
}

// One of `roles`, chosen by `variant`.
domain::Principal Pick(const std::vector<v1::Role>& roles, int variant) {
  if (roles.empty()) return FollowUpOfficer();
  return PrincipalFor(roles[variant % roles.size()]);
}

const Message& Inner(const v1::Command& command) {
  const FieldDescriptor* field =
      v1::Command::descriptor()->FindFieldByNumber(command.command_case());
  return command.GetReflection()->GetMessage(command, field);
}

std::string StringField(const Message& message, absl::string_view name) {
  const FieldDescriptor* field =
      message.GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->type() != FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

bool IsCaseCommand(CommandCase kind) {
  return !domain::StatusesAllowing(kind).empty();
}

bool IsContractCommand(CommandCase kind) {
  switch (kind) {
    case v1::Command::kRegisterContract:
    case v1::Command::kExtendContract:
    case v1::Command::kDeclineContractExtension:
    case v1::Command::kImposeSanction:
    case v1::Command::kTerminateContract:
    case v1::Command::kDecideNoSanction:
      return true;
    default:
      return false;
  }
}

// The assessment criteria that fail by the answers and the plan, as the
// approval rule states them (services/domain/RULES_CASE.md#assessment).
std::vector<v1::AssessmentCriterion> Failing(const v1::Assessment& a,
                                             bool extra_compensation) {
  std::vector<v1::AssessmentCriterion> failing;
  if (a.sufficient().answer() != v1::ANSWER_YES)
    failing.push_back(v1::ASSESSMENT_CRITERION_SUFFICIENT);
  if (a.clear_effect().answer() != v1::ANSWER_YES)
    failing.push_back(v1::ASSESSMENT_CRITERION_CLEAR_EFFECT);
  if (a.realistic_resources().answer() != v1::ANSWER_YES)
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_RESOURCES);
  if (a.realistic_compensation().answer() != v1::ANSWER_YES)
    failing.push_back(v1::ASSESSMENT_CRITERION_REALISTIC_COMPENSATION);
  if (a.external_conditions().answer() == v1::ANSWER_YES &&
      a.external_conditions_justification().empty()) {
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTERNAL_CONDITIONS);
  }
  if (extra_compensation)
    failing.push_back(v1::ASSESSMENT_CRITERION_EXTRA_COMPENSATION);
  return failing;
}

void NameFindings(v1::Assessment& a, bool extra_compensation) {
  a.clear_findings();
  for (v1::AssessmentCriterion c : Failing(a, extra_compensation)) {
    v1::AssessmentFinding* f = a.add_findings();
    f->set_criterion(c);
    f->set_comment("Kriteriet är inte uppfyllt; se värderingen.");
  }
}

// ---- Perturbation by reflection ---------------------------------------------

struct Spot {
  Message* message;
  const FieldDescriptor* field;
  int index;  // -1 for a singular field
  std::string path;
};

std::string Path(const std::string& parent, const FieldDescriptor* field,
                 int index) {
  std::string path =
      parent.empty() ? field->name() : absl::StrCat(parent, ".", field->name());
  if (index >= 0) absl::StrAppend(&path, "[", index, "]");
  return path;
}

// Every set field below `message` (depth first), and with `all_bools`
// also the singular bools that are false.
void CollectSpots(Message& message, const std::string& parent, bool all_bools,
                  std::vector<Spot>& out) {
  const Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  if (all_bools) {
    const google::protobuf::Descriptor* d = message.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->type() == FieldDescriptor::TYPE_BOOL && !f->is_repeated() &&
          std::find(fields.begin(), fields.end(), f) == fields.end()) {
        fields.push_back(f);
      }
    }
  }
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) {
      out.push_back({&message, f, -1, Path(parent, f, -1)});
      for (int i = 0; i < r->FieldSize(message, f); ++i) {
        if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
          CollectSpots(*r->MutableRepeatedMessage(&message, f, i),
                       Path(parent, f, i), all_bools, out);
        }
        out.push_back({&message, f, i, Path(parent, f, i)});
      }
    } else {
      out.push_back({&message, f, -1, Path(parent, f, -1)});
      if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
        CollectSpots(*r->MutableMessage(&message, f), Path(parent, f, -1),
                     all_bools, out);
      }
    }
  }
}

bool IsDate(const Spot& s) {
  return s.field->type() == FieldDescriptor::TYPE_MESSAGE &&
         s.field->message_type() == v1::Date::descriptor() &&
         (s.index >= 0 || !s.field->is_repeated());
}

bool IsEnum(const Spot& s) {
  return s.field->type() == FieldDescriptor::TYPE_ENUM &&
         (s.index >= 0 || !s.field->is_repeated());
}

bool IsNumber(const Spot& s) {
  if (s.field->is_repeated() && s.index < 0) return false;
  switch (s.field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_BOOL:
      return true;
    default:
      return false;
  }
}

v1::Date* DateAt(const Spot& s) {
  const Reflection* r = s.message->GetReflection();
  Message* m = s.index >= 0
                   ? r->MutableRepeatedMessage(s.message, s.field, s.index)
                   : r->MutableMessage(s.message, s.field);
  return static_cast<v1::Date*>(m);
}

}  // namespace

std::string Perturb(v1::Command& command, Perturbation perturbation,
                    int which) {
  if (perturbation == Perturbation::kNone ||
      command.command_case() == v1::Command::COMMAND_NOT_SET) {
    return "";
  }
  const FieldDescriptor* top =
      v1::Command::descriptor()->FindFieldByNumber(command.command_case());
  Message& inner = *command.GetReflection()->MutableMessage(&command, top);
  std::vector<Spot> all;
  CollectSpots(inner, "", perturbation == Perturbation::kNumber, all);
  std::vector<Spot> spots;
  for (const Spot& s : all) {
    switch (perturbation) {
      case Perturbation::kClear:
        if (s.index < 0) spots.push_back(s);
        break;
      case Perturbation::kMoveDate:
        if (IsDate(s)) spots.push_back(s);
        break;
      case Perturbation::kFlip:
        if (IsEnum(s)) spots.push_back(s);
        break;
      case Perturbation::kNumber:
        if (IsNumber(s)) spots.push_back(s);
        break;
      case Perturbation::kNone:
        break;
    }
  }
  if (spots.empty()) return "";
  const Spot& s = spots[which % spots.size()];
  const Reflection* r = s.message->GetReflection();
  const int amount = 1 + (which / static_cast<int>(spots.size())) % 45;
  switch (perturbation) {
    case Perturbation::kClear:
      r->ClearField(s.message, s.field);
      return absl::StrCat("cleared ", s.path);
    case Perturbation::kMoveDate: {
      v1::Date* date = DateAt(s);
      if (domain::IsUnset(*date)) return "";
      const int delta = (which % 2 == 0) ? amount : -amount;
      *date = domain::ToDate(domain::DayOf(*date) + delta);
      return absl::StrCat("moved ", s.path, " by ", delta, " days");
    }
    case Perturbation::kFlip: {
      const google::protobuf::EnumDescriptor* e = s.field->enum_type();
      const int current =
          s.index >= 0 ? r->GetRepeatedEnumValue(*s.message, s.field, s.index)
                       : r->GetEnumValue(*s.message, s.field);
      int position = 0;
      for (int i = 0; i < e->value_count(); ++i) {
        if (e->value(i)->number() == current) position = i;
      }
      const int step = 1 + amount % (e->value_count() - 1);
      const google::protobuf::EnumValueDescriptor* to =
          e->value((position + step) % e->value_count());
      if (s.index >= 0) {
        r->SetRepeatedEnumValue(s.message, s.field, s.index, to->number());
      } else {
        r->SetEnumValue(s.message, s.field, to->number());
      }
      return absl::StrCat("set ", s.path, " to ", to->name());
    }
    case Perturbation::kNumber: {
      const int delta = (which % 2 == 0) ? amount % 4 + 1 : -(amount % 4 + 1);
      switch (s.field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_BOOL: {
          const bool v = s.index >= 0
                             ? r->GetRepeatedBool(*s.message, s.field, s.index)
                             : r->GetBool(*s.message, s.field);
          if (s.index >= 0) {
            r->SetRepeatedBool(s.message, s.field, s.index, !v);
          } else {
            r->SetBool(s.message, s.field, !v);
          }
          return absl::StrCat("flipped ", s.path, " to ", !v);
        }
        case FieldDescriptor::CPPTYPE_INT32: {
          const int32_t v =
              s.index >= 0 ? r->GetRepeatedInt32(*s.message, s.field, s.index)
                           : r->GetInt32(*s.message, s.field);
          if (s.index >= 0) {
            r->SetRepeatedInt32(s.message, s.field, s.index, v + delta);
          } else {
            r->SetInt32(s.message, s.field, v + delta);
          }
          return absl::StrCat("changed ", s.path, " to ", v + delta);
        }
        case FieldDescriptor::CPPTYPE_INT64: {
          const int64_t v =
              s.index >= 0 ? r->GetRepeatedInt64(*s.message, s.field, s.index)
                           : r->GetInt64(*s.message, s.field);
          const int64_t to = v + delta * 1000;
          if (s.index >= 0) {
            r->SetRepeatedInt64(s.message, s.field, s.index, to);
          } else {
            r->SetInt64(s.message, s.field, to);
          }
          return absl::StrCat("changed ", s.path, " to ", to);
        }
        case FieldDescriptor::CPPTYPE_DOUBLE: {
          const double v =
              s.index >= 0 ? r->GetRepeatedDouble(*s.message, s.field, s.index)
                           : r->GetDouble(*s.message, s.field);
          const double to = v + 3.0 * delta;
          if (s.index >= 0) {
            r->SetRepeatedDouble(s.message, s.field, s.index, to);
          } else {
            r->SetDouble(s.message, s.field, to);
          }
          return absl::StrCat("changed ", s.path, " to ", to);
        }
        default:
          return "";
      }
    }
    case Perturbation::kNone:
      break;
  }
  return "";
}

// ---- Generators -------------------------------------------------------------

const std::vector<CommandCase>& AllCommandKinds() {
  static const std::vector<CommandCase>* kinds = [] {
    auto* out = new std::vector<CommandCase>;
    const google::protobuf::OneofDescriptor* oneof =
        v1::Command::descriptor()->FindOneofByName("command");
    for (int i = 0; i < oneof->field_count(); ++i) {
      out->push_back(static_cast<CommandCase>(oneof->field(i)->number()));
    }
    return out;
  }();
  return *kinds;
}

const std::vector<CaseSlot>& CaseSlots() {
  static const std::vector<CaseSlot>* slots = new std::vector<CaseSlot>{
      {"fall-privat-1", kPrivateProvider, kPrivateUnit},
      {"fall-kommunal-1", kMunicipalProvider, kMunicipalUnit},
      {"fall-privat-2", kOtherProvider, kOtherUnit},
      {"fall-kommunal-2", kMunicipalProvider, kMunicipalUnit},
  };
  return *slots;
}

rc::Gen<Step> GenStep() {
  // Choices are drawn as numbers mapped onto kinds, so that shrinking
  // (towards 0) leads to the plainest step: the natural next command for
  // the first case, by the expected principal, unspoiled, on the same day.
  return rc::gen::exec([] {
    Step s;
    const int kind = *rc::gen::inRange(0, 100);
    s.kind = kind < 60   ? StepKind::kNext
             : kind < 85 ? StepKind::kCommand
             : kind < 88 ? StepKind::kWait
             : kind < 91 ? StepKind::kJump
             : kind < 95 ? StepKind::kDeadlines
                         : StepKind::kPolicies;
    if (s.kind == StepKind::kJump) {
      s.days = *rc::gen::inRange(20, 151);
      return s;
    }
    const int days = *rc::gen::inRange(0, 100);
    s.days = days < 50 ? 0 : days < 90 ? 1 + days % 3 : 4 + days % 11;
    if (s.kind != StepKind::kNext && s.kind != StepKind::kCommand) return s;
    if (s.kind == StepKind::kNext) {
      const int area = *rc::gen::inRange(0, 100);
      s.area = area < 70   ? Area::kCase
               : area < 80 ? Area::kContract
               : area < 90 ? Area::kMeasurement
               : area < 95 ? Area::kCarePlan
                           : Area::kProvider;
    } else {
      s.command = *rc::gen::elementOf(AllCommandKinds());
    }
    s.target = *rc::gen::inRange(0, 100);
    s.variant = *rc::gen::inRange(0, 100);
    const int actor = *rc::gen::inRange(0, 100);
    s.actor = actor < 85 ? 0 : 1 + actor % static_cast<int>(Cast().size());
    const int perturbation = *rc::gen::inRange(0, 100);
    s.perturbation = perturbation < 84   ? Perturbation::kNone
                     : perturbation < 88 ? Perturbation::kClear
                     : perturbation < 92 ? Perturbation::kMoveDate
                     : perturbation < 96 ? Perturbation::kFlip
                                         : Perturbation::kNumber;
    if (s.perturbation != Perturbation::kNone) {
      // Which field is spoiled is arbitrary; shrinking it only costs time.
      s.which = *rc::gen::noShrink(rc::gen::inRange(0, 1000));
    }
    return s;
  });
}

rc::Gen<std::vector<Step>> GenSteps() {
  return rc::gen::withSize([](int size) {
    return rc::gen::resize(40 + 4 * size,
                           rc::gen::container<std::vector<Step>>(GenStep()));
  });
}

void showValue(const Step& step, std::ostream& os) {
  switch (step.kind) {
    case StepKind::kNext:
      os << "Next(";
      switch (step.area) {
        case Area::kCase:
          os << "case";
          break;
        case Area::kContract:
          os << "contract";
          break;
        case Area::kMeasurement:
          os << "measurement";
          break;
        case Area::kCarePlan:
          os << "care plan";
          break;
        case Area::kProvider:
          os << "provider";
          break;
      }
      break;
    case StepKind::kCommand:
      os << "Command(" << domain::CommandName(step.command);
      break;
    case StepKind::kWait:
      os << "Wait(" << step.days << "d)";
      return;
    case StepKind::kJump:
      os << "Jump(" << step.days << "d)+Deadlines";
      return;
    case StepKind::kDeadlines:
      os << "Deadlines(+" << step.days << "d)";
      return;
    case StepKind::kPolicies:
      os << "Policies(+" << step.days << "d)";
      return;
  }
  os << " t" << step.target << " v" << step.variant;
  if (step.actor != 0) {
    os << " as " << PrincipalName(Cast()[(step.actor - 1) % Cast().size()]);
  }
  switch (step.perturbation) {
    case Perturbation::kNone:
      break;
    case Perturbation::kClear:
      os << " clear#" << step.which;
      break;
    case Perturbation::kMoveDate:
      os << " move-date#" << step.which;
      break;
    case Perturbation::kFlip:
      os << " flip#" << step.which;
      break;
    case Perturbation::kNumber:
      os << " number#" << step.which;
      break;
  }
  os << " +" << step.days << "d)";
}

// ---- Simulation -------------------------------------------------------------

Simulation::Simulation() : today_(Day(2026, 1, 15)) {
  SeedProviders(world_);
  TrackActors(FollowUpOfficer());
  policies_seen_ = world_.Log().size();
  today_ = Day(2026, 1, 20);
}

std::string Simulation::Counter(absl::string_view prefix) {
  return absl::StrCat(prefix, ++counter_);
}

const std::vector<std::string>& Simulation::CaseIds() const {
  return case_ids_;
}

std::string Simulation::CaseTarget(int target) const {
  const std::vector<CaseSlot>& slots = CaseSlots();
  if (target < 35) return slots[0].case_id;
  if (target < 70) return slots[1].case_id;
  if (target < 80) return slots[2].case_id;
  if (target < 90) return slots[3].case_id;
  // A case a policy opened, if any.
  std::vector<std::string> automatic;
  for (const std::string& id : CaseIds()) {
    if (absl::string_view(id).substr(0, 5) == "auto-") automatic.push_back(id);
  }
  if (automatic.empty()) return slots[target % slots.size()].case_id;
  return automatic[target % automatic.size()];
}

std::vector<std::string> Simulation::FailedCasesOf(
    const std::string& provider_id) const {
  std::vector<std::string> failed;
  for (const std::string& id : CaseIds()) {
    const domain::CaseState c = world_.Case(kTenant, id);
    if (c.provider_id() == provider_id && c.failures > 0) failed.push_back(id);
  }
  return failed;
}

CommandCase Simulation::NextCaseCommand(const domain::CaseState& s,
                                        const Step& step) const {
  const int v = step.variant;
  using C = v1::Command;
  if (!s.exists()) return C::kRegisterCase;
  if (s.status == S::kClosed) {
    // Nothing moves a closed case; try something anyway.
    static const CommandCase kAny[] = {C::kRequestPlan,  C::kSubmitPlan,
                                       C::kAssessPlan,   C::kRecordFollowUp,
                                       C::kEscalateCase, C::kDecideConsequence,
                                       C::kCloseCase,    C::kCompleteAction};
    return kAny[v % 8];
  }
  if (s.status == S::kAwaitingConsequence) {
    if (s.regiform == v1::REGIFORM_MUNICIPAL || v < 40) {
      return C::kDecideConsequence;
    }
    return v < 80 ? C::kTerminateContract : C::kCloseCase;
  }
  if (s.failure != v1::STEP_FAILURE_UNSPECIFIED && !s.system_level) {
    if (v < 50) return C::kEscalateCase;
    if (v < 56) return C::kProposeEscalation;
  }
  bool milestone_open = false;
  for (const v1::Milestone& m : s.plan.plan().milestones()) {
    milestone_open |= !s.milestones.contains(m.number());
  }
  bool measurement_open = false;
  for (const v1::PlannedMeasurement& m : s.plan.plan().extra_measurements()) {
    measurement_open |= !s.planned_measurements.contains(m.number());
  }
  const bool follow_up_needed = !s.request.request().follow_up_not_needed();
  switch (s.status) {
    case S::kOpen:
      if (s.system_level) {
        return v < 60 ? C::kCloseCase : C::kMarkCaseSystemLevel;
      }
      if (s.round == 0 && v >= 96) return C::kMarkCaseSystemLevel;
      if (s.round == 0 && v >= 93) return C::kCloseCase;
      return C::kRequestPlan;
    case S::kPlanRequested:
    case S::kRevisionRequested:
      return C::kSubmitPlan;
    case S::kPlanSubmitted:
      return v >= 98 ? C::kMarkCaseSystemLevel : C::kAssessPlan;
    case S::kImplementing: {
      if (v >= 97) return C::kMarkCaseSystemLevel;
      if (milestone_open && v < 25) return C::kRecordMilestone;
      if (measurement_open && v >= 90) return C::kRecordPlannedMeasurement;
      bool open = false;
      for (const auto& [n, a] : s.actions) open |= !a.completed && !a.withdrawn;
      if (open) {
        if (v < 20) return C::kReportActionProgress;
        if (v < 25) return C::kWithdrawAction;
        return C::kCompleteAction;
      }
      if (v < 10) return C::kScheduleFollowUp;
      if (v < 20) return C::kRecordFollowUp;
      return C::kReportImplementation;
    }
    case S::kImplemented:
      if (milestone_open && v < 25) return C::kRecordMilestone;
      if (measurement_open && v >= 90) return C::kRecordPlannedMeasurement;
      // Now and then the wrong way to end, so that its refusal is seen.
      if (!follow_up_needed || v >= 97) {
        return v < 10 ? C::kScheduleFollowUp : C::kAcceptImplementationReport;
      }
      if (v < 25) return C::kScheduleFollowUp;
      return C::kRecordFollowUp;
    default:
      return C::kRequestPlan;
  }
}

v1::Command Simulation::BuildCaseCommand(CommandCase kind,
                                         const std::string& case_id,
                                         const domain::CaseState& s,
                                         const Step& step) {
  const int v = step.variant;
  using C = v1::Command;
  const domain::StepRule* rule = domain::FindStep(s.regiform, s.step);
  const absl::CivilDay complete_by =
      s.round > 0 ? domain::DayOf(s.request.request().complete_by())
                  : today_ + 60;
  auto first_open_action = [&](bool from_back) {
    int found = 1;
    bool any = false;
    for (const auto& [n, a] : s.actions) {
      if (a.completed || a.withdrawn) continue;
      if (!any || from_back) found = n;
      any = true;
    }
    return found;
  };
  auto requested_method = [&]() {
    const auto& methods = s.request.request().follow_up().methods();
    if (methods.empty()) return v1::FOLLOW_UP_METHOD_EXTRA_MEASUREMENT;
    return static_cast<v1::FollowUpMethod>(methods[v % methods.size()]);
  };
  v1::Command c;
  switch (kind) {
    case C::kRegisterCase: {
      if (s.exists()) {
        v1::RegisterCase* r = c.mutable_register_case();
        r->set_case_id(case_id);
        *r->mutable_deficiency() = s.registration.deficiency();
        r->set_system_level(s.registration.system_level());
        r->set_system_level_reason(s.registration.system_level_reason());
        r->set_triggered_by(s.registration.triggered_by());
        return c;
      }
      const CaseSlot* slot = &CaseSlots()[0];
      for (const CaseSlot& candidate : CaseSlots()) {
        if (candidate.case_id == case_id) slot = &candidate;
      }
      c = RegisterCase(case_id, slot->provider_id, slot->unit_id,
                       today_ - (7 + v % 20));
      if (v >= 92) {
        c.mutable_register_case()->set_system_level(true);
        c.mutable_register_case()->set_system_level_reason(
            "Bristen ligger i kommunens eget uppföljningssystem.");
      }
      return c;
    }
    case C::kSubmitOwnPlan: {
      v1::SubmitOwnPlan* own = c.mutable_submit_own_plan();
      own->set_case_id(case_id);
      *own->mutable_start_by() = D(today_ + v % 10);
      *own->mutable_complete_by() = D(today_ + 60);
      *own->mutable_plan() = Plan(today_ + 60);
      return c;
    }
    case C::kMarkCaseSystemLevel:
      c.mutable_mark_case_system_level()->set_case_id(case_id);
      c.mutable_mark_case_system_level()->set_reason(
          "Indikatorn mäter fel i kommunens uppföljningssystem.");
      return c;
    case C::kRequestPlan: {
      v1::PlanRequest r = Request(today_);
      absl::CivilDay complete = domain::AddCalendarMonths(today_, 2);
      if (rule != nullptr && rule->plan_limit_months > 0 && v >= 80) {
        complete = domain::AddCalendarMonths(today_, rule->plan_limit_months);
      }
      if (s.plan_limit.has_value()) {
        complete = v < 50 ? *s.plan_limit : *s.plan_limit - v % 10;
      }
      absl::CivilDay submit = today_ + (v % 3 == 2 ? 1 + v % 10 : 21);
      if (submit >= complete) submit = complete - 1;
      *r.mutable_submit_by() = D(submit);
      *r.mutable_start_by() = D(std::min(today_ + 30, complete));
      *r.mutable_complete_by() = D(complete);
      if (s.step == v1::ESCALATION_STEP_2 && v % 7 == 0) {
        r.set_analysis_team_appointed(true);
      }
      if (v % 11 == 3) {
        // Beyond the step's normal time, with a justification.
        *r.mutable_complete_by() = D(complete + 14);
        r.set_beyond_normal_time_justification(
            "Utbildningen ges av regionen först efter sommaren.");
      }
      if (v % 13 == 5) {
        r.clear_follow_up();
        r.set_follow_up_not_needed(true);
      }
      return RequestPlan(case_id, r);
    }
    case C::kSubmitPlan: {
      v1::ActionPlan p =
          Plan(complete_by, rule != nullptr && rule->milestones_required);
      if (v >= 92) {
        p.set_requests_extra_compensation(true);
        p.set_extra_compensation_note("Extra bemanning kvällstid.");
      } else if (s.step == v1::ESCALATION_STEP_3 && v >= 85) {
        p.set_requests_extra_resources(true);
      }
      if (v % 5 == 1) {
        p.mutable_actions(0)->set_expected_effect(
            "Färre olika personal ger högre trygghet.");
        p.mutable_actions(0)->set_documentation("Schemat sparas varje vecka.");
        p.set_already_under_way("Introduktionen gjordes om i januari.");
      }
      if (rule != nullptr && rule->milestones_required && v % 9 == 4) {
        p.clear_milestones();
        p.set_without_milestones_reason(
            "Enheten mäts redan varje månad i kvalitetsregistret.");
      }
      return SubmitPlan(case_id, p);
    }
    case C::kAssessPlan: {
      const bool extra = s.plan.plan().requests_extra_compensation();
      v1::Assessment a = Approval();
      if (v < 45) {
        if (extra && v < 30) {
          a.set_decision(v1::ASSESSMENT_DECISION_REVISION_REQUIRED);
        }
      } else if (v < 80) {
        a.mutable_sufficient()->set_answer(v1::ANSWER_NO);
        a.set_decision(v1::ASSESSMENT_DECISION_REJECTED);
      } else if (v < 95) {
        a.mutable_clear_effect()->set_answer(v1::ANSWER_NO);
        a.set_decision(v1::ASSESSMENT_DECISION_REVISION_REQUIRED);
      } else {
        a.mutable_external_conditions()->set_answer(v1::ANSWER_YES);
        a.set_external_conditions_justification(
            "Rekryteringsläget påverkas inte av utföraren men är hanterat.");
      }
      if (a.decision() == v1::ASSESSMENT_DECISION_REVISION_REQUIRED) {
        absl::CivilDay due = today_ + (1 + v % 10);
        if (due >= complete_by) due = complete_by - 1;
        *a.mutable_new_submit_by() = D(due);
      }
      if (a.decision() != v1::ASSESSMENT_DECISION_APPROVED) {
        NameFindings(a, extra);
      }
      return AssessPlan(case_id, a);
    }
    case C::kReportActionProgress:
      return ReportProgress(case_id, first_open_action(false),
                            static_cast<v1::TrafficLight>(1 + v % 3),
                            absl::StrCat("Läget vecka ", 1 + v % 5));
    case C::kCompleteAction:
      return CompleteAction(case_id, v >= 95 ? 3 : first_open_action(false));
    case C::kWithdrawAction:
      return WithdrawAction(case_id, first_open_action(true));
    case C::kReportImplementation:
      return ReportImplementation(case_id);
    case C::kRecordMilestone:
      return RecordMilestone(case_id, v >= 95 ? 2 : 1, v < 60);
    case C::kRecordPlannedMeasurement:
      return RecordPlannedMeasurement(case_id, v >= 99 ? 2 : 1, today_);
    case C::kAcceptImplementationReport:
      return AcceptImplementationReport(
          case_id, v % 2 == 0 ? "" : "Redovisningen godkänd.");
    case C::kScheduleFollowUp:
      return ScheduleFollowUp(
          case_id, today_ + v % 30,
          v >= 90 ? v1::FOLLOW_UP_METHOD_MEETING : requested_method());
    case C::kRecordFollowUp:
      return RecordFollowUp(case_id, today_,
                            v < 30   ? v1::FOLLOW_UP_RESULT_RESOLVED
                            : v < 50 ? v1::FOLLOW_UP_RESULT_PARTLY_RESOLVED
                                     : v1::FOLLOW_UP_RESULT_NOT_RESOLVED,
                            requested_method());
    case C::kProposeEscalation:
      return ProposeEscalation(case_id);
    case C::kEscalateCase: {
      v1::EscalationStep to = v1::ESCALATION_STEP_2;
      if (rule != nullptr && rule->next != v1::ESCALATION_STEP_UNSPECIFIED) {
        to = rule->next;
      }
      if (v >= 95) to = v1::ESCALATION_STEP_4;
      return Escalate(case_id, to, today_,
                      domain::AddCalendarMonths(today_, 3 + v % 6));
    }
    case C::kDecideConsequence: {
      bool municipal = s.regiform == v1::REGIFORM_MUNICIPAL;
      if (v >= 95) municipal = !municipal;
      return DecideConsequence(case_id, today_, municipal);
    }
    case C::kCloseCase: {
      std::string contract_id;
      for (const ContractSlot& slot : kContractSlots) {
        if (slot.provider_id == s.provider_id()) contract_id = slot.contract_id;
      }
      const bool terminated = !contract_id.empty() &&
                              world_.Contract(kTenant, contract_id).status ==
                                  domain::ContractState::Status::kTerminated;
      if (s.system_level) {
        return CloseCase(case_id, v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED);
      }
      if (terminated && v < 80) {
        return CloseCase(case_id, v1::CASE_CLOSURE_CONTRACT_TERMINATED,
                         contract_id);
      }
      if (s.round == 0 || v < 40) {
        return CloseCase(case_id, v1::CASE_CLOSURE_REGISTERED_IN_ERROR);
      }
      return CloseCase(case_id,
                       v < 60 ? v1::CASE_CLOSURE_SYSTEM_LEVEL_HANDLED
                              : v1::CASE_CLOSURE_CONTRACT_TERMINATED,
                       v < 60 ? "" : kContract);
    }
    default:
      return c;
  }
}

CommandCase Simulation::NextContractCommand(int target,
                                            const Step& step) const {
  const ContractSlot& slot = kContractSlots[target % 10 < 7   ? 0
                                            : target % 10 < 9 ? 1
                                                              : 2];
  const domain::ContractState state =
      world_.Contract(kTenant, slot.contract_id);
  const int v = step.variant;
  if (!state.exists() || v >= 90) return v1::Command::kRegisterContract;
  if (v < 35) return v1::Command::kImposeSanction;
  if (v < 50) return v1::Command::kExtendContract;
  if (v < 58) return v1::Command::kDeclineContractExtension;
  if (v < 70 && !FailedCasesOf(slot.provider_id).empty()) {
    return v1::Command::kTerminateContract;
  }
  if (v >= 80) return v1::Command::kDecideNoSanction;
  return v1::Command::kImposeSanction;
}

v1::Command Simulation::BuildContractCommand(CommandCase kind, int target,
                                             const Step& step) {
  const ContractSlot& slot = kContractSlots[target % 10 < 7   ? 0
                                            : target % 10 < 9 ? 1
                                                              : 2];
  const domain::ContractState state =
      world_.Contract(kTenant, slot.contract_id);
  const int v = step.variant;
  auto documented_cases = [&] {
    std::vector<std::string> cases = FailedCasesOf(slot.provider_id);
    if (cases.empty() || v % 10 == 9) {
      for (const CaseSlot& c : CaseSlots()) {
        if (c.provider_id == slot.provider_id) return std::vector{c.case_id};
      }
      return std::vector{CaseSlots()[0].case_id};
    }
    return cases;
  };
  switch (kind) {
    case v1::Command::kRegisterContract:
      return RegisterContract(
          slot.contract_id,
          Terms(slot.provider_id, Day(2025, 1, 1),
                slot.contract_id == std::string(kContract) ? Day(2027, 12, 31)
                                                           : Day(2027, 6, 30)));
    case v1::Command::kExtendContract: {
      const absl::CivilDay ends =
          state.exists() ? domain::AddCalendarMonths(state.ends_on, 12)
                         : Day(2028, 12, 31);
      return ExtendContract(slot.contract_id, v >= 90 ? ends - 400 : ends,
                            today_);
    }
    case v1::Command::kDeclineContractExtension:
      return DeclineExtension(slot.contract_id, today_);
    case v1::Command::kImposeSanction: {
      const std::string id =
          v % 5 == 4 ? std::string("sanktion-1") : Counter("sanktion-");
      if (v < 40) {
        return ImposeSanction(slot.contract_id, id,
                              v1::SANCTION_KIND_CORRECTION, documented_cases(),
                              today_);
      }
      if (v < 85) {
        return ImposeSanction(slot.contract_id, id, v1::SANCTION_KIND_FINE,
                              documented_cases(), today_, 500 * (1 + v % 10));
      }
      return ImposeSanction(slot.contract_id, id,
                            v < 93 ? v1::SANCTION_KIND_PRICE_REDUCTION
                                   : v1::SANCTION_KIND_DAMAGES,
                            documented_cases(), today_, 1000);
    }
    case v1::Command::kTerminateContract:
      return TerminateContract(slot.contract_id, documented_cases(), today_,
                               v < 50
                                   ? v1::SANCTION_KIND_IMMEDIATE_TERMINATION
                                   : v1::SANCTION_KIND_TERMINATION_WITH_NOTICE);
    case v1::Command::kDecideNoSanction: {
      const std::vector<std::string> cases = documented_cases();
      return DecideNoSanction(slot.contract_id, cases[v % cases.size()],
                              today_);
    }
    default:
      return v1::Command();
  }
}

v1::Command Simulation::BuildMeasurement(const Step& step) {
  const UnitSlot& slot = kUnitSlots[step.target % 3];
  const int v = step.variant;
  const std::string id = (v >= 90 && counter_ > 0)
                             ? absl::StrCat("matning-", counter_)
                             : Counter("matning-");
  const int year = today_.year() - v % 2;
  const absl::CivilDay measured = std::max(Day(year, 1, 1), today_ - v % 20);
  return RecordMeasurement(id, slot.provider_id, slot.unit_id,
                           slot.indicator_id, year, measured,
                           /*red=*/v % 3 != 2, /*base_requirement=*/v % 7 == 6);
}

v1::Command Simulation::BuildCarePlanReview(const Step& step) {
  const UnitSlot& slot = kUnitSlots[step.target % 3];
  const int v = step.variant;
  const std::string client = absl::StrCat("klient-", (step.target / 3) % 3);
  v1::Command command =
      RecordCarePlanReview(Counter("genomgang-"), slot.provider_id,
                           slot.unit_id, client, today_ - v % 5, v < 75);
  // What a registered plan's review must say: what it did with the plan,
  // and whether an action awaiting its check was put right.
  v1::CarePlanReview* review =
      command.mutable_record_care_plan_review()->mutable_review();
  review->set_kind(v % 3 == 0 ? v1::CARE_PLAN_REVIEW_KIND_REVISED
                              : v1::CARE_PLAN_REVIEW_KIND_REVIEWED);
  const domain::AggregateState state = world_.State(
      kTenant,
      {.kind = domain::AggregateKind::kCarePlan,
       .id = domain::CarePlanId(slot.provider_id, slot.unit_id, client)});
  if (std::get<domain::CarePlanState>(state).open_action.has_value()) {
    review->set_action_check(v % 4 == 0
                                 ? v1::CARE_PLAN_ACTION_CHECK_NOT_PUT_RIGHT
                                 : v1::CARE_PLAN_ACTION_CHECK_PUT_RIGHT);
  }
  return command;
}

v1::Command Simulation::BuildCarePlanCommand(CommandCase kind,
                                             const Step& step) {
  const UnitSlot& slot = kUnitSlots[step.target % 3];
  const int v = step.variant;
  const std::string client = absl::StrCat("klient-", (step.target / 3) % 3);
  if (kind == v1::Command::kEndCarePlan) {
    return EndCarePlan(slot.provider_id, slot.unit_id, client, today_ - v % 3);
  }
  return RegisterCarePlan(slot.provider_id, slot.unit_id, client,
                          today_ - v % 20);
}

v1::Command Simulation::BuildProviderCommand(CommandCase kind,
                                             const Step& step) {
  const UnitSlot& slot = kUnitSlots[step.target % 3];
  const int v = step.variant;
  switch (kind) {
    case v1::Command::kRegisterProvider:
      if (v < 50) {
        return RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                                v1::REGIFORM_PRIVATE);
      }
      return RegisterProvider("nytt-bolag", kOtherOrgNumber,
                              v1::REGIFORM_PRIVATE);
    case v1::Command::kRegisterUnit:
      if (v < 30) return RegisterUnit(slot.provider_id, slot.unit_id);
      return RegisterUnit(slot.provider_id, Counter("enhet-"),
                          v % 2 == 0 ? v1::CARE_AREA_ELDERLY_CARE
                                     : v1::CARE_AREA_DISABILITY_CARE);
    case v1::Command::kRecordFollowUpActivity: {
      const auto activity = static_cast<v1::ActivityKind>(1 + v % 6);
      return RecordActivity(Counter("aktivitet-"), slot.provider_id,
                            {slot.unit_id}, activity, today_ - v % 10,
                            /*announced=*/v >= 90);
    }
    case v1::Command::kRecordPositiveExample:
      return RecordPositiveExample(Counter("exempel-"), slot.provider_id,
                                   slot.unit_id, today_ - v % 10);
    // The follow-up plan of the current year.
    case v1::Command::kAdoptFollowUpPlan:
      return AdoptFollowUpPlan(today_.year(), today_);
    case v1::Command::kAmendFollowUpPlan:
      return AmendFollowUpPlan(today_.year(), today_, 2 + v % 3);
    case v1::Command::kAddFollowUpPlanSubject:
      return AddFollowUpPlanSubject(today_.year(), slot.provider_id,
                                    Counter("enhet-"), today_);
    case v1::Command::kAddTriggeredFollowUp:
      return AddHygieneRound(today_.year(), slot.provider_id, slot.unit_id,
                             today_);
    case v1::Command::kRecordPlannedFollowUpFulfilment:
      return RecordPlanFulfilment(
          today_.year(), Counter("aktivitet-"), slot.provider_id, slot.unit_id,
          static_cast<v1::ActivityKind>(70 + v % 6), today_ - v % 10);
    default:
      return v1::Command();
  }
}

domain::Principal Simulation::ExpectedActor(const v1::Command& command,
                                            const Step& step) const {
  const int v = step.variant;
  using C = v1::Command;
  using domain::Actor;
  const CommandCase kind = command.command_case();
  if (IsCaseCommand(kind)) {
    const std::string case_id = StringField(Inner(command), "case_id");
    const domain::CaseState s = world_.Case(kTenant, case_id);
    const v1::Regiform regiform = s.regiform;
    auto roles = [&](Actor actor) {
      return domain::AllowedRoles(actor, regiform, s.step);
    };
    switch (kind) {
      case C::kRegisterCase:
        return v % 2 == 0 ? FollowUpOfficer() : MedicalOfficer();
      case C::kMarkCaseSystemLevel:
        return Pick(roles(Actor::kCommissioner), v);
      case C::kRequestPlan:
        return Pick(roles(Actor::kStepRequester), v);
      case C::kAssessPlan:
      case C::kWithdrawAction:
        return Pick(roles(Actor::kStepAssessor), v);
      case C::kRecordMilestone:
      case C::kScheduleFollowUp:
      case C::kRecordFollowUp:
      case C::kRecordPlannedMeasurement:
      case C::kAcceptImplementationReport:
        return Pick(roles(Actor::kFollowUp), v);
      case C::kProposeEscalation:
        return Pick(roles(Actor::kProposer), v);
      case C::kEscalateCase:
        return Pick(roles(Actor::kEscalator), v);
      case C::kDecideConsequence:
        return Pick(roles(Actor::kConsequenceDecider), v);
      case C::kCloseCase:
        if (command.close_case().closure() ==
            v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
          return AdministrationDirector();
        }
        return Pick(roles(Actor::kCommissioner), v);
      default:
        return ProviderStaff(s.exists() ? s.provider_id() : kPrivateProvider);
    }
  }
  switch (kind) {
    case C::kRegisterContract:
      return v % 2 == 0 ? AdministrationDirector() : FollowUpOfficer();
    case C::kExtendContract:
    case C::kDeclineContractExtension:
    case C::kImposeSanction:
    case C::kTerminateContract:
    case C::kDecideNoSanction:
      return AdministrationDirector();
    case C::kRecordMeasurement:
    case C::kRecordFollowUpActivity:
    case C::kRecordPositiveExample:
      return v % 2 == 0 ? FollowUpOfficer() : MedicalOfficer();
    case C::kRecordCarePlanReview:
      return ProviderStaff(
          command.record_care_plan_review().review().provider_id());
    case C::kRegisterCarePlan:
      return v % 2 == 0
                 ? ProviderStaff(command.register_care_plan().provider_id())
                 : FollowUpOfficer();
    case C::kEndCarePlan:
      return v % 2 == 0 ? ProviderStaff(command.end_care_plan().provider_id())
                        : FollowUpOfficer();
    case C::kSetPolicySettings:
      return v % 2 == 0 ? AdministrationDirector() : FollowUpOfficer();
    case C::kNoteUnitResult:
      return System();
    case C::kRecordSelfInspection:
      return v % 2 == 0
                 ? ProviderStaff(command.record_self_inspection().provider_id())
                 : FollowUpOfficer();
    case C::kRecordComplaintCounts:
      return v % 3 == 0   ? MedicalOfficer()
             : v % 3 == 1 ? ProviderStaff(
                                command.record_complaint_counts().provider_id())
                          : FollowUpOfficer();
    case C::kDefineArea:
      return AdministrationDirector();
    case C::kAdoptFollowUpPlan:
    case C::kAmendFollowUpPlan:
      return v % 2 == 0 ? FollowUpOfficer() : AdministrationDirector();
    case C::kAddFollowUpPlanSubject:
    case C::kAddTriggeredFollowUp:
    case C::kRecordPlannedFollowUpFulfilment:
      return System();
    default:
      return FollowUpOfficer();
  }
}

namespace {

// A command of the trigger aggregates (settings, unit results,
// self-inspections, complaint counts) at one of the unit slots.
v1::Command BuildTriggerCommand(CommandCase kind, const Step& step,
                                absl::CivilDay today) {
  const UnitSlot& slot = kUnitSlots[step.target % 3];
  const int v = step.variant;
  switch (kind) {
    case v1::Command::kSetPolicySettings:
      return SetPolicySettings(1 + v % 6, 1 + v % 3, 1 + v % 3, 3 + v % 4);
    case v1::Command::kNoteUnitResult:
      return NoteUnitResult(
          slot.provider_id, slot.unit_id, absl::StrCat("matning-", v % 10),
          today.year() - v % 2, static_cast<v1::QualityArea>(1 + v % 6),
          v % 3 != 2, today - v % 20);
    case v1::Command::kRecordSelfInspection:
      return RecordSelfInspection(slot.provider_id, slot.unit_id,
                                  today.year() - v % 2, v % 2 == 0);
    case v1::Command::kRecordComplaintCounts: {
      const absl::CivilMonth month = absl::CivilMonth(today) - v % 8;
      return RecordComplaintCounts(
          slot.provider_id, slot.unit_id,
          absl::StrFormat("%04d-%02d", month.year(), month.month()),
          static_cast<v1::ComplaintCategory>(1 + v % 5), v % 4);
    }
    default:
      return v1::Command();
  }
}

}  // namespace

Action Simulation::Materialise(const Step& step) {
  today_ += step.days;
  Action action;
  switch (step.kind) {
    case StepKind::kWait:
      action.type = Action::Type::kNothing;
      return action;
    case StepKind::kJump:
    case StepKind::kDeadlines:
      action.type = Action::Type::kDeadlines;
      return action;
    case StepKind::kPolicies:
      action.type = Action::Type::kPolicies;
      return action;
    case StepKind::kNext:
    case StepKind::kCommand:
      break;
  }
  action.type = Action::Type::kCommand;
  CommandCase kind = step.command;
  if (step.kind == StepKind::kNext) {
    switch (step.area) {
      case Area::kCase: {
        const std::string case_id = CaseTarget(step.target);
        const domain::CaseState s = world_.Case(kTenant, case_id);
        kind = NextCaseCommand(s, step);
        if (kind == v1::Command::kTerminateContract) {
          // Step 4 of a private provider: the contract may be terminated,
          // with this case as the documentation.
          const int slot = s.provider_id() == kOtherProvider ? 7 : 0;
          action.command = BuildContractCommand(kind, slot, step);
          v1::TerminateContract* t =
              action.command.mutable_terminate_contract();
          if (std::find(t->case_ids().begin(), t->case_ids().end(), case_id) ==
              t->case_ids().end()) {
            t->add_case_ids(case_id);
          }
        } else {
          action.command = BuildCaseCommand(kind, case_id, s, step);
        }
        break;
      }
      case Area::kContract:
        action.command = BuildContractCommand(
            NextContractCommand(step.target, step), step.target, step);
        break;
      case Area::kMeasurement:
        action.command = BuildMeasurement(step);
        break;
      case Area::kCarePlan:
        action.command =
            step.variant >= 92
                ? BuildCarePlanCommand(v1::Command::kRegisterCarePlan, step)
            : step.variant >= 89
                ? BuildCarePlanCommand(v1::Command::kEndCarePlan, step)
                : BuildCarePlanReview(step);
        break;
      case Area::kProvider: {
        static const CommandCase kKinds[] = {
            v1::Command::kRegisterProvider, v1::Command::kRegisterUnit,
            v1::Command::kRecordFollowUpActivity,
            v1::Command::kRecordPositiveExample};
        action.command =
            BuildProviderCommand(kKinds[(step.target / 3) % 4], step);
        break;
      }
    }
  } else if (IsCaseCommand(kind) || kind == v1::Command::kRegisterCase) {
    const std::string case_id = CaseTarget(step.target);
    action.command =
        BuildCaseCommand(kind, case_id, world_.Case(kTenant, case_id), step);
  } else if (IsContractCommand(kind)) {
    action.command = BuildContractCommand(kind, step.target, step);
  } else if (kind == v1::Command::kRecordMeasurement) {
    action.command = BuildMeasurement(step);
  } else if (kind == v1::Command::kRecordCarePlanReview) {
    action.command = BuildCarePlanReview(step);
  } else if (kind == v1::Command::kRegisterCarePlan ||
             kind == v1::Command::kEndCarePlan) {
    action.command = BuildCarePlanCommand(kind, step);
  } else if (kind == v1::Command::kSetPolicySettings ||
             kind == v1::Command::kNoteUnitResult ||
             kind == v1::Command::kRecordSelfInspection ||
             kind == v1::Command::kRecordComplaintCounts) {
    action.command = BuildTriggerCommand(kind, step, today_);
  } else if (kind == v1::Command::kDefineArea) {
    // The municipal unit's area, for the care director every sequence
    // uses: the register exists without narrowing who acts.
    v1::OrganisationArea* area =
        action.command.mutable_define_area()->mutable_area();
    area->set_area_id("omrade-1");
    area->set_name("Område 1");
    area->add_units()->set_provider_id(kMunicipalProvider);
    area->mutable_units(0)->set_unit_id(kMunicipalUnit);
    area->add_care_director_subjects(CareDirector().subject);
  } else {
    action.command = BuildProviderCommand(kind, step);
  }
  action.spoiled = Perturb(action.command, step.perturbation, step.which);
  action.principal = step.actor == 0 ? ExpectedActor(action.command, step)
                                     : Cast()[(step.actor - 1) % Cast().size()];
  return action;
}

void Simulation::TrackActors(const domain::Principal& principal) {
  static const std::string* const kCasePrefix = new std::string(
      domain::StreamPrefix(kTenant, domain::AggregateKind::kCase));
  for (size_t i = actors_.size(); i < world_.Log().size(); ++i) {
    const std::string& stream = world_.Log()[i].stream_id;
    std::vector<absl::CivilDay>& days = append_days_[stream];
    if (days.empty() && absl::string_view(stream).substr(
                            0, kCasePrefix->size()) == *kCasePrefix) {
      case_ids_.push_back(stream.substr(kCasePrefix->size()));
    }
    days.push_back(today_);
  }
  actors_.resize(world_.Log().size(), principal);
}

absl::StatusOr<std::vector<v1::Event>> Simulation::Execute(
    const Action& action) {
  absl::StatusOr<std::vector<v1::Event>> result =
      world_.Run(action.principal, today_, action.command);
  TrackActors(action.principal);
  absl::StrAppend(&transcript_, domain::FormatDay(today_), " ",
                  PrincipalName(action.principal), " ",
                  Summarise(action.command),
                  action.spoiled.empty() ? "" : " [" + action.spoiled + "]",
                  " -> ", Summarise(result), "\n");
  return result;
}

std::vector<v1::Event> Simulation::RunDeadlines() {
  std::vector<v1::Event> due = world_.RunDeadlines(kTenant, today_);
  TrackActors(System());
  std::vector<v1::Event> other = world_.RunDeadlines(kOtherTenant, today_);
  TrackActors(System(kOtherTenant));
  due.insert(due.end(), other.begin(), other.end());
  absl::StrAppend(&transcript_, domain::FormatDay(today_), " deadlines -> ",
                  Summarise(due), "\n");
  return due;
}

bool Simulation::RunUnlessCommand(const Action& action) {
  switch (action.type) {
    case Action::Type::kNothing:
      return true;
    case Action::Type::kDeadlines:
      RunDeadlines();
      return true;
    case Action::Type::kPolicies:
      RunPolicies();
      return true;
    case Action::Type::kCommand:
      return false;
  }
  return false;
}

std::vector<v1::Event> Simulation::RunPolicies() {
  // As the process manager does it: each event's policy commands run as
  // SYSTEM of the event's own tenant; refusals are skipped. (World's own
  // RunPolicies runs every event's commands in the one tenant it is given,
  // which would act on kTenant for events of the other municipality.)
  std::vector<v1::Event> produced;
  while (policies_seen_ < world_.Log().size()) {
    const WorldEvent seen = world_.Log()[policies_seen_++];
    const std::string tenant = TenantOfStream(seen.stream_id);
    for (const domain::PolicyCommand& pc : domain::PolicyCommandsFor(
             seen.stream_id, seen.stream_version, seen.event)) {
      absl::StatusOr<std::vector<v1::Event>> events =
          world_.Run(System(tenant), today_, pc.command);
      TrackActors(System(tenant));
      if (events.ok()) {
        produced.insert(produced.end(), events->begin(), events->end());
      }
    }
  }
  absl::StrAppend(&transcript_, domain::FormatDay(today_), " policies -> ",
                  Summarise(produced), "\n");
  return produced;
}

void Simulation::Note(absl::string_view line) {
  absl::StrAppend(&transcript_, "    ", line, "\n");
}

const domain::Principal& Simulation::ActorOf(size_t log_index) const {
  return actors_[log_index];
}

const std::vector<absl::CivilDay>& Simulation::AppendDays(
    const std::string& stream_id) const {
  static const std::vector<absl::CivilDay>* none =
      new std::vector<absl::CivilDay>();
  auto it = append_days_.find(stream_id);
  return it == append_days_.end() ? *none : it->second;
}

std::string OneLine(const google::protobuf::Message& message) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  printer.SetUseUtf8StringEscaping(true);
  std::string out;
  printer.PrintToString(message, &out);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// ---- Describing
// ---------------------------------------------------------------

std::string PrincipalName(const domain::Principal& p) {
  std::string name(domain::RoleName(p.role));
  if (!p.provider_id.empty()) absl::StrAppend(&name, "@", p.provider_id);
  if (p.tenant != kTenant) absl::StrAppend(&name, "/", p.tenant);
  return name;
}

std::string Summarise(const v1::Command& command) {
  if (command.command_case() == v1::Command::COMMAND_NOT_SET) return "(none)";
  const Message& inner = Inner(command);
  std::vector<std::string> parts;
  const Reflection* r = inner.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(inner, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated()) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        std::vector<std::string> values;
        for (int i = 0; i < r->FieldSize(inner, f); ++i) {
          values.push_back(r->GetRepeatedString(inner, f, i));
        }
        parts.push_back(
            absl::StrCat(f->name(), "=[", absl::StrJoin(values, ","), "]"));
      }
      continue;
    }
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: {
        const std::string value = r->GetString(inner, f);
        if (value.size() <= 40) parts.push_back(f->name() + "=" + value);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM:
        parts.push_back(f->name() + "=" + r->GetEnum(inner, f)->name());
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        parts.push_back(absl::StrCat(f->name(), "=", r->GetInt32(inner, f)));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        parts.push_back(absl::StrCat(f->name(), "=", r->GetInt64(inner, f)));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        parts.push_back(absl::StrCat(f->name(), "=", r->GetBool(inner, f)));
        break;
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (f->message_type() == v1::Date::descriptor()) {
          const auto& d = static_cast<const v1::Date&>(r->GetMessage(inner, f));
          parts.push_back(absl::StrCat(f->name(), "=", d.year(), "-", d.month(),
                                       "-", d.day()));
        }
        break;
      default:
        break;
    }
  }
  switch (command.command_case()) {
    case v1::Command::kRequestPlan: {
      const v1::PlanRequest& q = command.request_plan().request();
      parts.push_back(absl::StrCat(
          "submit_by=", domain::FormatDay(domain::DayOf(q.submit_by())),
          " complete_by=", domain::FormatDay(domain::DayOf(q.complete_by()))));
      break;
    }
    case v1::Command::kSubmitPlan: {
      const v1::ActionPlan& p = command.submit_plan().plan();
      parts.push_back(absl::StrCat(
          p.actions_size(), " actions, ", p.milestones_size(), " milestones",
          p.requests_extra_compensation() ? ", extra compensation" : ""));
      break;
    }
    case v1::Command::kAssessPlan:
      parts.push_back(v1::AssessmentDecision_Name(
          command.assess_plan().assessment().decision()));
      break;
    case v1::Command::kRecordMeasurement: {
      const v1::Measurement& m = command.record_measurement().measurement();
      parts.push_back(absl::StrCat(
          m.unit_id(), "/", m.indicator_id(), " ", m.period_end().year(), " ",
          domain::ResultOf(m) == v1::MEASUREMENT_RESULT_RED ? "red" : "green",
          m.base_requirement() ? " base" : ""));
      break;
    }
    default:
      break;
  }
  return absl::StrCat(domain::CommandName(command.command_case()), "(",
                      absl::StrJoin(parts, " "), ")");
}

std::string Summarise(const std::vector<v1::Event>& events) {
  if (events.empty()) return "nothing";
  std::vector<std::string> names;
  for (const v1::Event& e : events) names.push_back(domain::EventType(e));
  return absl::StrJoin(names, ", ");
}

std::string Summarise(const absl::StatusOr<std::vector<v1::Event>>& result) {
  if (result.ok()) return Summarise(*result);
  std::string message(result.status().message());
  if (message.size() > 110) message = message.substr(0, 110) + "…";
  return absl::StrCat(absl::StatusCodeToString(result.status().code()), " ",
                      message);
}

namespace {

std::string DayText(absl::CivilDay day) { return domain::FormatDay(day); }

template <class T>
std::string Optional(const std::optional<T>& value) {
  if (!value.has_value()) return "-";
  if constexpr (std::is_same_v<T, absl::CivilDay>) {
    return DayText(*value);
  } else {
    return OneLine(*value);
  }
}

std::string DescribeCase(const domain::CaseState& s) {
  std::string out = absl::StrCat(
      "status=", domain::StatusName(s.status), "\ncase_id=", s.case_id,
      "\nregistration=", OneLine(s.registration),
      "\nregiform=", v1::Regiform_Name(s.regiform),
      "\nstep=", v1::EscalationStep_Name(s.step),
      "\nsystem_level=", s.system_level,
      "\nfailure=", v1::StepFailure_Name(s.failure), "\nfailures=", s.failures,
      "\nescalation_proposed=", s.escalation_proposed,
      "\nplan_limit=", Optional(s.plan_limit), "\nround=", s.round,
      "\nrequest=", OneLine(s.request), "\nsubmit_due=", DayText(s.submit_due),
      "\nrevision=", s.revision, "\nplan=", OneLine(s.plan),
      "\nassessment=", Optional(s.assessment), "\n");
  for (const auto& [n, a] : s.actions) {
    absl::StrAppend(
        &out, "action ", n, ": light=", v1::TrafficLight_Name(a.light),
        " note=", a.note, " completed=", a.completed,
        " withdrawn=", a.withdrawn, " planned=", OneLine(a.planned), "\n");
  }
  for (const auto& [n, m] : s.milestones) {
    absl::StrAppend(&out, "milestone ", n, ": ", OneLine(m), "\n");
  }
  absl::StrAppend(
      &out, "implementation=", Optional(s.implementation),
      "\nfollow_up_scheduled=", Optional(s.follow_up_scheduled),
      "\nfollow_up=", Optional(s.follow_up), "\nsubmission_overdue_emitted=",
      s.submission_overdue_emitted.has_value()
          ? absl::StrCat(s.submission_overdue_emitted->first, "@",
                         DayText(s.submission_overdue_emitted->second))
          : "-",
      "\nimplementation_overdue_emitted=",
      Optional(s.implementation_overdue_emitted),
      "\nfollow_up_overdue_emitted=", Optional(s.follow_up_overdue_emitted),
      "\nlast_escalation=", Optional(s.last_escalation),
      "\nconsequence=", Optional(s.consequence),
      "\nclosed=", Optional(s.closed), "\nown_plan=", Optional(s.own_plan),
      "\n");
  return out;
}

std::string DescribeContract(const domain::ContractState& s) {
  std::string status;
  switch (s.status) {
    case domain::ContractState::Status::kNone:
      status = "None";
      break;
    case domain::ContractState::Status::kActive:
      status = "Active";
      break;
    case domain::ContractState::Status::kTerminated:
      status = "Terminated";
      break;
    case domain::ContractState::Status::kExpired:
      status = "Expired";
      break;
  }
  std::string out = absl::StrCat(
      "status=", status, "\ncontract_id=", s.contract_id,
      "\nterms=", OneLine(s.terms), "\nends_on=", DayText(s.ends_on), "\n");
  for (const v1::ContractExtended& e : s.extensions) {
    absl::StrAppend(&out, "extension: ", OneLine(e), "\n");
  }
  for (const auto& [id, sanction] : s.sanctions) {
    absl::StrAppend(&out, "sanction ", id, ": ", OneLine(sanction), "\n");
  }
  for (const auto& [id, decisions] : s.case_decisions) {
    absl::StrAppend(&out, "case ", id, ": sanctions ",
                    absl::StrJoin(decisions.sanction_ids, ","),
                    " no_sanction=", Optional(decisions.no_sanction), "\n");
  }
  absl::StrAppend(&out, "not_extended=", Optional(s.not_extended),
                  "\ntermination=", Optional(s.termination),
                  "\nexpiry=", Optional(s.expiry), "\n");
  return out;
}

std::string DescribeProvider(const domain::ProviderState& s) {
  std::string out = absl::StrCat(
      "exists=", s.exists, "\nregistration=", OneLine(s.registration),
      "\nlast_in_depth_follow_up=", Optional(s.last_in_depth_follow_up), "\n");
  for (const auto& [id, u] : s.units) {
    absl::StrAppend(&out, "unit ", id, ": ", OneLine(u), "\n");
  }
  for (const auto& [id, a] : s.activities) {
    absl::StrAppend(&out, "activity ", id, ": ", OneLine(a), "\n");
  }
  for (const auto& [id, e] : s.examples) {
    absl::StrAppend(&out, "example ", id, ": ", OneLine(e), "\n");
  }
  return out;
}

std::string DescribeSeries(const domain::IndicatorSeriesState& s) {
  std::string out;
  for (const auto& [id, m] : s.measurements) {
    absl::StrAppend(&out, "measurement ", id, ": ", OneLine(m), "\n");
  }
  if (s.obligation.has_value()) {
    absl::StrAppend(&out, "obligation: red=", s.obligation->red_measurement_id,
                    " measured_on=", DayText(s.obligation->red_measured_on),
                    " due_on=", DayText(s.obligation->due_on),
                    " overdue_emitted=", s.obligation->overdue_emitted, "\n");
  } else {
    absl::StrAppend(&out, "obligation: -\n");
  }
  for (const auto& [a, b] : s.red_years_reported) {
    absl::StrAppend(&out, "red years reported: ", a, "-", b, "\n");
  }
  return out;
}

std::string DescribeOrganisation(const domain::OrganisationState& s) {
  std::string out;
  for (const auto& [id, area] : s.areas) {
    absl::StrAppend(&out, "area ", id, ": ", OneLine(area), "\n");
  }
  return out;
}

std::string DescribeCarePlan(const domain::CarePlanState& s) {
  std::string out;
  for (const auto& [id, r] : s.reviews) {
    absl::StrAppend(&out, "review ", id, ": ", OneLine(r), "\n");
  }
  absl::StrAppend(&out, "last_reviewed_on=", Optional(s.last_reviewed_on),
                  "\nnext_due=", Optional(s.next_due),
                  "\noverdue_emitted=", Optional(s.overdue_emitted), "\n");
  absl::StrAppend(&out, "unit_id=", s.unit_id,
                  "\nclient_reference=", s.client_reference,
                  "\nregistration=", Optional(s.registration),
                  "\nending=", Optional(s.ending), "\n");
  if (s.open_action.has_value()) {
    absl::StrAppend(&out, "open_action=", s.open_action->review_id, "@",
                    DayText(s.open_action->due_on), "\n");
  }
  absl::StrAppend(&out,
                  "action_overdue_emitted=", Optional(s.action_overdue_emitted),
                  "\n");
  return out;
}

std::string DescribeFollowUpPlan(const domain::FollowUpPlanState& s) {
  std::string out = absl::StrCat("year=", s.year, " adopted=", s.adopted,
                                 " amendments=", s.amendments.size(), "\n");
  for (const auto& [id, item] : s.items) {
    absl::StrAppend(&out, "item ", id, ": due ", OneLine(item.planned.due_on()),
                    " fulfilments ", item.fulfilments.size(),
                    " overdue_emitted ", item.overdue_emitted, "\n");
  }
  absl::StrAppend(&out, "unplanned: ", s.unplanned.size(), "\n");
  return out;
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::string Describe(const domain::AggregateState& state) {
  return std::visit(
      Overloaded{
          [](const domain::ProviderState& s) { return DescribeProvider(s); },
          [](const domain::ContractState& s) { return DescribeContract(s); },
          [](const domain::CaseState& s) { return DescribeCase(s); },
          [](const domain::IndicatorSeriesState& s) {
            return DescribeSeries(s);
          },
          [](const domain::CarePlanState& s) { return DescribeCarePlan(s); },
          [](const domain::PolicySettingsState& s) {
            return s.last.has_value() ? OneLine(*s.last) + "\n"
                                      : std::string("defaults\n");
          },
          [](const domain::UnitResultsState& s) {
            std::string out;
            for (const auto& [year, results] : s.years) {
              for (const auto& [indicator, r] : results) {
                absl::StrAppend(&out, year, " ", indicator, ": ", OneLine(r),
                                "\n");
              }
            }
            for (int year : s.detected) {
              absl::StrAppend(&out, "detected: ", year, "\n");
            }
            return out;
          },
          [](const domain::SelfInspectionState& s) {
            return s.recorded.has_value() ? OneLine(*s.recorded) + "\n"
                                          : std::string();
          },
          [](const domain::ComplaintsState& s) {
            std::string out;
            for (const auto& [month, counts] : s.months) {
              absl::StrAppend(&out, month, ":");
              for (const auto& [category, n] : counts) {
                absl::StrAppend(&out, " ", category, "=", n);
              }
              absl::StrAppend(&out, "\n");
            }
            for (const auto& [category, id] : s.last_case) {
              absl::StrAppend(&out, "last case ", category, ": ", id, "\n");
            }
            return out;
          },
          [](const domain::OrganisationState& s) {
            return DescribeOrganisation(s);
          },
          [](const domain::FollowUpPlanState& s) {
            return DescribeFollowUpPlan(s);
          },
      },
      state);
}

domain::StreamName NameOfStream(absl::string_view stream_id) {
  absl::StatusOr<domain::StreamName> name = domain::ParseStreamId(stream_id);
  EXPECT_TRUE(name.ok()) << name.status();
  return name.ok() ? *std::move(name) : domain::StreamName{};
}

domain::AggregateKind KindOfStream(absl::string_view stream_id) {
  const domain::StreamName name = NameOfStream(stream_id);
  EXPECT_TRUE(name.kind.has_value()) << stream_id << " holds no aggregate";
  return name.kind.value_or(domain::AggregateKind::kCase);
}

std::string IdOfStream(absl::string_view stream_id) {
  return NameOfStream(stream_id).id;
}

std::string TenantOfStream(absl::string_view stream_id) {
  return NameOfStream(stream_id).tenant;
}

std::vector<std::string> StreamIds(const World& world) {
  std::vector<std::string> ids;
  std::set<std::string> seen;
  for (const WorldEvent& e : world.Log()) {
    if (seen.insert(e.stream_id).second) ids.push_back(e.stream_id);
  }
  return ids;
}

domain::AggregateState Fold(absl::string_view stream_id,
                            const std::vector<v1::Event>& events) {
  domain::AggregateState state = domain::InitialState(KindOfStream(stream_id));
  for (const v1::Event& e : events) domain::Evolve(state, e);
  return state;
}

absl::StatusOr<std::vector<v1::Event>> ThroughTheHandler(
    const domain::Principal& principal,
    absl::StatusOr<std::vector<v1::Event>> decided) {
  if (absl::Status role = app::RequireCommandRole(principal); !role.ok()) {
    return role;
  }
  return decided;
}

bool SameDecision(const absl::StatusOr<std::vector<v1::Event>>& a,
                  const absl::StatusOr<std::vector<v1::Event>>& b,
                  std::string* difference) {
  auto describe = [](const absl::StatusOr<std::vector<v1::Event>>& r) {
    if (!r.ok()) {
      return absl::StrCat(r.status().ToString(), " (field \"",
                          domain::FieldOf(r.status()), "\")");
    }
    std::string out;
    for (const v1::Event& e : *r) {
      absl::StrAppend(&out, "  ", domain::EventType(e), " ", OneLine(e), "\n");
    }
    return out.empty() ? std::string("  (no events)\n") : out;
  };
  bool same = a.ok() == b.ok();
  if (same && a.ok()) {
    same = a->size() == b->size();
    for (size_t i = 0; same && i < a->size(); ++i) {
      same =
          google::protobuf::util::MessageDifferencer::Equals((*a)[i], (*b)[i]);
    }
  } else if (same) {
    // The decision is the code, the message and the field; what the
    // command handler adds about where it was refused (the stream, as the
    // refusal's subject) is not part of it.
    same = a.status().code() == b.status().code() &&
           a.status().message() == b.status().message() &&
           domain::FieldOf(a.status()) == domain::FieldOf(b.status());
  }
  if (!same && difference != nullptr) {
    *difference =
        absl::StrCat("first:\n", describe(a), "\nsecond:\n", describe(b));
  }
  return same;
}

std::string FurthestReached(const Simulation& simulation,
                            v1::Regiform regiform) {
  // Steps in staircase order, then whether the case closed there.
  auto rank = [](v1::EscalationStep step) {
    switch (step) {
      case v1::ESCALATION_STEP_1:
        return 1;
      case v1::ESCALATION_STEP_1B:
      case v1::ESCALATION_STEP_2:
        return 2;
      case v1::ESCALATION_STEP_3:
        return 3;
      case v1::ESCALATION_STEP_4:
        return 4;
      default:
        return 0;
    }
  };
  int best = -1;
  std::string label = "-";
  for (const std::string& id : simulation.CaseIds()) {
    const domain::CaseState s = simulation.world().Case(kTenant, id);
    if (s.regiform != regiform) continue;
    const int score = rank(s.step) * 2 + (s.status == S::kClosed ? 1 : 0);
    if (score <= best) continue;
    best = score;
    std::string step;
    switch (s.step) {
      case v1::ESCALATION_STEP_1B:
        step = "1b";
        break;
      default:
        step = absl::StrCat(rank(s.step));
        break;
    }
    label =
        absl::StrCat("step ", step, s.status == S::kClosed ? " closed" : "");
  }
  return label;
}

namespace {

// The parts of the staircase StaircaseCoverage counts, in staircase order.
constexpr const char* kStaircaseParts[] = {
    "private 1 -> 1b",  "private 1b -> 4",     "municipal 1 -> 2",
    "municipal 2 -> 3", "municipal 3 -> 4",    "consequence decided",
    "sanction imposed", "contract terminated", "closed on termination",
};

}  // namespace

void StaircaseCoverage::Record(const Simulation& simulation) {
  ++runs_;
  std::set<std::string> parts;
  for (const WorldEvent& e : simulation.world().Log()) {
    const v1::Event& event = e.event;
    if (event.has_case_escalated()) {
      const v1::CaseEscalated& c = event.case_escalated();
      const bool is_private =
          simulation.world().Case(kTenant, c.case_id()).regiform ==
          v1::REGIFORM_PRIVATE;
      switch (c.to_step()) {
        case v1::ESCALATION_STEP_1B:
          parts.insert("private 1 -> 1b");
          break;
        case v1::ESCALATION_STEP_2:
          parts.insert("municipal 1 -> 2");
          break;
        case v1::ESCALATION_STEP_3:
          parts.insert("municipal 2 -> 3");
          break;
        case v1::ESCALATION_STEP_4:
          parts.insert(is_private ? "private 1b -> 4" : "municipal 3 -> 4");
          break;
        default:
          break;
      }
    } else if (event.has_consequence_decided()) {
      parts.insert("consequence decided");
    } else if (event.has_sanction_imposed()) {
      parts.insert("sanction imposed");
    } else if (event.has_contract_terminated()) {
      parts.insert("contract terminated");
    } else if (event.has_case_closed() &&
               event.case_closed().closure() ==
                   v1::CASE_CLOSURE_CONTRACT_TERMINATED) {
      parts.insert("closed on termination");
    }
  }
  for (const std::string& part : parts) ++reached_[part];
}

std::string StaircaseCoverage::Missing() const {
  std::vector<std::string> missing;
  for (const char* part : kStaircaseParts) {
    if (!reached_.contains(part)) missing.push_back(part);
  }
  return absl::StrJoin(missing, ", ");
}

std::string StaircaseCoverage::Summary() const {
  std::string out;
  for (const char* part : kStaircaseParts) {
    const auto it = reached_.find(part);
    absl::StrAppend(&out, part, ": ", it == reached_.end() ? 0 : it->second,
                    " of ", runs_, " runs\n");
  }
  return out;
}

}  // namespace atgard::testing
