#include "services/domain/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/errors.h"

namespace atgard::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Appends the Luhn check digit to nine digits.
std::string WithCheckDigit(absl::string_view nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    int v = nine[i] - '0';
    if (i % 2 == 0) v *= 2;
    sum += v > 9 ? v - 9 : v;
  }
  return absl::StrCat(nine, std::string(1, '0' + (10 - sum % 10) % 10));
}

// Replaces the last digit (the check digit) of `number` by a wrong one.
std::string WithWrongCheckDigit(std::string number, int delta = 1) {
  char& c = number.back();
  c = static_cast<char>('0' + (c - '0' + delta) % 10);
  return number;
}

// "YYMMDD-NNNN" with its check digit computed from the first nine digits.
std::string Dashed(absl::string_view yymmdd, absl::string_view nnn) {
  const std::string ten = WithCheckDigit(absl::StrCat(yymmdd, nnn));
  return absl::StrCat(ten.substr(0, 6), "-", ten.substr(6));
}

// Tolvan Tolvansson, Skatteverket's example person.
constexpr absl::string_view kTolvan = "121212-1212";

// Every rejection is INVALID_ARGUMENT naming the field.
void ExpectRejected(const absl::Status& status, absl::string_view field,
                    absl::string_view input) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << input;
  EXPECT_EQ(FieldOf(status), field) << input;
  EXPECT_THAT(std::string(status.message()),
              StartsWith(absl::StrCat(field, ": ")));
}

// ---------------------------------------------------------------------------
// Organisation numbers

TEST(ParseOrganisationNumber, AcceptsLegalPersonsInEveryForm) {
  struct Case {
    absl::string_view text;
    absl::string_view normalized;
  };
  const Case cases[] = {
      {"212000-0142", "212000-0142"},    // Stockholms stad
      {"212000-1355", "212000-1355"},    // Göteborgs stad
      {"212000-0167", "212000-0167"},    // a third municipality
      {"2120000142", "212000-0142"},     // without the hyphen
      {"556036-0793", "556036-0793"},    // an aktiebolag
      {"232100-0016", "232100-0016"},    // a region
      {"162120000142", "212000-0142"},   // Skatteverket's 12-digit form
      {"16212000-0142", "212000-0142"},  // ... with a hyphen
  };
  for (const Case& c : cases) {
    absl::StatusOr<OrganisationNumber> parsed =
        ParseOrganisationNumber("provider.organisation_number", c.text);
    ASSERT_TRUE(parsed.ok()) << c.text << ": " << parsed.status();
    EXPECT_EQ(parsed->normalized, c.normalized);
    EXPECT_FALSE(parsed->personal_data) << c.text;
  }
}

TEST(ParseOrganisationNumber, AcceptsSoleTradersAsPersonalData) {
  const std::string samordning = Dashed("121272", "123");
  const std::string leap_2000 = Dashed("000229", "123");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(kTolvan), "121212-1212"},
      {"1212121212", "121212-1212"},
      {"19121212-1212", "121212-1212"},
      {"191212121212", "121212-1212"},
      {samordning, samordning},
      {absl::StrCat("19", samordning), samordning},
      {leap_2000, leap_2000},
      {absl::StrCat("20", leap_2000), leap_2000},
  };
  for (const auto& [text, normalized] : cases) {
    absl::StatusOr<OrganisationNumber> parsed =
        ParseOrganisationNumber("provider.organisation_number", text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(parsed->normalized, normalized);
    EXPECT_TRUE(parsed->personal_data) << text;
  }
}

