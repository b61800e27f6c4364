#include "services/common/log.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

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

// `s` as a JSON string. nlohmann's serializer escapes quotes, backslashes
// and control characters and replaces invalid UTF-8 with U+FFFD, so a value
// from a client can neither break the line nor make it invalid JSON. The
// scratch value keeps its buffer, so a field costs one copy and one dump.
void AppendJsonString(std::string* out, absl::string_view s) {
  thread_local nlohmann::json scratch = std::string();
  std::string& text = scratch.get_ref<std::string&>();
  text.assign(s.data(), s.size());
  out->append(scratch.dump(-1, ' ', /*ensure_ascii=*/false,
                           nlohmann::json::error_handler_t::replace));
}

// Text values are quoted only when they would otherwise be ambiguous.
void AppendTextValue(std::string* out, absl::string_view s) {
  if (!s.empty() && s.find_first_of(" \"=\n\t") == absl::string_view::npos) {
    out->append(s.data(), s.size());
  } else {
    AppendJsonString(out, s);
  }
}

std::shared_ptr<spdlog::logger> MakeLogger(bool json) {
  auto logger = std::make_shared<spdlog::logger>(
      "atgard", std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_pattern(json ? R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})"
                           : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
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
    : key_(key), value_(value), quoted_(true) {}
Field::Field(absl::string_view key, const char* value)
    : Field(key, absl::string_view(value)) {}
Field::Field(absl::string_view key, const std::string& value)
    : Field(key, absl::string_view(value)) {}
Field::Field(absl::string_view key, int64_t value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}
Field::Field(absl::string_view key, int value)
    : Field(key, static_cast<int64_t>(value)) {}
Field::Field(absl::string_view key, uint64_t value)
    : key_(key), value_(absl::StrCat(value)), quoted_(false) {}
Field::Field(absl::string_view key, double value)
    : key_(key), value_(absl::StrCat(value)), quoted_(!std::isfinite(value)) {}
Field::Field(absl::string_view key, bool value)
    : key_(key), value_(value ? "true" : "false"), quoted_(false) {}
Field::Field(absl::string_view key, const absl::Status& status)
    : key_(key), value_(status.ToString()), quoted_(true) {}

bool Enabled(Level level) { return Logger().should_log(ToSpd(level)); }

void Log(Level level, absl::string_view event,
         std::initializer_list<Field> fields) {
  spdlog::logger& logger = Logger();
  if (!logger.should_log(ToSpd(level))) return;
  // The logger's pattern supplies the braces, time stamp and level.
  std::string line;
  if (g_json.load(std::memory_order_relaxed)) {
    line.append("\"event\":");
    AppendJsonString(&line, event);
    for (const Field& f : fields) {
      line.push_back(',');
      AppendJsonString(&line, f.key());
      line.push_back(':');
      if (f.quoted()) {
        AppendJsonString(&line, f.value());
      } else {
        line.append(f.value());
      }
    }
  } else {
    line.append(event.data(), event.size());
    for (const Field& f : fields) {
      line.push_back(' ');
      line.append(f.key().data(), f.key().size());
      line.push_back('=');
      AppendTextValue(&line, f.value());
    }
  }
  logger.log(ToSpd(level), "{}", line);
}

}  // namespace atgard::log
