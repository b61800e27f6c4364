#include "services/common/log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"

namespace atgard::log {
namespace {

using nlohmann::json;

// Runs `body` with stdout redirected to a temporary file and returns the
// lines it wrote.
template <typename Body>
std::vector<std::string> CaptureLines(Body body) {
  std::fflush(stdout);
  std::FILE* file = std::tmpfile();
  EXPECT_NE(file, nullptr);
  const int saved = dup(STDOUT_FILENO);
  dup2(fileno(file), STDOUT_FILENO);
  body();
  std::fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);

  std::string text;
  std::rewind(file);
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), file)) > 0;) {
    text.append(buffer, n);
  }
  std::fclose(file);
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The number of keys of every object in `line`, counted as the parser
// reads them: a parser keeps only one of two equal keys, so comparing this
// with the parsed object's size finds duplicates.
size_t KeysRead(const std::string& line) {
  size_t keys = 0;
  const json parsed = json::parse(
      line,
      [&keys](int /*depth*/, json::parse_event_t event, json& /*parsed*/) {
        if (event == json::parse_event_t::key) ++keys;
        return true;
      },
      /*allow_exceptions=*/false);
  return parsed.is_discarded() ? 0 : keys;
}

// The line as an object; a failure if it is not one or repeats a key.
json ParseLine(const std::string& line) {
  json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(value.is_object()) << "not a JSON object: " << line;
  if (value.is_object()) {
    EXPECT_EQ(KeysRead(line), value.size()) << "a key repeats: " << line;
  }
  return value;
}

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { Init(Level::kDebug, Format::kJson); }
};