TEST(ParseOrganisationNumber, RejectsWithTheRuleAndNeverTheNumber) {
  struct Case {
    std::string text;
    absl::string_view rule;
  };
  const std::string month_13 = WithCheckDigit("121312123");
  const std::string day_32 = WithCheckDigit("121232123");
  const Case cases[] = {
      {"", "must be 10 digits"},
      {"212000 0142", "must be 10 digits"},
      {" 212000-0142", "must be 10 digits"},
      {"212000-0142 ", "must be 10 digits"},
      {"21200-00142", "must be 10 digits"},
      {"212000--0142", "must be 10 digits"},
      {"2120-000142", "must be 10 digits"},
      {"212000014", "must be 10 digits"},
      {"21200001420", "must be 10 digits"},
      {"1621200001420", "must be 10 digits"},
      {"1191212121212", "must be 10 digits"},  // 13 digits, no hyphen
      {"2120000142a", "must be 10 digits"},
      {"21200O0142", "must be 10 digits"},
      {"212000-0142\n", "must be 10 digits"},
      {std::string("212000\0-0142", 12), "must be 10 digits"},
      {"212000-0143", "check digit does not match (Luhn)"},
      {"212000-1354", "check digit does not match (Luhn)"},
      {"162120000143", "check digit does not match (Luhn)"},
      {"121212-1213", "check digit does not match (Luhn)"},
      {month_13, "third digit must be at least 2"},
      {day_32, "third digit must be at least 2"},
      {Dashed("010229", "123"), "third digit must be at least 2"},
      {Dashed("120012", "123"), "third digit must be at least 2"},
      {"152120000142", "must begin with 16"},
      {"212120000142", "must begin with 16"},
      {"161212121212", "with the prefix 16"},
      {"16121212-1212", "with the prefix 16"},
      {"192120000142", "with a century"},
      {"17121212-1212", "must begin with 16"},
      {absl::StrCat("19", Dashed("000229", "123")), "with a century"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<OrganisationNumber> parsed =
        ParseOrganisationNumber("provider.organisation_number", c.text);
    ExpectRejected(parsed.status(), "provider.organisation_number", c.text);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.rule))
        << c.text;
    if (c.text.size() >= 6) {
      EXPECT_THAT(std::string(parsed.status().message()),
                  Not(HasSubstr(c.text)));
      EXPECT_THAT(std::string(parsed.status().message()),
                  Not(HasSubstr(c.text.substr(0, 6))));
    }
  }
}

TEST(ParseOrganisationNumber, FormatRuleSaysWhatIsExpected) {
  EXPECT_EQ(ParseOrganisationNumber("org", "x").status().message(),
            "org: must be 10 digits, optionally with a hyphen after the sixth "
            "(NNNNNN-NNNN), or the 12-digit form: 16 and the 10 digits for a "
            "legal person, or a sole trader's personnummer with its century "
            "(CCYYMMDDNNNN)");
}

// ---------------------------------------------------------------------------
// Tenants and HSA-ids

TEST(CheckTenant, AcceptsKommunkoderOfExistingCounties) {
  for (absl::string_view code :
       {"0114", "0180", "0380", "0480", "0581", "0680", "0780", "0880",
        "0980", "1080", "1280", "1380", "1480", "1780", "1880", "1980",
        "2080", "2180", "2280", "2380", "2480", "2584"}) {
    EXPECT_TRUE(CheckTenant("tenant", code).ok()) << code;
  }
}

TEST(CheckTenant, RejectsOtherShapesAndCounties) {
  struct Case {
    absl::string_view text;
    absl::string_view rule;
  };
  const Case cases[] = {
      {"", "exactly 4 digits"},
      {"780", "exactly 4 digits"},
      {"07800", "exactly 4 digits"},
      {"0A80", "exactly 4 digits"},
      {" 0780", "exactly 4 digits"},
      {"07-8", "exactly 4 digits"},
      {"\xd9\xa0\xd9\xa7", "exactly 4 digits"},  // Arabic-Indic digits
      {"0080", "county (län) code: 01, 03-10, 12-14 or 17-25"},
      {"0280", "county (län) code"},
      {"1180", "county (län) code"},
      {"1580", "county (län) code"},
      {"1680", "county (län) code"},
      {"2680", "county (län) code"},
      {"9999", "county (län) code"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckTenant("command.tenant", c.text);
    ExpectRejected(s, "command.tenant", c.text);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.rule)) << c.text;
  }
}

