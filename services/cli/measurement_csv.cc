#include "services/cli/measurement_csv.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace atgard::cli {
namespace {

constexpr absl::string_view kBom = "\xEF\xBB\xBF";

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates).
bool IsUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    int extra = 0;
    uint32_t min = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, min = 0x80, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, min = 0x800, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, min = 0x10000, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char d = text[i + k];
      if ((d & 0xC0) != 0x80) return false;
      code = (code << 6) | (d & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// A column name as matched: lower case, å/ä/ö as a/a/o, spaces and
// hyphens as '_'.
std::string ColumnKey(absl::string_view name) {
  std::string key =
      absl::StrReplaceAll(absl::StripAsciiWhitespace(name), {{"Å", "a"},
                                                             {"Ä", "a"},
                                                             {"Ö", "o"},
                                                             {"å", "a"},
                                                             {"ä", "a"},
                                                             {"ö", "o"},
                                                             {" ", "_"},
                                                             {"-", "_"}});
  absl::AsciiStrToLower(&key);
  return key;
}

// A value word as matched: as a column name, without the separators.
std::string WordKey(absl::string_view word) {
  return absl::StrReplaceAll(ColumnKey(word), {{"_", ""}});
}

enum Column {
  kId,
  kProvider,
  kUnit,
  kIndicator,
  kIndicatorName,
  kKind,
  kArea,
  kPeriodStart,
  kPeriodEnd,
  kValue,
  kLevel,
  kHigherIsBetter,
  kMeasuredOn,
  kBaseRequirement,
  kRowKey,
  kColumnCount
};

struct ColumnSpec {
  const char* name;
  bool required;
};

constexpr ColumnSpec kColumns[kColumnCount] = {
    {"matning", true},         {"utforare", true},
    {"enhet", true},           {"indikator", true},
    {"indikatornamn", true},   {"indikatortyp", true},
    {"kvalitetsomrade", true}, {"period_fran", true},
    {"period_till", true},     {"varde", true},
    {"godkand_niva", true},    {"hogre_ar_battre", true},
    {"matdatum", true},        {"grundkrav", false},
    {"radnyckel", false},
};

// "12,5", "12.5", "-3", "1 234,5" (a space, or a no-break space, between
// thousands).
std::optional<double> Number(absl::string_view text) {
  std::string s = absl::StrReplaceAll(absl::StripAsciiWhitespace(text),
                                      {{"\xC2\xA0", ""}, {" ", ""}});
  if (s.find(',') != std::string::npos && s.find('.') != std::string::npos) {
    return std::nullopt;  // ambiguous: which one is the decimal mark?
  }
  absl::StrReplaceAll({{",", "."}}, &s);
  double value = 0;
  if (s.empty() || !absl::SimpleAtod(s, &value)) return std::nullopt;
  // SimpleAtod accepts "inf" and "nan", which no measurement is.
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && c != '.' && c != '-' && c != '+') {
      return std::nullopt;
    }
  }
  return value;
}

std::optional<v1::Date> DateOf(absl::string_view text) {
  absl::CivilDay day;
  const absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.size() != 10 || !absl::ParseCivilTime(s, &day) ||
      absl::FormatCivilTime(day) != s) {
    return std::nullopt;
  }
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::optional<bool> YesNo(absl::string_view text) {
  const std::string w = WordKey(text);
  if (w == "ja" || w == "1") return true;
  if (w == "nej" || w == "0") return false;
  return std::nullopt;
}

std::optional<v1::IndicatorKind> KindOf(absl::string_view text) {
  const std::string w = WordKey(text);
  if (w == "struktur") return v1::INDICATOR_KIND_STRUCTURE;
  if (w == "process") return v1::INDICATOR_KIND_PROCESS;
  if (w == "resultat") return v1::INDICATOR_KIND_RESULT;
  return std::nullopt;
}

std::optional<v1::QualityArea> AreaOf(absl::string_view text) {
  const std::string w = WordKey(text);
  if (w == "individanpassad") return v1::QUALITY_AREA_INDIVIDUAL_ADAPTATION;
  if (w == "tillganglig") return v1::QUALITY_AREA_ACCESSIBILITY;
  if (w == "kunskapsbaserad") return v1::QUALITY_AREA_KNOWLEDGE_BASED;
  if (w == "saker") return v1::QUALITY_AREA_SAFETY;
  if (w == "jamlik") return v1::QUALITY_AREA_EQUALITY;
  if (w == "effektiv") return v1::QUALITY_AREA_EFFICIENCY;
  return std::nullopt;
}

std::string Quoted(absl::string_view value) {
  return absl::StrCat("\"", value.substr(0, 40), value.size() > 40 ? "…" : "",
                      "\"");
}

