// Validation of the identifiers and texts that commands carry: organisation
// numbers, kommunkoder, HSA-ids, caller-supplied ids, references and free
// text, and the guard that keeps personal identity numbers out of all of them.
//
// Every function is pure, deterministic and thread-safe (no shared state).
// Each takes the field path of the value it checks ("provider.hsa_id",
// "plan.actions[2].description") and, when the value breaks a rule, returns
// INVALID_ARGUMENT built by InvalidArgument(field, rule) (errors.h): the
// message is "<field>: <rule>", the rule says what is expected, and
// FieldOf(status) returns the field path.
//
// Privacy (OSL 26 kap.): an error message never repeats the value it
// rejects, so a personnummer that reaches a field by mistake does not travel
// on into logs, client error dialogs or traces. Messages may name byte
// offsets and lengths, never content.
#ifndef ATGARD_SERVICES_DOMAIN_VALIDATION_H_
#define ATGARD_SERVICES_DOMAIN_VALIDATION_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace atgard::domain {

// ---------------------------------------------------------------------------
// Organisation numbers (organisationsnummer)

// A parsed organisation number.
struct OrganisationNumber {
  // Always 11 characters, "NNNNNN-NNNN".
  std::string normalized;
  // True when the number is a sole trader's (enskild näringsidkare): the
  // owner's personnummer or samordningsnummer. The provider record then
  // holds personal data and must be treated as such (shown only to those
  // who need it, never copied into free text).
  bool personal_data = false;
};

// Parses an organisation number.
//
// Accepted forms (no surrounding whitespace):
//   NNNNNNNNNN, NNNNNN-NNNN          the 10-digit number;
//   16NNNNNNNNNN, 16NNNNNN-NNNN      Skatteverket's 12-digit form of a legal
//                                    person: "16" and the 10-digit number;
//   CCYYMMDDNNNN, CCYYMMDD-NNNN      the 12-digit form of a sole trader's
//                                    number: century 18, 19 or 20 and the
//                                    personnummer/samordningsnummer.
// The last of the ten digits is a Luhn check digit over the first nine.
// A legal person's number has a third digit of at least 2 (its "month" is
// 20 or more, so it can never be read as a date). A number whose third
// digit is 0 or 1 is accepted only as a sole trader's personnummer or
// samordningsnummer: YYMMDD must be a valid date (day + 60 for a
// samordningsnummer), in 19YY or 20YY for the 10-digit form and in the given
// century for the 12-digit form; the result then has personal_data set.
// "16" is not a century: "16" followed by a personnummer is rejected.
//
// Returns the number in normalized form, or INVALID_ARGUMENT naming `field`
// with the rule that failed. The message never contains the input.
[[nodiscard]] absl::StatusOr<OrganisationNumber> ParseOrganisationNumber(
    absl::string_view field, absl::string_view text);

// ---------------------------------------------------------------------------
// Tenants, units

// Checks a tenant id: an SCB kommunkod (municipality code), exactly four
// ASCII digits "LLKK", where LL is an existing county (län) code, one of
// 01, 03-10, 12-14, 17-25 (02, 11, 15 and 16 were merged away and are not
// used), e.g. "0180" Stockholm, "0780" Växjö, "2584" Kiruna. KK is not
// checked against SCB's list of the 290 municipalities, which changes over
// time. Returns OK or INVALID_ARGUMENT naming `field`. This is the one
// tenant rule: every principal obeys it too (auth's CheckPrincipal).
[[nodiscard]] absl::Status CheckTenant(absl::string_view field,
                                       absl::string_view text);

// Checks the HSA-id of a unit: "SE", the catalogue owner's 10-digit
// organisation number, "-", one or more ASCII letters or digits; at most 31
// characters in total, e.g. "SE2321000016-15G0". Like every identifier, it
// must not contain a personnummer or samordningsnummer
// (CheckNoPersonalIdentityNumbers). Returns OK or INVALID_ARGUMENT naming
// `field`.
[[nodiscard]] absl::Status CheckHsaId(absl::string_view field,
                                      absl::string_view text);

// ---------------------------------------------------------------------------
// The personal identity guard