TEST(CheckHsaId, AcceptsUnitHsaIds) {
  for (absl::string_view id :
       {"SE2321000016-15G0", "SE2321000131-E000000000001", "SE2120000142-a",
        "SE2120000142-1", "SE2321000016-abcdefghijklmnopqr"}) {
    EXPECT_TRUE(CheckHsaId("unit.hsa_id", id).ok()) << id;
  }
}

TEST(CheckHsaId, RejectsMalformedAndOverlongIds) {
  struct Case {
    std::string text;
    absl::string_view rule;
  };
  const Case cases[] = {
      {"", "must be an HSA-id"},
      {"SE2321000016", "must be an HSA-id"},
      {"SE2321000016-", "must be an HSA-id"},
      {"se2321000016-15G0", "must be an HSA-id"},
      {"SE232100001-15G0", "must be an HSA-id"},
      {"SE23210000166-15G0", "must be an HSA-id"},
      {"SE2321000016_15G0", "must be an HSA-id"},
      {"SE2321000016-15-G0", "must be an HSA-id"},
      {"SE2321000016-15G0 ", "must be an HSA-id"},
      {"SE2321000016-\xc3\xa5", "must be an HSA-id"},
      {"SE2321000016-abcdefghijklmnopqrs", "at most 31 characters (is 32)"},
      {"SE1212121212-1", "must not contain a personnummer"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckHsaId("unit.hsa_id", c.text);
    ExpectRejected(s, "unit.hsa_id", c.text);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.rule)) << c.text;
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("1212121212")));
  }
}

// ---------------------------------------------------------------------------
// The personal identity guard

TEST(FindPersonalIdentityNumber, FindsEveryFormAnywhere) {
  const std::string samordning = Dashed("121272", "123");  // day 12 + 60
  const std::string day_91 = Dashed("120391", "123");      // 31 March + 60
  const std::string leap_2000 = Dashed("000229", "123");   // valid in 2000
  const std::string leap_1904 = Dashed("040229", "123");
  struct Case {
    std::string text;
    std::size_t offset;
    std::size_t length;
  };
  const Case cases[] = {
      {"121212-1212", 0, 11},
      {"1212121212", 0, 10},
      {"121212+1212", 0, 11},
      {"121212 1212", 0, 11},
      {"19121212-1212", 0, 13},
      {"191212121212", 0, 12},
      {"19121212 1212", 0, 13},
      {"20121212-1212", 0, 13},
      {"18121212-1212", 0, 13},
      {"Klienten 121212-1212 har", 9, 11},
      {"(121212-1212)", 1, 11},
      {"pnr:1212121212.", 4, 10},
      {"x121212-1212x", 1, 11},
      {"\xc3\xa4"
       "121212-1212\xc3\xb6",
       2, 11},
      {std::string("\0\xff"
                   "121212-1212\0",
                   14),
       2, 11},
      {"-121212-1212-", 1, 11},
      {"1.121212-1212", 2, 11},
      {"121212-1213 och 121212-1212", 16, 11},
      {"12-121212-1212", 3, 11},
      {samordning, 0, 11},
      {absl::StrCat("19", samordning), 0, 13},
      {absl::StrCat("text ", day_91), 5, 11},
      {leap_2000, 0, 11},
      {absl::StrCat("20", leap_2000), 0, 13},
      {leap_1904, 0, 11},
  };
  for (const Case& c : cases) {
    std::optional<IdentityNumberMatch> m = FindPersonalIdentityNumber(c.text);
    ASSERT_TRUE(m.has_value()) << c.text;
    EXPECT_EQ(m->offset, c.offset) << c.text;
    EXPECT_EQ(m->length, c.length) << c.text;
    EXPECT_TRUE(ContainsPersonalIdentityNumber(c.text));
  }
}

