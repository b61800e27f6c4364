// The state machine of a deficiency case, as data: its statuses, the
// escalation staircase per regiform, and the transitions with who may
// trigger them. The case decider enforces exactly this table, and
// CASE_WORKFLOW.md (for auditors) is generated from it, so the two cannot
// drift apart.
#ifndef ATGARD_SERVICES_DOMAIN_CASE_WORKFLOW_H_
#define ATGARD_SERVICES_DOMAIN_CASE_WORKFLOW_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "atgard/v1/types.pb.h"

namespace atgard::domain {

// Where a case stands.
enum class CaseStatus {
  kNone,                 // not registered
  kOpen,                 // registered; no plan round under way at its step
  kPlanRequested,        // waiting for the provider's plan
  kPlanSubmitted,        // waiting for the assessment
  kRevisionRequested,    // waiting for a revised plan
  kImplementing,         // plan approved; actions under way
  kImplemented,          // implementation reported; waiting for follow-up
  kAwaitingConsequence,  // step 4 reached
  kClosed,               // final
};

absl::string_view StatusName(CaseStatus status);

// "1", "1b", "2", "3", "4" ("—" for none).
std::string StepName(v1::EscalationStep step);

// One step of a regiform's staircase (trappsteg).
struct StepRule {
  v1::Regiform regiform;
  v1::EscalationStep step;
  // Who requests the step's plan, and who assesses (decides) it.
  std::vector<v1::Role> requesters;
  std::vector<v1::Role> assessors;
  // The step's normal time: the plan's `complete_by` lies within this many
  // calendar months of the request, or beyond with a written
  // justification; 0 when the limit is set in the escalation decision
  // (1b); -1 when the step has no plan (4).
  int plan_limit_months;
  // Plans at this step should have milestones and extra measurements
  // (without them only with a written reason).
  bool milestones_required;
  // Step 3: the plan may ask the administration for extra resources.
  bool extra_resources_allowed;
  // Step 2: an analysis team may be appointed with the request.
  bool analysis_team_allowed;
  // The next step, or UNSPECIFIED at step 4.
  v1::EscalationStep next;
  // Who decides the escalation to `next`.
  std::vector<v1::Role> escalators;
  // What happens at the step, in a sentence (for the generated document).
  absl::string_view description;
};

// The step's rule, or nullptr if the regiform has no such step (e.g. step
// 2 for a private provider).
const StepRule* FindStep(v1::Regiform regiform, v1::EscalationStep step);

// The staircase of a regiform, in order.
std::vector<const StepRule*> Staircase(v1::Regiform regiform);

// Who may trigger a transition; resolved against the case's regiform and
// step by AllowedRoles().
enum class Actor {
  kRegistrar,      // FOLLOW_UP_OFFICER, MEDICAL_OFFICER; SYSTEM (policies)
  kCommissioner,   // FOLLOW_UP_OFFICER, CARE_DIRECTOR, ADMINISTRATION_DIRECTOR
  kStepRequester,  // the step's requesters
  kStepAssessor,   // the step's assessors
  kProvider,       // PROVIDER of the case's own provider
  kFollowUp,       // FOLLOW_UP_OFFICER, MEDICAL_OFFICER, the step's assessors
  kProposer,       // CARE_DIRECTOR, FOLLOW_UP_OFFICER
  kEscalator,      // the step's escalators
  kConsequenceDecider,  // CARE_DIRECTOR or ADMINISTRATION_DIRECTOR (municipal);
                        // ADMINISTRATION_DIRECTOR (private)
  kCloser,              // kCommissioner; SYSTEM for CONTRACT_TERMINATED
  kScheduler,           // SYSTEM: deadline events
  kPlanAuthor,          // PlanAuthors(): who writes (submits) the plan
  kImplementer,         // Implementers(): who reports on carrying it out
};

// The roles an actor stands for at `regiform` and `step`.
std::vector<v1::Role> AllowedRoles(Actor actor, v1::Regiform regiform,
                                   v1::EscalationStep step);

// Who writes a step's plan and submits it: PROVIDER (for its own units);
// at a private provider's step 1b also FOLLOW_UP_OFFICER, the two drawing
// the plan up together; at a municipal step 3 also CARE_DIRECTOR, who
// prepares it (case_decider_authors.cc).
std::vector<v1::Role> PlanAuthors(v1::Regiform regiform,
                                  v1::EscalationStep step);

// Who reports progress, completes actions and reports the implementation:
// PROVIDER; at a municipal step 3 also CARE_DIRECTOR, who answers for
// carrying the plan out together with the unit manager
// (case_decider_authors.cc).
std::vector<v1::Role> Implementers(v1::Regiform regiform,
                                   v1::EscalationStep step);

// How the actor is described in the generated document.
absl::string_view ActorDescription(Actor actor);

// A transition of the case's state machine.
struct CaseTransition {
  // The command (or, for deadlines, the event) that triggers it.
  v1::Command::CommandCase command = v1::Command::COMMAND_NOT_SET;
  v1::Event::EventCase deadline = v1::Event::EVENT_NOT_SET;
  std::vector<CaseStatus> from;
  // The statuses it can lead to (several when the outcome decides)...
  std::vector<CaseStatus> to;
  // ... or true if the case keeps its status (the event records a fact).
  bool keeps_status = false;
  Actor actor;
  // Further conditions and effects, in a sentence.
  absl::string_view rule;
};

// Every transition.
const std::vector<CaseTransition>& CaseTransitions();

// The transition `command` takes from `status`, or nullptr if the command
// is not allowed in that status.
const CaseTransition* FindTransition(v1::Command::CommandCase command,
                                     CaseStatus status);
const CaseTransition* FindDeadlineTransition(v1::Event::EventCase deadline,
                                             CaseStatus status);

// Statuses from which `command` is allowed at all (for error messages).
std::vector<CaseStatus> StatusesAllowing(v1::Command::CommandCase command);

// The name of a command or event case, e.g. "RequestPlan".
std::string CommandName(v1::Command::CommandCase command);
std::string EventName(v1::Event::EventCase event);

// The auditor-readable description of the whole state machine (Markdown
// with a Mermaid diagram): statuses, transitions, who may trigger each,
// and the staircase with its time limits. CASE_WORKFLOW.md is this text.
std::string RenderCaseWorkflowDocument();

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_CASE_WORKFLOW_H_
