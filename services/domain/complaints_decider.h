// One unit's monthly counts of complaints and deviations (synpunkter,
// avvikelser, Lex Sarah, Lex Maria): "<tenant>/complaints/<provider>/
// <unit>". Counts only, by category and month; never a person, never
// what happened. A month recorded again is corrected (the latest counts
// stand; every recording stays in the stream).
//
// Recurrence: when a recording counts a category, and that category has a
// count above zero in at least the tenant's threshold of months (default
// 3) among the window's months (default 6) up to and including the month
// recorded, RecurringComplaintsDetected names the case a policy then
// opens — unless the case opened for the unit's previous detection of the
// category is still open. Whether it is comes from that case's own state,
// loaded as a reference (ReferencesOf with the aggregate's state): a case
// not registered yet counts as open, since the policy is about to open
// it.
//
// Pure: no storage, no clock, no logging.
#ifndef ATGARD_SERVICES_DOMAIN_COMPLAINTS_DECIDER_H_
#define ATGARD_SERVICES_DOMAIN_COMPLAINTS_DECIDER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/events.pb.h"
#include "services/domain/principal.h"

namespace atgard::domain {

struct CaseState;
struct PolicySettingsState;
struct ProviderState;

struct ComplaintsState {
  // The counts in force, by month ("YYYY-MM", so in month order), then
  // category; categories counted 0 are left out.
  std::map<std::string, std::map<int, int>> months;
  // By category: the case opened for its latest detection, and how many
  // detections there were.
  std::map<int, std::string> last_case;
  std::map<int, int> detections;
  int recordings = 0;

  bool exists() const { return recordings > 0; }
};

// What the complaints decider needs to know about other aggregates.
struct ComplaintsReferences {
  // The unit's provider.
  const ProviderState* provider = nullptr;
  // Null: never set.
  const PolicySettingsState* settings = nullptr;
  // The cases of state.last_case, by id, as far as they exist.
  std::map<std::string, const CaseState*> cases;
};

// The aggregate's id: "<provider>/<unit>".
std::string ComplaintsId(absl::string_view provider_id,
                         absl::string_view unit_id);

// The cases whose status the decider needs for `command`: the last case of
// each category the command counts.
std::vector<std::string> ComplaintCasesToCheck(const v1::Command& command,
                                               const ComplaintsState& state);

void EvolveComplaints(ComplaintsState& state, const v1::Event& event);

// Decides RecordComplaintCounts. PERMISSION_DENIED unless
// FOLLOW_UP_OFFICER, MEDICAL_OFFICER, or PROVIDER of the unit's own
// provider; NOT_FOUND naming provider_id or unit_id unless the provider
// has the unit; INVALID_ARGUMENT naming month (not "YYYY-MM", or after the
// current month), counts[i].category (unset, unknown or twice) or
// counts[i].count (negative). The same counts as in force for the month:
// no events.
[[nodiscard]] absl::StatusOr<std::vector<v1::Event>> DecideComplaints(
    const v1::Command& command, const ComplaintsState& state,
    const CommandContext& context, const ComplaintsReferences& references);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_COMPLAINTS_DECIDER_H_
