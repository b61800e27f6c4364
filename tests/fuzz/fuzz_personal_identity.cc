// Fuzzes the personal identity guard and the validators built on it with
// arbitrary bytes. Besides crashes and sanitizer findings, it checks:
//   - the guard agrees with a second, naive reading of its specification
//     (every start position, every form, dates checked by absl::CivilDay);
//   - a text that contains a personnummer or samordningsnummer is refused by
//     CheckNoPersonalIdentityNumbers and by every free-text, reference and id
//     validator, and no error message contains the number's digits;
//   - a parsed organisation number round-trips through its normalized form,
//     which holds personal data exactly when it reads as a personnummer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/domain/errors.h"
#include "services/domain/validation.h"

namespace atgard::domain {
namespace {

void Require(bool holds, const char* invariant) {
  if (!holds) {
    std::fprintf(stderr, "invariant broken: %s\n", invariant);
    std::abort();
  }
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Luhn from the right: every second digit, starting with the one before the
// check digit, doubled.
bool NaiveLuhn(const std::string& ten) {
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    int v = ten[9 - i] - '0';
    if (i % 2 == 1) v = v * 2 / 10 + v * 2 % 10;
    sum += v;
  }
  return sum % 10 == 0;
}

bool NaiveDate(int year, int month, int day) {
  if (day > 60) day -= 60;
  const absl::CivilDay d(year, month, day);
  return d.year() == year && d.month() == month && d.day() == day;
}

bool NaiveNumber(const std::string& digits) {
  const std::string ten = digits.substr(digits.size() - 10);
  const int yy = std::stoi(ten.substr(0, 2));
  const int mm = std::stoi(ten.substr(2, 2));
  const int dd = std::stoi(ten.substr(4, 2));
  bool date;
  if (digits.size() == 12) {
    const int cc = std::stoi(digits.substr(0, 2));
    date = cc >= 18 && cc <= 20 && NaiveDate(cc * 100 + yy, mm, dd);
  } else {
    date = NaiveDate(1900 + yy, mm, dd) || NaiveDate(2000 + yy, mm, dd);
  }
  return date && NaiveLuhn(ten);
}

// Digits at [at, at + n) exactly, bounded by non-digits.
bool DigitsAt(absl::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i) {
    if (!IsDigit(s[i])) return false;
  }
  return at + n == s.size() || !IsDigit(s[at + n]);
}

std::optional<IdentityNumberMatch> NaiveFind(absl::string_view s) {
  for (std::size_t at = 0; at < s.size(); ++at) {
    if (at > 0 && IsDigit(s[at - 1])) continue;
    for (std::size_t n : {10, 12}) {
      if (DigitsAt(s, at, n) && NaiveNumber(std::string(s.substr(at, n)))) {
        return IdentityNumberMatch{at, n};
      }
    }
    for (std::size_t n : {6, 8}) {
      if (!DigitsAt(s, at, n) || at + n >= s.size()) continue;
      const char sep = s[at + n];
      const bool known = sep == '-' || sep == ' ' || (n == 6 && sep == '+');
      if (known && DigitsAt(s, at + n + 1, 4) &&
          NaiveNumber(std::string(s.substr(at, n)) +
                      std::string(s.substr(at + n + 1, 4)))) {
        return IdentityNumberMatch{at, n + 5};
      }
    }
  }
  return std::nullopt;
}

std::string DigitsOf(absl::string_view s) {
  std::string digits;
  for (char c : s) {
    if (IsDigit(c)) digits += c;
  }
  return digits;
}

void RequireRefusedQuietly(const absl::Status& status, absl::string_view number,
                           const char* invariant) {
  Require(status.code() == absl::StatusCode::kInvalidArgument, invariant);
  Require(FieldOf(status) == "f", "a refusal names its field");
  const std::string digits = DigitsOf(number);
  const std::string ten = digits.substr(digits.size() - 10);
  Require(
      status.message().find(number) == absl::string_view::npos &&
          status.message().find(ten) == absl::string_view::npos &&
          status.message().find(ten.substr(0, 6)) == absl::string_view::npos,
      "no message contains the digits of a personnummer");
}

}  // namespace
}  // namespace atgard::domain

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace atgard::domain;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  const std::optional<IdentityNumberMatch> match =
      FindPersonalIdentityNumber(text);
  const std::optional<IdentityNumberMatch> naive = NaiveFind(text);
  Require(match.has_value() == naive.has_value(),
          "the guard agrees with the naive reading");
  Require(ContainsPersonalIdentityNumber(text) == match.has_value(),
          "Contains agrees with Find");

  const absl::Status rejected = CheckNoPersonalIdentityNumbers("f", text);
  const absl::Status statuses[] = {
      CheckText("f", text, kShortText),
      CheckText("f", text, kOptionalShortText),
      CheckText("f", text, kLongText),
      CheckText("f", text, kOptionalLongText),
      CheckReference("f", text),
      CheckId("f", text),
      CheckHsaId("f", text),
  };
  if (match.has_value()) {
    Require(match->offset == naive->offset && match->length == naive->length,
            "the guard finds the same number as the naive reading");
    Require(match->offset + match->length <= size, "the match is in the text");
    const absl::string_view number = text.substr(match->offset, match->length);
    Require(ContainsPersonalIdentityNumber(number), "the match alone matches");
    RequireRefusedQuietly(rejected, number, "Contains implies Reject fails");
    for (const absl::Status& s : statuses) {
      RequireRefusedQuietly(s, number, "validators refuse personnummer");
    }
    const absl::Status tenant = CheckTenant("f", text);
    RequireRefusedQuietly(tenant, number, "a tenant is no personnummer");
    const absl::StatusOr<OrganisationNumber> org =
        ParseOrganisationNumber("f", text);
    if (!org.ok()) RequireRefusedQuietly(org.status(), number, "org number");
  } else {
    Require(rejected.ok(), "no number, no rejection");
  }
  for (const absl::Status& s : statuses) {
    Require(s.ok() || s.code() == absl::StatusCode::kInvalidArgument,
            "validators answer OK or INVALID_ARGUMENT");
    Require(s.ok() || FieldOf(s) == "f", "a refusal names its field");
  }
  if (statuses[0].ok()) Require(size <= kMaxShortTextBytes, "short text");
  if (statuses[5].ok()) Require(size <= kMaxIdBytes && size > 0, "id size");

  const absl::StatusOr<OrganisationNumber> org =
      ParseOrganisationNumber("f", text);
  if (org.ok()) {
    Require(org->normalized.size() == 11 && org->normalized[6] == '-',
            "normalized form is NNNNNN-NNNN");
    const absl::StatusOr<OrganisationNumber> again =
        ParseOrganisationNumber("f", org->normalized);
    Require(again.ok() && again->normalized == org->normalized &&
                again->personal_data == org->personal_data,
            "the normalized form parses to itself");
    Require(
        org->personal_data == ContainsPersonalIdentityNumber(org->normalized),
        "personal data exactly when it reads as a personnummer");
  } else {
    Require(org.status().code() == absl::StatusCode::kInvalidArgument &&
                FieldOf(org.status()) == "f",
            "org number refusals name their field");
  }
  return 0;
}
