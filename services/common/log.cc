#include "services/common/log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <variant>

#include "absl/strings/str_cat.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace atgard::log {
namespace {

std::atomic<bool> g_json{true};

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// Quotes, backslashes and control characters are escaped and invalid UTF-8
// becomes U+FFFD, so that a value from a client can neither break the line
// nor make it invalid JSON.
constexpr auto kReplaceInvalidUtf8 = nlohmann::json::error_handler_t::replace;

// `s` as a JSON string. The scratch value keeps its buffer, so this costs
// one copy and one dump.
void AppendJsonString(std::string* out, absl::string_view s) {
  thread_local nlohmann::json scratch = std::string();
  std::string& text = scratch.get_ref<std::string&>();
  text.assign(s.data(), s.size());
  out->append(
      scratch.dump(-1, ' ', /*ensure_ascii=*/false, kReplaceInvalidUtf8));
}

// Text values are quoted only when they would otherwise be ambiguous.
void AppendTextValue(std::string* out, absl::string_view s) {
  if (!s.empty() && s.find_first_of(" \"=\n\t") == absl::string_view::npos) {
    out->append(s.data(), s.size());
  } else {
    AppendJsonString(out, s);
  }
}

// A non-string value as the text format writes it.
std::string NonStringText(const Field::Value& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<int64_t>(&value)) return absl::StrCat(*i);
  if (const auto* u = std::get_if<uint64_t>(&value)) return absl::StrCat(*u);
  return absl::StrCat(std::get<double>(value));
}

// The JSON value of a field.
nlohmann::ordered_json JsonValue(const Field::Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* b = std::get_if<bool>(&value)) return *b;
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  if (const auto* u = std::get_if<uint64_t>(&value)) return *u;
  const double d = std::get<double>(value);
  // JSON has no infinity or NaN.
  if (!std::isfinite(d)) return absl::StrCat(d);
  return d;
}

// The key a field is written under: its own, unless the line's keys use it
// (see log.h). Invalid UTF-8 is replaced here, not only when the line is
// dumped, so that two keys that differ only in invalid bytes are seen to be
// the same key before they are both written.
std::string JsonKey(absl::string_view key) {
  if (key == "ts" || key == "level" || key == "event") {
    return absl::StrCat("field_", key);
  }
  const bool ascii = std::all_of(key.begin(), key.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
  if (ascii) return std::string(key);
  std::string quoted;
  AppendJsonString(&quoted, key);
  return nlohmann::json::parse(quoted).get<std::string>();
}

// "2026-11-23T10:00:00.123Z" (UTC), as the text format's pattern writes
// the time. The part up to the seconds changes once a second, so each
// thread keeps its last one.
std::string Timestamp(spdlog::log_clock::time_point time) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32] = "";
  const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         time.time_since_epoch())
                         .count();
  const int64_t floor_seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  const std::time_t second = static_cast<std::time_t>(floor_seconds);
  const int millis = static_cast<int>(ms - floor_seconds * 1000);
  if (second != cached_second) {
    std::tm utc;
    gmtime_r(&second, &utc);
    std::strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &utc);
    cached_second = second;
  }
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", cached, millis);
  return out;
}

// The JSON line: one object, dumped once.
std::string JsonLine(spdlog::log_clock::time_point time,
                     spdlog::level::level_enum level, absl::string_view event,
                     std::initializer_list<Field> fields) {
  // Reused per thread: clearing an object keeps its storage for the next
  // line's members.
  thread_local nlohmann::ordered_json line = nlohmann::ordered_json::object();
  line.clear();
  line.emplace("ts", Timestamp(time));
  const spdlog::string_view_t level_name = spdlog::level::to_string_view(level);
  line.emplace("level", std::string(level_name.data(), level_name.size()));
  line.emplace("event", std::string(event));
  for (const Field& f : fields) {
    // emplace keeps the first of equal keys: no key is written twice.
    line.emplace(JsonKey(f.key()), JsonValue(f.value()));
  }
  return line.dump(-1, ' ', /*ensure_ascii=*/false, kReplaceInvalidUtf8);
}