TEST(FindPersonalIdentityNumber, IgnoresWhatIsNotOne) {
  const std::string samordning = Dashed("121272", "123");
  const std::string cases[] = {
      "",
      "inga siffror alls",
      "212000-0142",  // organisation numbers have a "month" of 20 or more
      "2120000142",
      "162120000142",
      "556036-0793",
      "121212-1213",                                // wrong check digit
      WithCheckDigit("121312123"),                  // month 13
      WithCheckDigit("120012123"),                  // month 0
      WithCheckDigit("121200123"),                  // day 0
      WithCheckDigit("121232123"),                  // day 32, not + 60
      WithCheckDigit("121260123"),                  // day 60
      WithCheckDigit("121292123"),                  // day 92
      WithCheckDigit("120231123"),                  // 31 February
      WithCheckDigit("120431123"),                  // 31 April
      WithCheckDigit("120290123"),                  // 30 February + 60
      Dashed("010229", "123"),                      // 29 Feb in neither century
      absl::StrCat("19", Dashed("000229", "123")),  // 1900 was no leap year
      "1121212-1212",                               // inside longer digit runs
      "121212-12121",
      "01212121212",
      "12121212120",
      "12121212121212",
      "2019121212121212",
      "121212--1212",  // not a separator we know
      "121212_1212",
      "121212/1212",
      "121212  1212",
      "121212 - 1212",
      "121212\t1212",
      "19121212+1212",  // '+' only in 10 digits
      "17121212-1212",  // no such century
      "171212121212",
      "21121212-1212",
      "1212121212" + std::string("3"),
      WithWrongCheckDigit(samordning),
  };
  for (const std::string& text : cases) {
    EXPECT_FALSE(FindPersonalIdentityNumber(text).has_value()) << text;
    EXPECT_FALSE(ContainsPersonalIdentityNumber(text)) << text;
    EXPECT_TRUE(CheckNoPersonalIdentityNumbers("f", text).ok()) << text;
  }
}

TEST(FindPersonalIdentityNumber, EveryWrongCheckDigitIsIgnored) {
  for (int delta = 1; delta <= 9; ++delta) {
    for (absl::string_view form :
         {"121212-1212", "1212121212", "121212+1212", "121212 1212",
          "19121212-1212", "191212121212"}) {
      const std::string text = WithWrongCheckDigit(std::string(form), delta);
      EXPECT_FALSE(ContainsPersonalIdentityNumber(text)) << text;
    }
  }
}

TEST(FindPersonalIdentityNumber, HandlesLongInputs) {
  // Long runs of near misses: the guard looks at each byte a bounded number
  // of times, so this is as quick as any other megabyte.
  std::string near_misses;
  while (near_misses.size() < (1 << 20)) near_misses += "121212-1213 ";
  EXPECT_FALSE(ContainsPersonalIdentityNumber(near_misses));
  const std::string digits(1 << 20, '1');
  EXPECT_FALSE(ContainsPersonalIdentityNumber(digits));
  std::optional<IdentityNumberMatch> m =
      FindPersonalIdentityNumber(absl::StrCat(near_misses, kTolvan));
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->offset, near_misses.size());
}

TEST(CheckNoPersonalIdentityNumbers, NamesTheFieldAndOffsetButNotTheNumber) {
  absl::Status s = CheckNoPersonalIdentityNumbers("review.client_reference",
                                                  "Klient 121212-1212");
  ExpectRejected(s, "review.client_reference", "");
  EXPECT_EQ(s.message(),
            "review.client_reference: must not contain a personnummer or "
            "samordningsnummer (one begins at byte offset 7); refer to "
            "individuals only by a pseudonymous reference");
}

// ---------------------------------------------------------------------------
// Free text, references and ids

