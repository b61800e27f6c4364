// Structured logging: one line per notable event, as JSON when stdout is not
// a terminal (so collectors can parse it) and as readable text when it is.
//
//   log::Info("server_started", {{"listen", address}, {"data_dir", dir}});
//
// prints `{"ts":"2026-11-23T10:00:00.123Z","level":"info","event":
// "server_started","listen":"127.0.0.1:50051","data_dir":"./data"}`.
//
// Every JSON line is one object, built and serialised by nlohmann-json, and
// parses whatever the keys and values hold: strings are escaped and invalid
// UTF-8 in them becomes U+FFFD. Its keys are unique: "ts" (UTC, to the
// millisecond), "level" ("trace", "debug", "info", "warning" or "error")
// and "event" come first, then the fields in the order given. A field
// whose key is "ts", "level" or "event" is written as "field_ts",
// "field_level" or "field_event" instead, so that it can neither hide nor
// repeat the line's own; of fields whose keys are the same (after that
// renaming and U+FFFD replacement) only the first is written.
//
// Text lines (for terminals) are "<ts> <level> <event> key=value ...",
// with values quoted only where they would otherwise be ambiguous.
//
// Thread-safe. Init() should be called once at start-up before other
// threads log; until then lines go to stdout with the default settings.
#ifndef ATGARD_SERVICES_COMMON_LOG_H_
#define ATGARD_SERVICES_COMMON_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace atgard::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };
enum class Format { kAuto, kJson, kText };

// Parses "trace", "debug", "info", "warn" or "error".
[[nodiscard]] absl::Status ParseLevel(absl::string_view text, Level* level);
// Parses "auto", "json" or "text".
[[nodiscard]] absl::Status ParseFormat(absl::string_view text, Format* format);

// Sets the threshold and the output format. kAuto picks JSON unless stdout
// is a terminal.
void Init(Level level, Format format);

// One key and its value. In JSON, strings are strings and integers, finite
// doubles and booleans are numbers and booleans; an infinite or NaN double
// is the string "inf", "-inf" or "nan", which JSON has no number for.
class Field {
 public:
  // Numbers and booleans keep their type until a line is written, so JSON
  // gets them as numbers and the text format as digits.
  using Value = std::variant<std::string, int64_t, uint64_t, double, bool>;

  Field(absl::string_view key, absl::string_view value);
  Field(absl::string_view key, const char* value);
  Field(absl::string_view key, const std::string& value);
  Field(absl::string_view key, int64_t value);
  Field(absl::string_view key, int value);
  Field(absl::string_view key, uint64_t value);
  Field(absl::string_view key, double value);
  Field(absl::string_view key, bool value);
  Field(absl::string_view key, const absl::Status& status);

  absl::string_view key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  absl::string_view key_;
  Value value_;
};

// Logs `event` (a short snake_case name) with `fields` at `level`.
void Log(Level level, absl::string_view event,
         std::initializer_list<Field> fields = {});

inline void Debug(absl::string_view event,
                  std::initializer_list<Field> f = {}) {
  Log(Level::kDebug, event, f);
}
inline void Info(absl::string_view event, std::initializer_list<Field> f = {}) {
  Log(Level::kInfo, event, f);
}
inline void Warn(absl::string_view event, std::initializer_list<Field> f = {}) {
  Log(Level::kWarn, event, f);
}
inline void Error(absl::string_view event,
                  std::initializer_list<Field> f = {}) {
  Log(Level::kError, event, f);
}

// True if a line at `level` would be written.
bool Enabled(Level level);

}  // namespace atgard::log

#endif  // ATGARD_SERVICES_COMMON_LOG_H_
