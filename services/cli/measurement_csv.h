// Reads a file of measurements as Swedish spreadsheets write it, for
// `atgardctl import measurements`: CSV with ';' between fields and a
// decimal comma (what Excel saves as "CSV (semikolonavgränsad)" in a
// Swedish locale), UTF-8 with or without a byte-order mark, an optional
// "sep=;" first line, fields quoted with '"' when they hold ';', '"' or a
// line break, CRLF or LF line ends.
//
// The first row names the columns; their order is free, their names are
// matched without regard to case, å/ä/ö (written a/a/o), spaces and
// hyphens (written '_'):
//
//   matning          the measurement's id (mätnings-id)
//   utforare         the provider's id (utförare)
//   enhet            the unit's id
//   indikator        the indicator's id
//   indikatornamn    the indicator's name, as reports show it
//   indikatortyp     struktur | process | resultat
//   kvalitetsomrade  individanpassad | tillganglig | kunskapsbaserad |
//                    saker | jamlik | effektiv (å/ä/ö allowed)
//   period_fran      first day of the period measured, YYYY-MM-DD
//   period_till      last day of the period measured, YYYY-MM-DD
//   varde            the value: 12,5 or 12.5; spaces between thousands
//   godkand_niva     the approved level, as the value
//   hogre_ar_battre  ja | nej: whether a value above the level is better
//   matdatum         when it was measured, YYYY-MM-DD
// and optionally
//   grundkrav        ja | nej (default nej): the indicator is a base
//                    requirement
//   radnyckel        the row's idempotency key (default
//                    "matning-<matning>"), for files whose measurement
//                    ids are not stable across exports
//
// Only the file's form is checked here (columns present, numbers, dates,
// the words above); the server applies the domain's rules to each row.
// Pure functions, no I/O; thread-compatible.
#ifndef ATGARD_SERVICES_CLI_MEASUREMENT_CSV_H_
#define ATGARD_SERVICES_CLI_MEASUREMENT_CSV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "atgard/v1/commands.pb.h"

namespace atgard::cli {

// One record of a CSV file: its fields, unquoted, and the line it starts
// on (1 for the first line, as a spreadsheet numbers its rows).
struct CsvRecord {
  uint64_t line = 0;
  std::vector<std::string> fields;
};

// Splits `text` into records (see above for the form). A leading BOM and a
// "sep=;" line are skipped, and so are empty lines. INVALID_ARGUMENT naming
// the line for text that is not UTF-8 or a quoted field that never ends.
[[nodiscard]] absl::StatusOr<std::vector<CsvRecord>> ParseSemicolonCsv(
    absl::string_view text);

// A row of the file that became a command, or what was wrong with it.
struct MeasurementRow {
  // The line the row starts on.
  uint64_t line = 0;
  std::string row_key;
  v1::RecordMeasurement command;
  // Set when the row could not be read: the column and what is wrong
  // ("varde: \"12,x\" is not a number"); `command` is then incomplete.
  std::string problem;
};

// The rows of a measurement file, one per record after the header.
// INVALID_ARGUMENT for a file that cannot be read as such: not CSV, no
// header, a required column missing (named), a column named twice. A row
// with a bad value is returned with its problem, so that the others can
// still be imported.
[[nodiscard]] absl::StatusOr<std::vector<MeasurementRow>> ReadMeasurementCsv(
    absl::string_view text);

}  // namespace atgard::cli

#endif  // ATGARD_SERVICES_CLI_MEASUREMENT_CSV_H_