TEST(CheckText, AcceptsOrdinaryText) {
  struct Case {
    std::string text;
    TextRule rule;
  };
  const Case cases[] = {
      {"Hemtjänst Norr", kShortText},
      {"x", kShortText},
      {"Omsorgsbolaget AB, org.nr 556036-0793", kShortText},
      {"a\xc2\xa0"
       "b",
       kShortText},
      {std::string(200, 'a'), kShortText},
      {"", kOptionalShortText},
      {"   ", kOptionalShortText},
      {"", kOptionalLongText},
      {"Orsak 1:\n\tSchemaläggning per område.\nOrsak 2: personalomsättning",
       kLongText},
      {std::string(10'000, 'x'), kLongText},
      {"\xf0\x9f\x98\x80 emoji and \xe2\x82\xac", kShortText},
      {"\xef\xbf\xbd", kShortText},      // U+FFFD
      {"\xf4\x8f\xbf\xbf", kShortText},  // U+10FFFF
      {"2026-03-02, dnr SN 2026/123", kShortText},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(CheckText("case.description", c.text, c.rule).ok())
        << c.text << ": " << CheckText("case.description", c.text, c.rule);
  }
}

TEST(CheckText, RejectsWithTheRule) {
  std::string two_hundred_and_one;
  while (two_hundred_and_one.size() < 199) two_hundred_and_one += "\xc3\xa5";
  two_hundred_and_one += "x";  // 199 + 2 bytes: å counts twice
  ASSERT_EQ(two_hundred_and_one.size(), 201u);
  struct Case {
    std::string text;
    TextRule rule;
    absl::string_view message;
  };
  const Case cases[] = {
      {"", kShortText, "is required"},
      {"", kLongText, "is required"},
      {"   ", kShortText, "must not be only whitespace"},
      {" \n\t ", kLongText, "must not be only whitespace"},
      {"\xc2\xa0\xe3\x80\x80\xe2\x80\x8a", kShortText,
       "must not be only whitespace"},
      {std::string(201, 'a'), kShortText,
       "must be at most 200 bytes of UTF-8 (is 201)"},
      {two_hundred_and_one, kShortText, "at most 200 bytes"},
      {std::string(10'001, 'a'), kLongText, "at most 10000 bytes"},
      {std::string(10'001, 'a'), kOptionalLongText, "at most 10000 bytes"},
      {"a\nb", kShortText,
       "must be a single line without control characters (found U+000A at "
       "byte offset 1)"},
      {"a\tb", kShortText, "found U+0009"},
      {"a\r\nb", kLongText,
       "must not contain control characters other than line feed (\\n) and "
       "tab (\\t) (found U+000D at byte offset 1)"},
      {std::string("a\0b", 3), kLongText, "found U+0000"},
      {"a\x7f", kShortText, "found U+007F"},
      {"a\xc2\x85", kLongText, "found U+0085"},
      {"a\x1b[31m", kLongText, "found U+001B"},
      {"\xff", kShortText,
       "must be valid UTF-8 (invalid byte sequence at byte offset 0)"},
      {"ok \xc3", kShortText, "invalid byte sequence at byte offset 3"},
      {"\xc3\x28", kShortText, "must be valid UTF-8"},
      {"\xc0\xaf", kShortText, "must be valid UTF-8"},          // overlong
      {"\xe0\x80\xaf", kShortText, "must be valid UTF-8"},      // overlong
      {"\xf0\x80\x80\xaf", kShortText, "must be valid UTF-8"},  // overlong
      {"\xed\xa0\x80", kShortText, "must be valid UTF-8"},      // surrogate
      {"\xf4\x90\x80\x80", kShortText, "must be valid UTF-8"},  // > U+10FFFF
      {"\xf8\x88\x80\x80\x80", kShortText, "must be valid UTF-8"},
      {"\x80", kShortText, "must be valid UTF-8"},
      {"Klient 121212-1212 uppger", kLongText,
       "must not contain a personnummer or samordningsnummer (one begins at "
       "byte offset 7)"},
      {"pnr 191212121212", kOptionalShortText, "must not contain"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckText("plan.causes[0].description", c.text, c.rule);
    ExpectRejected(s, "plan.causes[0].description", c.text);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(CheckReference, AcceptsReferences) {
  for (absl::string_view ref :
       {"\xc3\x84N 2026/123", "KS-2026-0042", "klient-7f3a", "SN 2025/1234",
        "x", "Dnr 2026:14 \xc2\xa7 3"}) {
    EXPECT_TRUE(CheckReference("decision.reference", ref).ok()) << ref;
  }
  EXPECT_TRUE(CheckReference("decision.reference", std::string(100, 'r')).ok());
}

TEST(CheckReference, RejectsWithTheRule) {
  struct Case {
    std::string text;
    absl::string_view message;
  };
  const Case cases[] = {
      {"", "is required"},
      {std::string(101, 'r'), "must be at most 100 bytes of UTF-8 (is 101)"},
      {" SN 2026/1", "must not begin or end with whitespace"},
      {"SN 2026/1 ", "must not begin or end with whitespace"},
      {"\xc2\xa0SN", "must not begin or end with whitespace"},
      {" ", "must not begin or end with whitespace"},
      {"SN\t2026", "single line"},
      {"SN\n2026", "single line"},
      {"SN\xa0", "must be valid UTF-8"},
      {"Klient 121212-1212", "must not contain a personnummer"},
      {"1212121212", "must not contain a personnummer"},
      {absl::StrCat("klient ", Dashed("121272", "123")),
       "must not contain a personnummer"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckReference("review.client_reference", c.text);
    ExpectRejected(s, "review.client_reference", c.text);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message)) << c.text;
  }
}

TEST(CheckId, AcceptsIds) {
  for (absl::string_view id :
       {"c1", "case-2026.001", "A_b:c-d", "0780", "3f2a9c1e-77aa-4f0e"}) {
    EXPECT_TRUE(CheckId("command.case_id", id).ok()) << id;
  }
  EXPECT_TRUE(CheckId("command.case_id", std::string(64, 'a')).ok());
}

TEST(CheckId, RejectsWithTheRule) {
  struct Case {
    std::string text;
    absl::string_view message;
  };
  const Case cases[] = {
      {"", "must be 1 to 64 characters (is 0)"},
      {std::string(65, 'a'), "must be 1 to 64 characters (is 65)"},
      {"-abc", "must begin with a letter or digit"},
      {".abc", "must begin with a letter or digit"},
      {"_abc", "must begin with a letter or digit"},
      {":abc", "must begin with a letter or digit"},
      {"a b",
       "may contain only letters A-Z and a-z, digits, '.', '_', ':' "
       "and '-'"},
      {"a/b", "may contain only"},
      {"\xc3\xa5", "may contain only"},
      {std::string("a\0", 2), "may contain only"},
      {"121212-1212", "must not contain a personnummer"},
      {"case:1212121212", "must not contain a personnummer"},
  };
  for (const Case& c : cases) {
    absl::Status s = CheckId("command.case_id", c.text);
    ExpectRejected(s, "command.case_id", c.text);
    EXPECT_THAT(std::string(s.message()), HasSubstr(c.message)) << c.text;
  }
}

// Whatever rule trips first, the digits of a rejected personnummer never
// reach the message.
TEST(Privacy, NoMessageRepeatsAPersonnummer) {
  const std::string samordning = Dashed("121272", "123");
  const std::string numbers[] = {
      std::string(kTolvan), "1212121212",   "121212+1212", "121212 1212",
      "19121212-1212",      "191212121212", samordning,
  };
  for (const std::string& number : numbers) {
    std::string ten;
    for (char c : number) {
      if (c >= '0' && c <= '9') ten += c;
    }
    if (ten.size() == 12) ten = ten.substr(2);
    const std::string inputs[] = {
        number,
        absl::StrCat("Klient ", number, " har"),
        absl::StrCat(number, "\n\r"),
        absl::StrCat(number, std::string(300, 'x')),
        absl::StrCat(" ", number, " "),
        absl::StrCat("\xff", number),
        absl::StrCat("SE", ten, "-1"),
        absl::StrCat("16", ten),
        absl::StrCat(number, "0"),
    };
    for (const std::string& input : inputs) {
      const absl::Status statuses[] = {
          CheckText("f", input, kShortText),
          CheckText("f", input, kLongText),
          CheckText("f", input, kOptionalShortText),
          CheckReference("f", input),
          CheckId("f", input),
          CheckHsaId("f", input),
          CheckTenant("f", input),
          ParseOrganisationNumber("f", input).status(),
          CheckNoPersonalIdentityNumbers("f", input),
      };
      for (const absl::Status& s : statuses) {
        EXPECT_THAT(std::string(s.message()), Not(HasSubstr(ten))) << input;
        EXPECT_THAT(std::string(s.message()), Not(HasSubstr(ten.substr(0, 6))))
            << input;
        EXPECT_THAT(std::string(s.message()), Not(HasSubstr(number))) << input;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Properties

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// A valid personnummer or samordningsnummer in one of the recognised forms.
struct IdentityNumber {
  std::string text;  // as written
  std::string ten;   // YYMMDDNNNN
};

rc::Gen<IdentityNumber> GenIdentityNumber() {
  return rc::gen::exec([] {
    const int form = *rc::gen::inRange(0, 7);
    const bool twelve = form >= 4;
    const int year = *rc::gen::inRange(twelve ? 1800 : 1900, 2100);
    const int month = *rc::gen::inRange(1, 13);
    const int day = *rc::gen::inRange(1, DaysIn(year, month) + 1);
    const bool samordning = *rc::gen::arbitrary<bool>();
    const int serial = *rc::gen::inRange(0, 1000);
    const std::string ten =
        WithCheckDigit(absl::StrFormat("%02d%02d%02d%03d", year % 100, month,
                                       day + (samordning ? 60 : 0), serial));
    const std::string date = absl::StrCat(
        twelve ? std::to_string(year / 100) : "", ten.substr(0, 6));
    static constexpr absl::string_view kSeparators[] = {"", "-", "+", " ",
                                                        "", "-", " "};
    return IdentityNumber{absl::StrCat(date, kSeparators[form], ten.substr(6)),
                          ten};
  });
}

rc::Gen<std::string> GenNonDigitText() {
  return rc::gen::container<std::string>(rc::gen::suchThat(
      rc::gen::arbitrary<char>(), [](char c) { return c < '0' || c > '9'; }));
}

RC_GTEST_PROP(GuardProperty, FindsEveryNumberInNonDigitText, ()) {
  const IdentityNumber number = *GenIdentityNumber();
  const std::string before = *GenNonDigitText();
  const std::string after = *GenNonDigitText();
  const std::string text = before + number.text + after;
  const std::optional<IdentityNumberMatch> m = FindPersonalIdentityNumber(text);
  RC_ASSERT(m.has_value());
  RC_ASSERT(m->offset == before.size());
  RC_ASSERT(m->length == number.text.size());
  const absl::Status s = CheckText("f", text, kOptionalLongText);
  RC_ASSERT(!s.ok());
  RC_ASSERT(s.message().find(number.ten) == absl::string_view::npos);
  RC_ASSERT(s.message().find(number.text) == absl::string_view::npos);
}

RC_GTEST_PROP(GuardProperty, FindsEveryNumberInArbitraryBytes, ()) {
  const IdentityNumber number = *GenIdentityNumber();
  const std::string before = *rc::gen::arbitrary<std::string>();
  const std::string after = *rc::gen::arbitrary<std::string>();
  // Any non-digit byte delimits the number, whatever else surrounds it.
  const char left = *rc::gen::suchThat(
      rc::gen::arbitrary<char>(), [](char c) { return c < '0' || c > '9'; });
  const char right = *rc::gen::suchThat(
      rc::gen::arbitrary<char>(), [](char c) { return c < '0' || c > '9'; });
  RC_ASSERT(ContainsPersonalIdentityNumber(before + left + number.text + right +
                                           after));
}

RC_GTEST_PROP(GuardProperty, AWrongCheckDigitIsNotANumber, ()) {
  const IdentityNumber number = *GenIdentityNumber();
  const int delta = *rc::gen::inRange(1, 10);
  const std::string text = *GenNonDigitText() +
                           WithWrongCheckDigit(number.text, delta) +
                           *GenNonDigitText();
  RC_ASSERT(!ContainsPersonalIdentityNumber(text));
  RC_ASSERT(CheckNoPersonalIdentityNumbers("f", text).ok());
}

RC_GTEST_PROP(GuardProperty, ALongerDigitRunIsNotANumber, ()) {
  const IdentityNumber number = *GenIdentityNumber();
  const char digit = *rc::gen::inRange('0', static_cast<char>('9' + 1));
  const bool in_front = *rc::gen::arbitrary<bool>();
  const std::string text = in_front ? std::string(1, digit) + number.text
                                    : number.text + std::string(1, digit);
  RC_ASSERT(!ContainsPersonalIdentityNumber(text));
}

// A legal person's number: group digit, a third digit of at least 2, Luhn.
rc::Gen<std::string> GenLegalPersonNumber() {
  return rc::gen::exec([] {
    std::string nine;
    nine += static_cast<char>(*rc::gen::inRange('1', ':'));
    nine += static_cast<char>(*rc::gen::inRange('0', ':'));
    nine += static_cast<char>(*rc::gen::inRange('2', ':'));
    for (int i = 0; i < 6; ++i) {
      nine += static_cast<char>(*rc::gen::inRange('0', ':'));
    }
    return WithCheckDigit(nine);
  });
}

RC_GTEST_PROP(OrganisationNumberProperty, LegalPersonsRoundTrip, ()) {
  const std::string ten = *GenLegalPersonNumber();
  const std::string normalized =
      absl::StrCat(ten.substr(0, 6), "-", ten.substr(6));
  for (const std::string& form : {ten, normalized, absl::StrCat("16", ten),
                                  absl::StrCat("16", normalized)}) {
    const absl::StatusOr<OrganisationNumber> parsed =
        ParseOrganisationNumber("f", form);
    RC_ASSERT(parsed.ok());
    RC_ASSERT(parsed->normalized == normalized);
    RC_ASSERT(!parsed->personal_data);
    const absl::StatusOr<OrganisationNumber> again =
        ParseOrganisationNumber("f", parsed->normalized);
    RC_ASSERT(again.ok());
    RC_ASSERT(again->normalized == normalized);
  }
  RC_ASSERT(!ContainsPersonalIdentityNumber(ten));
  RC_ASSERT(!ContainsPersonalIdentityNumber(normalized));
}

RC_GTEST_PROP(OrganisationNumberProperty, SoleTradersAreMarkedPersonal, ()) {
  const IdentityNumber number = *GenIdentityNumber();
  const absl::StatusOr<OrganisationNumber> parsed =
      ParseOrganisationNumber("f", number.ten);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(parsed->personal_data);
  RC_ASSERT(parsed->normalized ==
            absl::StrCat(number.ten.substr(0, 6), "-", number.ten.substr(6)));
  RC_ASSERT(ContainsPersonalIdentityNumber(parsed->normalized));
}

RC_GTEST_PROP(OrganisationNumberProperty, AnyOneWrongDigitIsRejected, ()) {
  std::string ten = *GenLegalPersonNumber();
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, 10);
  const int delta = *rc::gen::inRange(1, 10);
  ten[at] = static_cast<char>('0' + (ten[at] - '0' + delta) % 10);
  const absl::StatusOr<OrganisationNumber> parsed =
      ParseOrganisationNumber("f", ten);
  RC_ASSERT(!parsed.ok());
  RC_ASSERT(parsed.status().message() ==
            "f: check digit does not match (Luhn)");
}

}  // namespace
}  // namespace atgard::domain
