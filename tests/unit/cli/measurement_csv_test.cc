// Reading a measurement file as a Swedish spreadsheet saves it: the CSV
// form (separator, quotes, byte-order mark, line ends, Excel's "sep=" line)
// and the columns, numbers, dates and words of measurement_csv.h.
#include "services/cli/measurement_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace atgard::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHeader[] =
    "matning;utforare;enhet;indikator;indikatornamn;indikatortyp;"
    "kvalitetsomrade;period_fran;period_till;varde;godkand_niva;"
    "hogre_ar_battre;matdatum\r\n";

std::string Row(const std::string& id, const std::string& value = "12,5",
                const std::string& area = "individanpassad") {
  return absl::StrCat(id,
                      ";omsorgsbolaget;hemtjanst-norr;kontinuitet;"
                      "\"Kontinuitet; personal per brukare\";resultat;",
                      area, ";2026-01-01;2026-06-30;", value,
                      ";10;nej;2026-08-15\r\n");
}

TEST(SemicolonCsv, QuotesSeparatorsAndLineEnds) {
  const auto records = ParseSemicolonCsv(
      "\xEF\xBB\xBFsep=;\r\na;\"b;c\";\"say \"\"hi\"\"\"\r\n\r\n"
      "\"two\nlines\";x\nlast;");
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0].line, 2u);
  EXPECT_THAT((*records)[0].fields, ElementsAre("a", "b;c", "say \"hi\""));
  EXPECT_EQ((*records)[1].line, 4u);
  EXPECT_THAT((*records)[1].fields, ElementsAre("two\nlines", "x"));
  EXPECT_EQ((*records)[2].line, 6u);
  EXPECT_THAT((*records)[2].fields, ElementsAre("last", ""));
}

TEST(SemicolonCsv, AQuoteThatNeverEndsNamesItsLine) {
  const auto records = ParseSemicolonCsv("a;b\n\"open;c\n");
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 2"));
}

TEST(SemicolonCsv, TextThatIsNotUtf8IsRefused) {
  // "Säker" as Windows-1252 saves it.
  const auto records = ParseSemicolonCsv("a;b\nS\xE4ker;1\n");
  EXPECT_EQ(records.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(records.status().message(), HasSubstr("line 2"));
  EXPECT_THAT(records.status().message(), HasSubstr("UTF-8"));
}

TEST(MeasurementCsv, ARowBecomesTheCommand) {
  const auto rows = ReadMeasurementCsv(absl::StrCat(kHeader, Row("m-1")));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const MeasurementRow& row = (*rows)[0];
  EXPECT_EQ(row.problem, "");
  EXPECT_EQ(row.line, 2u);
  EXPECT_EQ(row.row_key, "matning-m-1");
  const v1::Measurement& m = row.command.measurement();
  EXPECT_EQ(row.command.measurement_id(), "m-1");
  EXPECT_EQ(m.provider_id(), "omsorgsbolaget");
  EXPECT_EQ(m.unit_id(), "hemtjanst-norr");
  EXPECT_EQ(m.indicator_id(), "kontinuitet");
  EXPECT_EQ(m.indicator_name(), "Kontinuitet; personal per brukare");
  EXPECT_EQ(m.kind(), v1::INDICATOR_KIND_RESULT);
  EXPECT_EQ(m.quality_area(), v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION);
  EXPECT_EQ(m.period_start().month(), 1);
  EXPECT_EQ(m.period_end().day(), 30);
  EXPECT_DOUBLE_EQ(m.value(), 12.5);
  EXPECT_DOUBLE_EQ(m.approved_level(), 10);
  EXPECT_FALSE(m.higher_is_better());
  EXPECT_FALSE(m.base_requirement());
  EXPECT_EQ(m.measured_on().year(), 2026);
}

TEST(MeasurementCsv, ColumnsInAnyOrderWithSwedishLettersAndOptionalOnes) {
  const std::string text =
      "Mätdatum;Högre är bättre;Godkänd nivå;Värde;Period till;Period från;"
      "Kvalitetsområde;Indikatortyp;Indikatornamn;Indikator;Enhet;Utförare;"
      "Mätning;Grundkrav;Radnyckel\n"
      "2026-08-15;Ja;85;1 234,5;2026-06-30;2026-01-01;Säker;Process;"
      "Fall;fall;ekbacken;vaxjo-egen-regi;m-2;ja;export-7\n";
  const auto rows = ReadMeasurementCsv(text);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  const MeasurementRow& row = (*rows)[0];
  EXPECT_EQ(row.problem, "");
  EXPECT_EQ(row.row_key, "export-7");
  EXPECT_DOUBLE_EQ(row.command.measurement().value(), 1234.5);
  EXPECT_TRUE(row.command.measurement().higher_is_better());
  EXPECT_TRUE(row.command.measurement().base_requirement());
  EXPECT_EQ(row.command.measurement().quality_area(), v1::QUALITY_AREA_SAFETY);
  EXPECT_EQ(row.command.measurement().kind(), v1::INDICATOR_KIND_PROCESS);
}

TEST(MeasurementCsv, ABadValueRefusesItsRowAndNamesTheColumn) {
  const auto rows = ReadMeasurementCsv(
      absl::StrCat(kHeader, Row("m-1", "12,x"), Row("m-2"), Row("m-3", "1,5.0"),
                   Row("m-4", "7", "trygg"), Row("m-5", "inf")));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_THAT((*rows)[0].problem, HasSubstr("varde: \"12,x\""));
  EXPECT_EQ((*rows)[0].row_key, "matning-m-1");
  EXPECT_EQ((*rows)[1].problem, "");
  EXPECT_THAT((*rows)[2].problem, HasSubstr("varde"));
  EXPECT_THAT((*rows)[3].problem, HasSubstr("kvalitetsomrade: \"trygg\""));
  EXPECT_THAT((*rows)[4].problem, HasSubstr("varde"));
  EXPECT_EQ((*rows)[4].line, 6u);
}

TEST(MeasurementCsv, DatesMustBeWholeCalendarDates) {
  std::string text = kHeader;
  text += absl::StrCat(
      "m-1;p;u;i;n;resultat;effektiv;2026-02-30;2026-06-30;1;1;ja;2026-08-15\n",
      "m-2;p;u;i;n;resultat;effektiv;2026-01-01;2026-06-30;1;1;ja;15/8/2026\n");
  const auto rows = ReadMeasurementCsv(text);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT((*rows)[0].problem, HasSubstr("period_fran"));
  EXPECT_THAT((*rows)[1].problem, HasSubstr("matdatum"));
}

TEST(MeasurementCsv, AFileWithoutTheColumnsIsRefusedWhole) {
  EXPECT_THAT(ReadMeasurementCsv("").status().message(),
              HasSubstr("no header"));
  // Saved with ',' between fields: one column, and the first missing is
  // named.
  const auto commas = ReadMeasurementCsv(
      "matning,utforare,enhet\nm-1,omsorgsbolaget,hemtjanst-norr\n");
  EXPECT_EQ(commas.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(commas.status().message(), HasSubstr("the column matning"));
  const auto twice =
      ReadMeasurementCsv(absl::StrCat("Varde;", kHeader, "1;", Row("m-1")));
  EXPECT_THAT(twice.status().message(), HasSubstr("varde is named twice"));
}

}  // namespace
}  // namespace atgard::cli
