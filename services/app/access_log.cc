#include "services/app/access_log.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "atgard/v1/events.pb.h"
#include "services/app/append.h"
#include "services/common/log.h"
#include "services/domain/calendar.h"
#include "services/domain/streams.h"
#include "services/domain/validation.h"

namespace atgard::app {

AccessLog::AccessLog(EventLog* log, std::function<absl::Time()> clock)
    : log_(log), clock_(std::move(clock)) {}

std::string AccessLog::StreamFor(absl::string_view tenant, absl::Time at) {
  return domain::AccessStreamId(tenant, domain::StockholmDay(at));
}

namespace {

// The one cut of text going into a record: at most `max` bytes, then "..."
// if anything was cut. Never inside an escape ("\n", "\xNN": CHexEscape
// output) or a UTF-8 sequence (messages).
std::string Bounded(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = 0;
  while (cut < text.size()) {
    size_t unit = 1;
    if (text[cut] == '\\') {
      unit = cut + 1 < text.size() && text[cut + 1] == 'x' ? 4 : 2;
    } else {
      while (cut + unit < text.size() &&
             (static_cast<unsigned char>(text[cut + unit]) & 0xc0) == 0x80) {
        ++unit;
      }
    }
    if (cut + unit > max) break;
    cut += unit;
  }
  text.resize(cut);
  text.append("...");
  return text;
}

}  // namespace

std::string AccessLog::Requested(absl::string_view field,
                                 absl::string_view requested) {
  if (!domain::CheckNoPersonalIdentityNumbers(field, requested).ok()) {
    return absl::StrCat("(", field,
                        " withheld: it holds a personal identity number)");
  }
  return Bounded(absl::CHexEscape(requested), kMaxResourceBytes);
}

void AccessLog::Record(const domain::Principal& principal,
                       absl::string_view method, absl::string_view resource,
                       const absl::Status& outcome, uint64_t items,
                       std::function<void(absl::Status)> done) {
  Append(principal, method, resource, outcome, items, /*ended=*/false,
         std::move(done));
}

void AccessLog::RecordEnd(const domain::Principal& principal,
                          absl::string_view method, absl::string_view resource,
                          const absl::Status& outcome, uint64_t items) {
  Append(principal, method, resource, outcome, items, /*ended=*/true,
         [](absl::Status stored) {
           if (!stored.ok()) {
             log::Error("access_record_failed", {{"error", stored}});
           }
         });
}

void AccessLog::Append(const domain::Principal& principal,
                       absl::string_view method, absl::string_view resource,
                       const absl::Status& outcome, uint64_t items, bool ended,
                       std::function<void(absl::Status)> done) {
  v1::Event event;
  v1::AccessRecorded* e = event.mutable_access_recorded();
  e->set_subject(principal.subject);
  e->set_role(principal.role);
  e->set_provider_id(principal.provider_id);
  e->set_method(std::string(method));
  // Callers pass what was asked for through Requested(); the server's own
  // additions (" from 17") are short. The cut here only keeps a record
  // bounded whatever a caller passes.
  e->set_resource(
      Bounded(std::string(resource), kMaxResourceBytes + kMaxResourceSuffix));
  e->set_outcome(outcome.ok() ? "OK"
                              : absl::StatusCodeToString(outcome.code()));
  e->set_items(items);
  e->set_ended(ended);
  if (!outcome.ok()) {
    e->set_reason(Bounded(std::string(outcome.message()), kMaxReasonBytes));
  }

  // A read is no command: no idempotency key, and nothing caused it but
  // the caller's request.
  absl::StatusOr<eventstore::AppendRequest> append =
      MakeAppend({.actor = principal}, StreamFor(principal.tenant, clock_()),
                 eventstore::ExpectedVersion::Any(), {event});
  if (!append.ok()) {
    done(absl::UnavailableError(absl::StrCat(
        "the read could not be recorded in the access log, so it is not "
        "served: ",
        append.status().message())));
    return;
  }
  // A read is served only once recorded: the record may use part of the
  // disk reserve, so that reads go on while other writes are refused.
  append->may_use_reserve = true;
  log_->AppendAsync(
      *std::move(append),
      [done =
           std::move(done)](absl::StatusOr<eventstore::AppendResult> appended) {
        done(appended.ok() ? absl::OkStatus()
                           : absl::UnavailableError(absl::StrCat(
                                 "the read could not be recorded in the "
                                 "access log, so it is not served: ",
                                 appended.status().message())));
      });
}

}  // namespace atgard::app