// Fills row->command from `fields`; the first problem found, or "".
std::string FillRow(const std::vector<std::string>& fields,
                    const int (&index)[kColumnCount], MeasurementRow* row) {
  auto get = [&](Column c) -> absl::string_view {
    const int i = index[c];
    return i >= 0 && static_cast<size_t>(i) < fields.size()
               ? absl::string_view(fields[i])
               : absl::string_view();
  };
  auto bad = [&](Column c, absl::string_view what) {
    return absl::StrCat(kColumns[c].name, ": ", Quoted(get(c)), " ", what);
  };
  v1::RecordMeasurement& command = row->command;
  v1::Measurement& m = *command.mutable_measurement();
  command.set_measurement_id(std::string(absl::StripAsciiWhitespace(get(kId))));
  // The key first, so that a row refused below is still named by it.
  const absl::string_view key = absl::StripAsciiWhitespace(get(kRowKey));
  row->row_key = key.empty()
                     ? absl::StrCat("matning-", command.measurement_id())
                     : std::string(key);
  m.set_provider_id(std::string(absl::StripAsciiWhitespace(get(kProvider))));
  m.set_unit_id(std::string(absl::StripAsciiWhitespace(get(kUnit))));
  m.set_indicator_id(std::string(absl::StripAsciiWhitespace(get(kIndicator))));
  m.set_indicator_name(
      std::string(absl::StripAsciiWhitespace(get(kIndicatorName))));
  for (Column c : {kId, kProvider, kUnit, kIndicator, kIndicatorName}) {
    if (absl::StripAsciiWhitespace(get(c)).empty()) {
      return absl::StrCat(kColumns[c].name, ": is empty");
    }
  }
  const std::optional<v1::IndicatorKind> kind = KindOf(get(kKind));
  if (!kind) return bad(kKind, "is not struktur, process or resultat");
  m.set_kind(*kind);
  const std::optional<v1::QualityArea> area = AreaOf(get(kArea));
  if (!area) {
    return bad(kArea,
               "is not individanpassad, tillgänglig, kunskapsbaserad, säker, "
               "jämlik or effektiv");
  }
  m.set_quality_area(*area);
  for (auto [c, date] : {std::pair{kPeriodStart, m.mutable_period_start()},
                         std::pair{kPeriodEnd, m.mutable_period_end()},
                         std::pair{kMeasuredOn, m.mutable_measured_on()}}) {
    const std::optional<v1::Date> d = DateOf(get(c));
    if (!d) return bad(c, "is not a date YYYY-MM-DD");
    *date = *d;
  }
  const std::optional<double> value = Number(get(kValue));
  if (!value) return bad(kValue, "is not a number");
  m.set_value(*value);
  const std::optional<double> level = Number(get(kLevel));
  if (!level) return bad(kLevel, "is not a number");
  m.set_approved_level(*level);
  const std::optional<bool> higher = YesNo(get(kHigherIsBetter));
  if (!higher) return bad(kHigherIsBetter, "is not ja or nej");
  m.set_higher_is_better(*higher);
  if (index[kBaseRequirement] >= 0 &&
      !absl::StripAsciiWhitespace(get(kBaseRequirement)).empty()) {
    const std::optional<bool> base = YesNo(get(kBaseRequirement));
    if (!base) return bad(kBaseRequirement, "is not ja or nej");
    m.set_base_requirement(*base);
  }
  return "";
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseSemicolonCsv(
    absl::string_view text) {
  absl::ConsumePrefix(&text, kBom);
  std::vector<CsvRecord> records;
  uint64_t line = 1;
  size_t i = 0;
  // Excel's hint naming the separator, on a line of its own.
  if (absl::StartsWithIgnoreCase(text, "sep=")) {
    while (i < text.size() && text[i] != '\n') ++i;
    if (i < text.size()) ++i;
    ++line;
  }
  while (i < text.size()) {
    CsvRecord record{.line = line};
    std::string field;
    bool quoted_field = false;
    bool end_of_record = false;
    while (!end_of_record) {
      if (i >= text.size()) {
        end_of_record = true;
      } else if (text[i] == '"' && field.empty() && !quoted_field) {
        // A quoted field: up to the closing quote, "" standing for '"'.
        quoted_field = true;
        const uint64_t started = line;
        ++i;
        for (;;) {
          if (i >= text.size()) {
            return absl::InvalidArgumentError(
                absl::StrCat("line ", started, ": a quoted field never ends"));
          }
          if (text[i] == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field.push_back(text[i++]);
        }
      } else if (text[i] == ';') {
        record.fields.push_back(std::move(field));
        field.clear();
        quoted_field = false;
        ++i;
      } else if (text[i] == '\r' && i + 1 < text.size() &&
                 text[i + 1] == '\n') {
        i += 2;
        ++line;
        end_of_record = true;
      } else if (text[i] == '\n') {
        ++i;
        ++line;
        end_of_record = true;
      } else {
        field.push_back(text[i++]);
      }
    }
    record.fields.push_back(std::move(field));
    const bool empty =
        record.fields.size() == 1 && record.fields[0].empty() && !quoted_field;
    if (empty) continue;
    for (const std::string& f : record.fields) {
      if (!IsUtf8(f)) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", record.line,
                         ": is not UTF-8 (save the file as \"CSV UTF-8\")"));
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<std::vector<MeasurementRow>> ReadMeasurementCsv(
    absl::string_view text) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseSemicolonCsv(text);
  if (!records.ok()) return records.status();
  if (records->empty()) {
    return absl::InvalidArgumentError("the file has no header row");
  }
  const CsvRecord& header = records->front();
  int index[kColumnCount];
  for (int& i : index) i = -1;
  for (size_t f = 0; f < header.fields.size(); ++f) {
    const std::string key = ColumnKey(header.fields[f]);
    for (int c = 0; c < kColumnCount; ++c) {
      if (key != kColumns[c].name) continue;
      if (index[c] >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", header.line, ": column ", kColumns[c].name,
                         " is named twice"));
      }
      index[c] = static_cast<int>(f);
    }
  }
  for (int c = 0; c < kColumnCount; ++c) {
    if (kColumns[c].required && index[c] < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": the column ", kColumns[c].name,
                       " is missing (a header row names the columns; a "
                       "file saved with ',' between fields is not read)"));
    }
  }
  std::vector<MeasurementRow> rows;
  rows.reserve(records->size() - 1);
  for (size_t r = 1; r < records->size(); ++r) {
    MeasurementRow row{.line = (*records)[r].line};
    row.problem = FillRow((*records)[r].fields, index, &row);
    if (row.problem.empty() &&
        (*records)[r].fields.size() > header.fields.size()) {
      row.problem = absl::StrCat("has ", (*records)[r].fields.size(),
                                 " fields, the header ", header.fields.size());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace atgard::cli