// Where a personal identity number was found: text.substr(offset, length).
struct IdentityNumberMatch {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Finds the first Luhn-valid personnummer or samordningsnummer anywhere in
// `text`. Recognised forms, where YY/CCYY MM DD is a valid calendar date
// (or, for a samordningsnummer, DD is the day + 60, i.e. 61-91) and the
// Luhn check digit computed over the ten digits YYMMDDNNNN matches:
//   YYMMDDNNNN, YYMMDD-NNNN, YYMMDD+NNNN, YYMMDD NNNN     (10 digits; the
//       century is unknown, so the date counts as valid if it is valid in
//       19YY or 20YY, which matters only for 29 February);
//   CCYYMMDDNNNN, CCYYMMDD-NNNN, CCYYMMDD NNNN           (12 digits; CC is
//       18, 19 or 20 and the date must be valid in that year).
// The separator is one '-', '+' or ASCII space; a space is recognised
// because people write "YYMMDD NNNN" as often as with a hyphen.
// The digit groups must be whole runs of ASCII digits: a match inside a
// longer digit run does not count ("123456789012345" holds none), while any
// non-digit byte (letters, punctuation, spaces, invalid UTF-8, NUL) may
// surround the number. Organisation numbers never match: their "month" is
// 20 or more.
//
// Not recognised, so that ordinary numbers stay usable: other separators
// ("121212 - 1212", an en dash, a slash), dates written with separators
// ("12-12-12-1212"), and 12-digit forms with another century than 18-20.
//
// Known over-matches, accepted because a false alarm costs a retyped
// reference while a miss leaks a person's identity: compact timestamps and
// dates with a four-digit suffix ("202603021030", "20260302-0001") and two
// numbers written next to each other ("850709 1234") are caught when the
// digits happen to form a valid date and check digit (about one in ten of
// those with a valid date).
//
// Runs in time linear in text.size() with no allocation; safe on arbitrary
// bytes. Returns std::nullopt when there is none.
[[nodiscard]] std::optional<IdentityNumberMatch> FindPersonalIdentityNumber(
    absl::string_view text);

// True iff FindPersonalIdentityNumber(text) finds one.
[[nodiscard]] bool ContainsPersonalIdentityNumber(absl::string_view text);

// Returns INVALID_ARGUMENT naming `field` if `text` contains a personnummer
// or samordningsnummer (FindPersonalIdentityNumber), OK otherwise. The
// message gives the byte offset of the number, never its digits.
[[nodiscard]] absl::Status CheckNoPersonalIdentityNumbers(
    absl::string_view field, absl::string_view text);

// ---------------------------------------------------------------------------
// Free text

// Default limits, in bytes of UTF-8.
inline constexpr std::size_t kMaxShortTextBytes = 200;
inline constexpr std::size_t kMaxLongTextBytes = 10'000;
inline constexpr std::size_t kMaxReferenceBytes = 100;
// Every aggregate or item id, wherever it arrives: in a command (CheckId),
// as a principal's provider id, as a reference to load. Stream ids:
// kMaxStreamIdBytes (streams.h).
inline constexpr std::size_t kMaxIdBytes = 64;

// What CheckText expects of a text field.
struct TextRule {
  // Empty text is an error when required, and always valid when not.
  bool required = true;
  // Multi-line text may contain '\n' and '\t'; single-line text neither.
  bool multiline = false;
  // Upper bound on text.size() (bytes, not characters: "å" is two).
  std::size_t max_bytes = kMaxShortTextBytes;
};

// Names, titles, roles, contact details, short answers.
inline constexpr TextRule kShortText{};
inline constexpr TextRule kOptionalShortText{.required = false};
// Descriptions, backgrounds, justifications, notes.
inline constexpr TextRule kLongText{.multiline = true,
                                    .max_bytes = kMaxLongTextBytes};
inline constexpr TextRule kOptionalLongText{
    .required = false, .multiline = true, .max_bytes = kMaxLongTextBytes};

// Checks free text against `rule`, in this order:
//   - empty: INVALID_ARGUMENT if rule.required, else OK (nothing else runs);
//   - at most rule.max_bytes bytes;
//   - valid UTF-8 (no overlong forms, surrogates or code points beyond
//     U+10FFFF);
//   - no control characters (U+0000-U+001F, U+007F-U+009F), except '\n' and
//     '\t' in multi-line text (so '\r' is refused: send "\n" line ends);
//   - when required, not only whitespace (ASCII or Unicode White_Space);
//   - no personnummer or samordningsnummer (CheckNoPersonalIdentityNumbers).
// Returns OK or INVALID_ARGUMENT naming `field` and the first rule broken.
[[nodiscard]] absl::Status CheckText(absl::string_view field,
                                     absl::string_view text,
                                     const TextRule& rule);

// Checks a reference to something outside atgard: a diarienummer
// ("ÄN 2026/123"), a delegation reference, a client's pseudonymous
// reference. It must be 1-100 bytes of valid UTF-8 with no control
// characters (so no tabs or line breaks), not begin or end with whitespace,
// and contain no personnummer or samordningsnummer. Inner spaces and
// non-ASCII letters are allowed. Returns OK or INVALID_ARGUMENT naming
// `field`.
[[nodiscard]] absl::Status CheckReference(absl::string_view field,
                                          absl::string_view text);

// ---------------------------------------------------------------------------
// Aggregate ids

// Checks an aggregate id supplied by a caller (case, provider, unit,
// contract...): 1-64 characters from [A-Za-z0-9._:-], the first a letter or
// digit. Ids become part of storage stream names ("case-0780-<id>") and
// live as long as the event log, so they must not contain a personnummer
// or samordningsnummer either. Returns OK or INVALID_ARGUMENT naming
// `field`.
[[nodiscard]] absl::Status CheckId(absl::string_view field,
                                   absl::string_view text);

}  // namespace atgard::domain

#endif  // ATGARD_SERVICES_DOMAIN_VALIDATION_H_