TEST_F(LogTest, LineIsAnObjectWithTimeLevelEventAndFields) {
  const std::vector<std::string> lines = CaptureLines([] {
    Info("server_started", {{"listen", "127.0.0.1:1"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const json line = ParseLine(lines[0]);
  EXPECT_TRUE(line["ts"].is_string());
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["event"], "server_started");
  EXPECT_EQ(line["listen"], "127.0.0.1:1");
}

TEST_F(LogTest, TimeIsUtcToTheMillisecondAndLevelNamesAreSpdlogs) {
  const std::vector<std::string> lines = CaptureLines([] {
    Warn("w");
    Error("e");
  });
  ASSERT_EQ(lines.size(), 2u);
  const json warn = ParseLine(lines[0]);
  EXPECT_THAT(warn["ts"].get<std::string>(),
              ::testing::MatchesRegex(
                  "20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
                  "[0-6][0-9]\\.[0-9][0-9][0-9]Z"));
  EXPECT_EQ(warn["level"], "warning");
  EXPECT_EQ(ParseLine(lines[1])["level"], "error");
  // The line's own keys come first, in this order.
  EXPECT_THAT(lines[0], ::testing::StartsWith("{\"ts\":\""));
  EXPECT_THAT(lines[0], ::testing::EndsWith("\"level\":\"warning\","
                                            "\"event\":\"w\"}"));
}

TEST_F(LogTest, FieldsNamedLikeTheLinesOwnKeysAreRenamed) {
  const std::vector<std::string> lines = CaptureLines([] {
    Info("real_event", {{"ts", "forged"},
                        {"level", "error"},
                        {"event", "forged_event"},
                        {"after", 1}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const json line = ParseLine(lines[0]);
  EXPECT_NE(line["ts"], "forged");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["event"], "real_event");
  EXPECT_EQ(line["field_ts"], "forged");
  EXPECT_EQ(line["field_level"], "error");
  EXPECT_EQ(line["field_event"], "forged_event");
  // Fields keep their order, after the line's own keys.
  EXPECT_THAT(lines[0],
              ::testing::EndsWith("\"field_ts\":\"forged\",\"field_level\":"
                                  "\"error\",\"field_event\":\"forged_event\","
                                  "\"after\":1}"));
}

TEST_F(LogTest, AKeyGivenTwiceIsWrittenOnce) {
  const std::vector<std::string> lines = CaptureLines([] {
    Info("twice", {{"k", "first"},
                   {"k", "second"},
                   {"field_ts", "explicit"},
                   {"ts", "renamed"},
                   {std::string("x\xff"), "a"},
                   {std::string("x\xfe"), "b"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const json line = ParseLine(lines[0]);
  EXPECT_EQ(line["k"], "first");
  EXPECT_EQ(line["field_ts"], "explicit");
  // Both keys become "x\uFFFD"; the first stays.
  EXPECT_EQ(line["x\xEF\xBF\xBD"], "a");
}

TEST_F(LogTest, NumbersAndBooleansAreNotStrings) {
  const std::vector<std::string> lines = CaptureLines([] {
    Info("numbers", {{"i", int64_t{-42}},
                     {"n", 7},
                     {"u", std::numeric_limits<uint64_t>::max()},
                     {"d", 0.25},
                     {"tiny", 1e-300},
                     {"yes", true},
                     {"inf", std::numeric_limits<double>::infinity()},
                     {"nan", std::nan("")}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const json line = ParseLine(lines[0]);
  EXPECT_EQ(line["i"], -42);
  EXPECT_EQ(line["n"], 7);
  EXPECT_EQ(line["u"], std::numeric_limits<uint64_t>::max());
  EXPECT_DOUBLE_EQ(line["d"].get<double>(), 0.25);
  EXPECT_TRUE(line["tiny"].is_number());
  EXPECT_EQ(line["yes"], true);
  // JSON has no infinity or NaN: they stay strings.
  EXPECT_EQ(line["inf"], "inf");
  EXPECT_EQ(line["nan"], "nan");
}

TEST_F(LogTest, QuotesBackslashesAndControlCharactersRoundTrip) {
  const std::string nasty = "a\"b\\c\nd\re\tf\x01g\x1f h\x7f";
  const std::string key = "k\"e\\y\n";
  const std::vector<std::string> lines = CaptureLines([&] {
    Warn("nasty\"event\n",
         {{key, nasty}, {"status", absl::InternalError(nasty)}});
  });
  ASSERT_EQ(lines.size(), 1u) << "a newline in a value split the line";
  const json line = ParseLine(lines[0]);
  EXPECT_EQ(line["event"], "nasty\"event\n");
  EXPECT_EQ(line[key], nasty);
  EXPECT_THAT(line["status"].get<std::string>(), ::testing::HasSubstr(nasty));
}

TEST_F(LogTest, InvalidUtf8IsReplacedAndValidUtf8Kept) {
  const std::string invalid = "ok\xff\xfe then \xc3 and \xed\xa0\x80 end";
  const std::string swedish = "åtgärdsplan – Göteborg";
  const std::vector<std::string> lines = CaptureLines([&] {
    Info("utf8", {{"invalid", invalid},
                  {"swedish", swedish},
                  {std::string("key\xff"), "v"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  const json line = ParseLine(lines[0]);
  const std::string replaced = line["invalid"].get<std::string>();
  EXPECT_THAT(replaced, ::testing::StartsWith("ok\xEF\xBF\xBD"));
  EXPECT_THAT(replaced, ::testing::EndsWith(" end"));
  EXPECT_EQ(line["swedish"], swedish);
  EXPECT_EQ(line["key\xEF\xBF\xBD"], "v");
}

TEST_F(LogTest, EveryByteValueGivesValidJson) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const std::vector<std::string> lines = CaptureLines([&] {
    for (size_t i = 0; i < all.size(); ++i) {
      Info(all.substr(i, 3), {{all.substr(i, 2), all.substr(i)}});
    }
  });
  ASSERT_EQ(lines.size(), all.size());
  for (const std::string& l : lines) ParseLine(l);
  // Keys that are the line's own, among bytes that are not UTF-8.
  const std::vector<std::string> more = CaptureLines([&] {
    for (size_t i = 0; i < all.size(); ++i) {
      Info(all.substr(i, 1), {{"event", all.substr(i, 1)},
                              {all.substr(i, 1), "x"},
                              {"ts", all.substr(i, 1)},
                              {std::string(1, all[255 - i]), "y"},
                              {"level", 1.5}});
    }
  });
  ASSERT_EQ(more.size(), all.size());
  for (const std::string& l : more) {
    const json line = ParseLine(l);
    EXPECT_EQ(line["level"], "info") << l;
  }
}

TEST_F(LogTest, LevelThresholdApplies) {
  Init(Level::kWarn, Format::kJson);
  const std::vector<std::string> lines = CaptureLines([] {
    Info("hidden");
    Error("shown");
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(ParseLine(lines[0])["event"], "shown");
  EXPECT_FALSE(Enabled(Level::kInfo));
}

TEST_F(LogTest, TextFormatIsKeyValue) {
  Init(Level::kInfo, Format::kText);
  const std::vector<std::string> lines = CaptureLines([] {
    Info("started", {{"listen", "a:1"}, {"note", "two words"}});
  });
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_THAT(lines[0], ::testing::HasSubstr(
                            "info started listen=a:1 note=\"two words\""));
}

}  // namespace
}  // namespace atgard::log