std::string TextLine(absl::string_view event,
                     std::initializer_list<Field> fields) {
  std::string line(event);
  for (const Field& f : fields) {
    line.push_back(' ');
    line.append(f.key().data(), f.key().size());
    line.push_back('=');
    if (const auto* s = std::get_if<std::string>(&f.value())) {
      AppendTextValue(&line, *s);
    } else {
      AppendTextValue(&line, NonStringText(f.value()));
    }
  }
  return line;
}

std::shared_ptr<spdlog::logger> MakeLogger(bool json) {
  auto logger = std::make_shared<spdlog::logger>(
      "atgard", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  // A JSON line is complete when it reaches spdlog (JsonLine); only text
  // lines get their time and level from the pattern.
  logger->set_pattern(json ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  // Every line is flushed: a crash or SIGKILL must not lose the last lines.
  logger->flush_on(spdlog::level::trace);
  return logger;
}

// Installs the JSON default exactly once, before the first line or Init().
void EnsureDefaultLogger() {
  static const bool installed = [] {
    spdlog::set_default_logger(MakeLogger(/*json=*/true));
    return true;
  }();
  (void)installed;
}

spdlog::logger& Logger() {
  EnsureDefaultLogger();
  return *spdlog::default_logger_raw();
}

}  // namespace

absl::Status ParseLevel(absl::string_view text, Level* level) {
  if (text == "trace") {
    *level = Level::kTrace;
  } else if (text == "debug") {
    *level = Level::kDebug;
  } else if (text == "info") {
    *level = Level::kInfo;
  } else if (text == "warn") {
    *level = Level::kWarn;
  } else if (text == "error") {
    *level = Level::kError;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("log level \"", text,
                     "\" is not one of trace, debug, info, warn, error"));
  }
  return absl::OkStatus();
}

absl::Status ParseFormat(absl::string_view text, Format* format) {
  if (text == "auto") {
    *format = Format::kAuto;
  } else if (text == "json") {
    *format = Format::kJson;
  } else if (text == "text") {
    *format = Format::kText;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "log format \"", text, "\" is not one of auto, json, text"));
  }
  return absl::OkStatus();
}

void Init(Level level, Format format) {
  EnsureDefaultLogger();
  const bool json = format == Format::kJson ||
                    (format == Format::kAuto && !isatty(STDOUT_FILENO));
  g_json.store(json);
  auto logger = MakeLogger(json);
  logger->set_level(ToSpd(level));
  spdlog::set_default_logger(std::move(logger));
}

Field::Field(absl::string_view key, absl::string_view value)
    : key_(key), value_(std::string(value)) {}
Field::Field(absl::string_view key, const char* value)
    : Field(key, absl::string_view(value)) {}
Field::Field(absl::string_view key, const std::string& value)
    : Field(key, absl::string_view(value)) {}
Field::Field(absl::string_view key, int64_t value) : key_(key), value_(value) {}
Field::Field(absl::string_view key, int value)
    : Field(key, static_cast<int64_t>(value)) {}
Field::Field(absl::string_view key, uint64_t value)
    : key_(key), value_(value) {}
Field::Field(absl::string_view key, double value) : key_(key), value_(value) {}
Field::Field(absl::string_view key, bool value) : key_(key), value_(value) {}
Field::Field(absl::string_view key, const absl::Status& status)
    : key_(key), value_(status.ToString()) {}

bool Enabled(Level level) { return Logger().should_log(ToSpd(level)); }

void Log(Level level, absl::string_view event,
         std::initializer_list<Field> fields) {
  spdlog::logger& logger = Logger();
  const spdlog::level::level_enum spd_level = ToSpd(level);
  if (!logger.should_log(spd_level)) return;
  // One reading of the clock for the JSON "ts" and spdlog's own record.
  const spdlog::log_clock::time_point now = spdlog::log_clock::now();
  const std::string line = g_json.load(std::memory_order_relaxed)
                               ? JsonLine(now, spd_level, event, fields)
                               : TextLine(event, fields);
  logger.log(now, spdlog::source_loc{}, spd_level,
             spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace atgard::log
