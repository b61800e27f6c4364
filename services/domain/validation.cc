#include "services/domain/validation.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
int DigitAt(const char* d, int i) { return d[i] - '0'; }
int TwoDigits(const char* d, int i) {
  return DigitAt(d, i) * 10 + DigitAt(d, i + 1);
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Luhn over the ten digits YYMMDDNNNN: weights 2,1,2,... from the left, the
// digits of each product summed, the total a multiple of ten.
bool LuhnValid(const char* ten) {
  int sum = 0;
  for (int i = 0; i < 10; ++i) {
    int v = DigitAt(ten, i);
    if (i % 2 == 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return sum % 10 == 0;
}

bool IsLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// A personnummer's date, or a samordningsnummer's (day + 60).
bool IsBirthDate(int year, int month, int day) {
  if (month < 1 || month > 12) return false;
  if (day > 60) day -= 60;
  return day >= 1 && day <= DaysInMonth(year, month);
}

// The ten digits YYMMDDNNNN of a personnummer or samordningsnummer whose
// century is unknown.
bool IsIdentityNumber10(const char* ten) {
  const int yy = TwoDigits(ten, 0);
  const int mm = TwoDigits(ten, 2);
  const int dd = TwoDigits(ten, 4);
  return (IsBirthDate(1900 + yy, mm, dd) || IsBirthDate(2000 + yy, mm, dd)) &&
         LuhnValid(ten);
}

bool IsCentury(int cc) { return cc >= 18 && cc <= 20; }

// CC followed by the ten digits.
bool IsIdentityNumber12(const char* twelve) {
  const int cc = TwoDigits(twelve, 0);
  if (!IsCentury(cc)) return false;
  const int year = cc * 100 + TwoDigits(twelve, 2);
  return IsBirthDate(year, TwoDigits(twelve, 4), TwoDigits(twelve, 6)) &&
         LuhnValid(twelve + 2);
}

// ---------------------------------------------------------------------------
// UTF-8

// Length of the well-formed UTF-8 sequence at text[i] (Unicode table 3-7),
// with its code point in *cp, or 0 if the bytes there are not one.
int DecodeUtf8(absl::string_view text, std::size_t i, char32_t* cp) {
  const auto byte = [&](std::size_t k) -> unsigned {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned b0 = byte(i);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  int len;
  unsigned lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing beyond U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < static_cast<std::size_t>(len)) return 0;
  char32_t value = b0 & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    const unsigned b = byte(i + k);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  *cp = value;
  return len;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Unicode's White_Space property.
bool IsWhitespace(char32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

struct CharacterSummary {
  bool only_whitespace = true;
  bool starts_with_whitespace = false;
  bool ends_with_whitespace = false;
};

// Checks that `text` is valid UTF-8 without control characters ('\n' and
// '\t' allowed if `multiline`), and summarises its whitespace.
absl::Status CheckCharacters(absl::string_view field, absl::string_view text,
                             bool multiline, CharacterSummary* summary) {
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      return InvalidArgument(
          field, absl::StrCat("must be valid UTF-8 (invalid byte sequence at "
                              "byte offset ",
                              i, ")"));
    }
    if (IsControl(cp) && !(multiline && (cp == '\n' || cp == '\t'))) {
      return InvalidArgument(
          field,
          absl::StrCat(multiline
                           ? "must not contain control characters other than "
                             "line feed (\\n) and tab (\\t)"
                           : "must be a single line without control characters",
                       absl::StrFormat(" (found U+%04X at byte offset %d)",
                                       static_cast<std::uint32_t>(cp), i)));
    }
    const bool space = IsWhitespace(cp);
    if (i == 0) summary->starts_with_whitespace = space;
    summary->ends_with_whitespace = space;
    if (!space) summary->only_whitespace = false;
    i += len;
  }
  return absl::OkStatus();
}

absl::Status CheckLength(absl::string_view field, absl::string_view text,
                         std::size_t max_bytes) {
  if (text.size() <= max_bytes) return absl::OkStatus();
  return InvalidArgument(
      field, absl::StrCat("must be at most ", max_bytes, " bytes of UTF-8 (is ",
                          text.size(), ")"));
}

// ---------------------------------------------------------------------------
// Organisation numbers

constexpr absl::string_view kOrgNumberFormat =
    "must be 10 digits, optionally with a hyphen after the sixth "
    "(NNNNNN-NNNN), or the 12-digit form: 16 and the 10 digits for a legal "
    "person, or a sole trader's personnummer with its century (CCYYMMDDNNNN)";
constexpr absl::string_view kOrgNumberKind =
    "third digit must be at least 2 (a legal person's number), or the number "
    "must be a sole trader's personnummer or samordningsnummer, which begins "
    "with a valid date";

}  // namespace

absl::StatusOr<OrganisationNumber> ParseOrganisationNumber(
    absl::string_view field, absl::string_view text) {
  // Gather the digits of the accepted shapes; anything else is malformed.
  char digits[12];
  std::size_t count = 0;
  const std::size_t hyphen_at = text.size() == 11   ? 6
                                : text.size() == 13 ? 8
                                                    : text.size();
  if (text.size() < 10 || text.size() > 13) {
    return InvalidArgument(field, kOrgNumberFormat);
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == hyphen_at && text[i] == '-') continue;
    // Thirteen digits without the hyphen would not fit: malformed too.
    if (!IsDigit(text[i]) || count == sizeof(digits)) {
      return InvalidArgument(field, kOrgNumberFormat);
    }
    digits[count++] = text[i];
  }
  if (count != 10 && count != 12) {
    return InvalidArgument(field, kOrgNumberFormat);
  }

  const char* ten = digits + (count - 10);
  if (!LuhnValid(ten)) {
    return InvalidArgument(field, "check digit does not match (Luhn)");
  }
  const bool legal_person = DigitAt(ten, 2) >= 2;
  if (count == 12) {
    const int prefix = TwoDigits(digits, 0);
    if (prefix == 16) {
      if (!legal_person) {
        return InvalidArgument(
            field,
            "with the prefix 16 the number must be a legal person's (third "
            "digit at least 2); give a sole trader's number with its century "
            "(18, 19 or 20) or as 10 digits");
      }
    } else if (IsCentury(prefix)) {
      if (legal_person || !IsIdentityNumber12(digits)) {
        return InvalidArgument(
            field,
            "with a century (18, 19 or 20) the number must be a sole trader's "
            "personnummer or samordningsnummer with a valid date in that "
            "century; a legal person's 12-digit form begins with 16");
      }
    } else {
      return InvalidArgument(
          field,
          "a 12-digit organisation number must begin with 16 (legal person) "
          "or the century 18, 19 or 20 (sole trader)");
    }
  } else if (!legal_person && !IsIdentityNumber10(ten)) {
    return InvalidArgument(field, kOrgNumberKind);
  }

  OrganisationNumber result;
  result.normalized.reserve(11);
  result.normalized.append(ten, 6);
  result.normalized.push_back('-');
  result.normalized.append(ten + 6, 4);
  result.personal_data = !legal_person;
  return result;
}

absl::Status CheckTenant(absl::string_view field, absl::string_view text) {
  if (text.size() != 4 || !AllDigits(text)) {
    return InvalidArgument(field,
                           "must be an SCB kommunkod of exactly 4 digits "
                           "(e.g. 0780)");
  }
  const int county = TwoDigits(text.data(), 0);
  const bool exists = county == 1 || (county >= 3 && county <= 10) ||
                      (county >= 12 && county <= 14) ||
                      (county >= 17 && county <= 25);
  if (!exists) {
    return InvalidArgument(field,
                           "first two digits must be an existing county (län) "
                           "code: 01, 03-10, 12-14 or 17-25");
  }
  return absl::OkStatus();
}

absl::Status CheckHsaId(absl::string_view field, absl::string_view text) {
  constexpr std::size_t kMaxHsaIdChars = 31;
  constexpr std::size_t kPrefixLength = 13;  // "SE" + 10 digits + "-"
  bool well_formed = text.size() > kPrefixLength && text[0] == 'S' &&
                     text[1] == 'E' && AllDigits(text.substr(2, 10)) &&
                     text[12] == '-';
  for (std::size_t i = kPrefixLength; well_formed && i < text.size(); ++i) {
    well_formed = IsAsciiLetter(text[i]) || IsDigit(text[i]);
  }
  if (!well_formed) {
    return InvalidArgument(
        field,
        "must be an HSA-id: SE, 10 digits, a hyphen and one or more letters "
        "A-Z, a-z or digits (e.g. SE2321000016-15G0)");
  }
  if (text.size() > kMaxHsaIdChars) {
    return InvalidArgument(field,
                           absl::StrCat("must be at most ", kMaxHsaIdChars,
                                        " characters (is ", text.size(), ")"));
  }
  return CheckNoPersonalIdentityNumbers(field, text);
}

std::optional<IdentityNumberMatch> FindPersonalIdentityNumber(
    absl::string_view text) {
  const std::size_t n = text.size();
  const char* s = text.data();
  std::size_t i = 0;
  while (i < n) {
    if (!IsDigit(s[i])) {
      ++i;
      continue;
    }
    // A whole run of digits [begin, i).
    const std::size_t begin = i;
    while (i < n && IsDigit(s[i])) ++i;
    const std::size_t run = i - begin;
    if (run == 10 && IsIdentityNumber10(s + begin)) {
      return IdentityNumberMatch{begin, 10};
    }
    if (run == 12 && IsIdentityNumber12(s + begin)) {
      return IdentityNumberMatch{begin, 12};
    }
    // The date, one separator, then a whole run of exactly four digits.
    if ((run == 6 || run == 8) && n - i >= 5 && IsDigit(s[i + 1]) &&
        IsDigit(s[i + 2]) && IsDigit(s[i + 3]) && IsDigit(s[i + 4]) &&
        (n - i == 5 || !IsDigit(s[i + 5]))) {
      const char sep = s[i];
      const bool separator =
          sep == '-' || sep == ' ' || (run == 6 && sep == '+');
      if (separator) {
        char joined[12];
        for (std::size_t k = 0; k < run; ++k) joined[k] = s[begin + k];
        for (std::size_t k = 0; k < 4; ++k) joined[run + k] = s[i + 1 + k];
        if (run == 6 ? IsIdentityNumber10(joined)
                     : IsIdentityNumber12(joined)) {
          return IdentityNumberMatch{begin, run + 5};
        }
      }
    }
  }
  return std::nullopt;
}

bool ContainsPersonalIdentityNumber(absl::string_view text) {
  return FindPersonalIdentityNumber(text).has_value();
}

absl::Status CheckNoPersonalIdentityNumbers(absl::string_view field,
                                            absl::string_view text) {
  const std::optional<IdentityNumberMatch> match =
      FindPersonalIdentityNumber(text);
  if (!match.has_value()) return absl::OkStatus();
  return InvalidArgument(
      field, absl::StrCat("must not contain a personnummer or "
                          "samordningsnummer (one begins at byte offset ",
                          match->offset,
                          "); refer to individuals only by a pseudonymous "
                          "reference"));
}

absl::Status CheckText(absl::string_view field, absl::string_view text,
                       const TextRule& rule) {
  if (text.empty()) {
    return rule.required ? InvalidArgument(field, "is required")
                         : absl::OkStatus();
  }
  if (absl::Status s = CheckLength(field, text, rule.max_bytes); !s.ok()) {
    return s;
  }
  CharacterSummary summary;
  if (absl::Status s = CheckCharacters(field, text, rule.multiline, &summary);
      !s.ok()) {
    return s;
  }
  if (rule.required && summary.only_whitespace) {
    return InvalidArgument(field,
                           "is required and must not be only whitespace");
  }
  return CheckNoPersonalIdentityNumbers(field, text);
}

absl::Status CheckReference(absl::string_view field, absl::string_view text) {
  if (text.empty()) return InvalidArgument(field, "is required");
  if (absl::Status s = CheckLength(field, text, kMaxReferenceBytes); !s.ok()) {
    return s;
  }
  CharacterSummary summary;
  if (absl::Status s =
          CheckCharacters(field, text, /*multiline=*/false, &summary);
      !s.ok()) {
    return s;
  }
  if (summary.starts_with_whitespace || summary.ends_with_whitespace) {
    return InvalidArgument(field, "must not begin or end with whitespace");
  }
  return CheckNoPersonalIdentityNumbers(field, text);
}

absl::Status CheckId(absl::string_view field, absl::string_view text) {
  if (text.empty() || text.size() > kMaxIdBytes) {
    return InvalidArgument(
        field, absl::StrCat("must be 1 to ", kMaxIdBytes, " characters (is ",
                            text.size(), ")"));
  }
  for (char c : text) {
    if (!IsAsciiLetter(c) && !IsDigit(c) && c != '.' && c != '_' && c != ':' &&
        c != '-') {
      return InvalidArgument(field,
                             "may contain only letters A-Z and a-z, digits, "
                             "'.', '_', ':' and '-'");
    }
  }
  if (!IsAsciiLetter(text[0]) && !IsDigit(text[0])) {
    return InvalidArgument(field, "must begin with a letter or digit");
  }
  return CheckNoPersonalIdentityNumbers(field, text);
}

}  // namespace atgard::domain
