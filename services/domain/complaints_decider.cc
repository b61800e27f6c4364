#include "services/domain/complaints_decider.h"

#include <optional>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "eventstore/base/status_macros.h"
#include "services/domain/case_decider.h"
#include "services/domain/checks.h"
#include "services/domain/dates.h"
#include "services/domain/errors.h"
#include "services/domain/policies.h"
#include "services/domain/policy_settings.h"
#include "services/domain/provider_decider.h"

namespace atgard::domain {
namespace {

// "YYYY-MM" exactly, or nullopt.
std::optional<absl::CivilMonth> ParseMonth(absl::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return std::nullopt;
    }
  }
  int year = 0;
  int month = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || year < 1900 ||
      month < 1 || month > 12) {
    return std::nullopt;
  }
  return absl::CivilMonth(year, month);
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

std::map<int, int> CountsOf(const v1::RecordComplaintCounts& c) {
  std::map<int, int> counts;
  for (const v1::ComplaintCount& count : c.counts()) {
    if (count.count() > 0) counts[count.category()] = count.count();
  }
  return counts;
}

}  // namespace

std::string ComplaintsId(absl::string_view provider_id,
                         absl::string_view unit_id) {
  return absl::StrCat(provider_id, "/", unit_id);
}

std::vector<std::string> ComplaintCasesToCheck(const v1::Command& command,
                                               const ComplaintsState& state) {
  std::vector<std::string> ids;
  if (command.command_case() != v1::Command::kRecordComplaintCounts) return ids;
  for (const auto& [category, count] :
       CountsOf(command.record_complaint_counts())) {
    if (auto it = state.last_case.find(category); it != state.last_case.end())
      ids.push_back(it->second);
  }
  return ids;
}

void EvolveComplaints(ComplaintsState& state, const v1::Event& event) {
  switch (event.event_case()) {
    case v1::Event::kComplaintCountsRecorded: {
      const v1::ComplaintCountsRecorded& e = event.complaint_counts_recorded();
      std::map<int, int>& month = state.months[e.month()];
      month.clear();
      for (const v1::ComplaintCount& count : e.counts()) {
        if (count.count() > 0) month[count.category()] = count.count();
      }
      ++state.recordings;
      break;
    }
    case v1::Event::kRecurringComplaintsDetected: {
      const v1::RecurringComplaintsDetected& e =
          event.recurring_complaints_detected();
      state.last_case[e.category()] = e.case_id();
      ++state.detections[e.category()];
      break;
    }
    default:
      break;
  }
}

absl::StatusOr<std::vector<v1::Event>> DecideComplaints(
    const v1::Command& command, const ComplaintsState& state,
    const CommandContext& ctx, const ComplaintsReferences& refs) {
  if (command.command_case() != v1::Command::kRecordComplaintCounts) {
    return absl::InvalidArgumentError("command is not a complaints command");
  }
  const v1::RecordComplaintCounts& c = command.record_complaint_counts();
  RETURN_IF_ERROR(RequireRole(
      ctx.principal,
      {v1::ROLE_FOLLOW_UP_OFFICER, v1::ROLE_MEDICAL_OFFICER, v1::ROLE_PROVIDER},
      "record complaint counts"));
  RETURN_IF_ERROR(RequireOwnProvider(ctx.principal, c.provider_id()));
  RETURN_IF_ERROR(CheckUnitOfProvider("unit_id", refs.provider, "provider_id",
                                      c.provider_id(), c.unit_id()));
  const std::optional<absl::CivilMonth> month = ParseMonth(c.month());
  if (!month.has_value()) {
    return InvalidArgument("month", "must be a month written YYYY-MM");
  }
  if (*month > absl::CivilMonth(ctx.today)) {
    return InvalidArgument("month", "must not be after the current month");
  }
  std::set<int> categories;
  for (int i = 0; i < c.counts_size(); ++i) {
    const FieldPath count = FieldPath("counts").Index(i);
    RETURN_IF_ERROR(CheckEnum(count.Child("category"), c.counts(i).category(),
                              v1::ComplaintCategory_IsValid));
    if (!categories.insert(c.counts(i).category()).second) {
      return InvalidArgument(count.Child("category"),
                             "is counted twice for the month");
    }
    if (c.counts(i).count() < 0) {
      return InvalidArgument(count.Child("count"), "must not be negative");
    }
  }
  const std::map<int, int> counts = CountsOf(c);
  const auto current = state.months.find(c.month());
  if (current != state.months.end() && current->second == counts) {
    return std::vector<v1::Event>{};
  }

  std::vector<v1::Event> events;
  v1::Event recorded_event;
  v1::ComplaintCountsRecorded* recorded =
      recorded_event.mutable_complaint_counts_recorded();
  recorded->set_provider_id(c.provider_id());
  recorded->set_unit_id(c.unit_id());
  recorded->set_month(c.month());
  *recorded->mutable_counts() = c.counts();
  *recorded->mutable_recorded_on() = ToDate(ctx.today);
  events.push_back(recorded_event);

  const v1::PolicySettings settings = EffectiveSettings(refs.settings);
  const int window = settings.complaint_window_months();
  const int threshold = settings.complaint_months_threshold();
  for (const auto& [category, count] : counts) {
    std::vector<std::string> months;
    for (absl::CivilMonth m = *month - (window - 1); m <= *month; ++m) {
      const std::string key = FormatMonth(m);
      const std::map<int, int>* in_force =
          key == c.month() ? &counts : FindOrNull(state.months, key);
      if (in_force != nullptr && in_force->contains(category)) {
        months.push_back(key);
      }
    }
    if (static_cast<int>(months.size()) < threshold) continue;
    // One case at a time per unit and category: while the last one is
    // open (or not yet registered), the recurrence is already handled.
    if (const std::string* last = FindOrNull(state.last_case, category)) {
      const auto it = refs.cases.find(*last);
      if (it == refs.cases.end() || it->second == nullptr ||
          it->second->status != CaseStatus::kClosed) {
        continue;
      }
    }
    const int nth = [&] {
      const int* n = FindOrNull(state.detections, category);
      return (n == nullptr ? 0 : *n) + 1;
    }();
    v1::Event event;
    v1::RecurringComplaintsDetected* e =
        event.mutable_recurring_complaints_detected();
    e->set_provider_id(c.provider_id());
    e->set_unit_id(c.unit_id());
    e->set_category(static_cast<v1::ComplaintCategory>(category));
    for (std::string& m : months) e->add_months(std::move(m));
    e->set_months_threshold(threshold);
    e->set_window_months(window);
    // Known before the case exists, so that the next recording can ask
    // whether it is open; unique per tenant, unit, category and detection.
    e->set_case_id(DerivedId(
        absl::StrCat(ctx.principal.tenant, "/complaints/",
                     ComplaintsId(c.provider_id(), c.unit_id()), "#",
                     v1::ComplaintCategory_Name(e->category()), "#", nth)));
    *e->mutable_detected_on() = ToDate(ctx.today);
    events.push_back(event);
  }
  return events;
}

}  // namespace atgard::domain
