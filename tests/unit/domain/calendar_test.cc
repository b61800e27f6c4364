#include "services/domain/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "services/domain/errors.h"
#include "tests/support/temp_dir.h"

namespace atgard::domain {
namespace {

using ::testing::HasSubstr;

absl::CivilDay Day(int y, int m, int d) { return absl::CivilDay(y, m, d); }

// The instant at UTC wall-clock time y-m-d h:mi:s.
absl::Time Utc(int y, int m, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(AddCalendarMonths, ClampsToTheLastDayOfTheTargetMonth) {
  struct Case {
    absl::CivilDay from;
    int months;
    absl::CivilDay expected;
  };
  // The first is the example of services/domain/RULES.md#calendar.
  const Case cases[] = {
      {Day(2026, 8, 31), 6, Day(2027, 2, 28)},
      {Day(2027, 8, 31), 6, Day(2028, 2, 29)},  // leap year
      {Day(2026, 1, 31), 1, Day(2026, 2, 28)},
      {Day(2028, 1, 31), 1, Day(2028, 2, 29)},
      {Day(2099, 12, 31), 2, Day(2100, 2, 28)},  // 2100 is no leap year
      {Day(2026, 3, 31), 1, Day(2026, 4, 30)},
      {Day(2026, 5, 31), -3, Day(2026, 2, 28)},
      {Day(2026, 3, 31), -1, Day(2026, 2, 28)},
      {Day(2028, 2, 29), 12, Day(2029, 2, 28)},
      {Day(2028, 2, 29), 48, Day(2032, 2, 29)},
      {Day(2026, 3, 2), 3, Day(2026, 6, 2)},  // step 1 in the worked example
      {Day(2026, 12, 15), 1, Day(2027, 1, 15)},
      {Day(2026, 1, 15), -1, Day(2025, 12, 15)},
      {Day(2026, 2, 28), 1, Day(2026, 3, 28)},  // never back to month's end
      {Day(2026, 4, 30), 1, Day(2026, 5, 30)},
      {Day(2026, 6, 15), 0, Day(2026, 6, 15)},
      {Day(2026, 10, 31), 12, Day(2027, 10, 31)},
      {Day(2026, 10, 31), 120, Day(2036, 10, 31)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(AddCalendarMonths(c.from, c.months), c.expected)
        << c.from << " + " << c.months;
  }
}

TEST(StockholmTimeZone, Loads) {
  ASSERT_TRUE(LoadStockholmTimeZone().ok()) << LoadStockholmTimeZone();
  EXPECT_EQ(StockholmTimeZone().name(), "Europe/Stockholm");
  // A second call reads nothing and answers the same.
  EXPECT_TRUE(LoadStockholmTimeZone().ok());
  EXPECT_EQ(&StockholmTimeZone(), &StockholmTimeZone());
}

TEST(StockholmDay, FollowsStockholmMidnightAllYearRound) {
  ASSERT_TRUE(LoadStockholmTimeZone().ok());
  struct Case {
    absl::Time t;
    absl::CivilDay expected;
    const char* what;
  };
  const Case cases[] = {
      // Winter (CET, UTC+1): midnight is 23:00 UTC the day before.
      {Utc(2026, 1, 15, 22, 59, 59), Day(2026, 1, 15), "winter 23:59:59"},
      {Utc(2026, 1, 15, 23, 0, 0), Day(2026, 1, 16), "winter 00:00"},
      {Utc(2026, 1, 15, 0, 0, 0), Day(2026, 1, 15), "winter 01:00"},
      // Summer (CEST, UTC+2): midnight is 22:00 UTC the day before.
      {Utc(2026, 7, 15, 21, 59, 59), Day(2026, 7, 15), "summer 23:59:59"},
      {Utc(2026, 7, 15, 22, 0, 0), Day(2026, 7, 16), "summer 00:00"},
      {Utc(2026, 7, 15, 23, 30, 0), Day(2026, 7, 16), "summer 01:30"},
      // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
      {Utc(2026, 3, 28, 22, 59, 59), Day(2026, 3, 28), "spring eve"},
      {Utc(2026, 3, 28, 23, 0, 0), Day(2026, 3, 29), "spring 00:00 CET"},
      {Utc(2026, 3, 29, 0, 59, 59), Day(2026, 3, 29), "spring 01:59:59 CET"},
      {Utc(2026, 3, 29, 1, 0, 0), Day(2026, 3, 29), "spring 03:00 CEST"},
      {Utc(2026, 3, 29, 21, 59, 59), Day(2026, 3, 29), "spring 23:59:59"},
      {Utc(2026, 3, 29, 22, 0, 0), Day(2026, 3, 30), "spring next 00:00"},
      // 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET.
      {Utc(2026, 10, 24, 21, 59, 59), Day(2026, 10, 24), "autumn eve"},
      {Utc(2026, 10, 24, 22, 0, 0), Day(2026, 10, 25), "autumn 00:00 CEST"},
      {Utc(2026, 10, 25, 0, 30, 0), Day(2026, 10, 25), "autumn 02:30 CEST"},
      {Utc(2026, 10, 25, 1, 30, 0), Day(2026, 10, 25), "autumn 02:30 CET"},
      {Utc(2026, 10, 25, 22, 59, 59), Day(2026, 10, 25), "autumn 23:59:59"},
      {Utc(2026, 10, 25, 23, 0, 0), Day(2026, 10, 26), "autumn next 00:00"},
      // New Year's Eve across a year boundary.
      {Utc(2026, 12, 31, 23, 0, 0), Day(2027, 1, 1), "new year"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StockholmDay(c.t), c.expected) << c.what;
  }
}

// The failures below need a process whose zone was never loaded: death
// tests re-run the test binary for just this statement.
class StockholmTimeZoneFailure : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(StockholmTimeZoneFailure, MissingDatabaseIsReported) {
  EXPECT_EXIT(
      {
        setenv("TZDIR", "/nonexistent/zoneinfo", 1);
        const absl::Status s = LoadStockholmTimeZone();
        std::fprintf(stderr, "%s\n", s.ToString().c_str());
        std::exit(s.code() == absl::StatusCode::kFailedPrecondition ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "cannot load the time zone");
}

TEST_F(StockholmTimeZoneFailure, DatabaseWithoutStockholmsRulesIsReported) {
  EXPECT_EXIT(
      {
        int code = 1;
        {
          // A zoneinfo directory whose Europe/Stockholm is really UTC.
          atgard::testing::TempDir dir;
          std::filesystem::create_directories(dir.Join("Europe"));
          std::filesystem::copy_file("/usr/share/zoneinfo/Etc/UTC",
                                     dir.Join("Europe/Stockholm"));
          setenv("TZDIR", dir.path().c_str(), 1);
          const absl::Status s = LoadStockholmTimeZone();
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          if (s.code() == absl::StatusCode::kFailedPrecondition) code = 0;
        }
        std::exit(code);
      },
      ::testing::ExitedWithCode(0), "not UTC\\+1 in winter");
}

TEST_F(StockholmTimeZoneFailure, UsingAnUnloadableZoneAborts) {
  EXPECT_DEATH(
      {
        setenv("TZDIR", "/nonexistent/zoneinfo", 1);
        (void)StockholmDay(absl::UnixEpoch());
      },
      "cannot load the time zone Europe/Stockholm");
}

TEST(Deadlines, AreMetOnTheDayAndOverdueTheDayAfter) {
  const absl::CivilDay due = Day(2026, 3, 23);
  EXPECT_TRUE(IsMet(due, Day(2026, 3, 20)));
  EXPECT_TRUE(IsMet(due, Day(2026, 3, 23)));
  EXPECT_FALSE(IsMet(due, Day(2026, 3, 24)));
  EXPECT_FALSE(IsOverdue(due, Day(2026, 3, 20)));
  EXPECT_FALSE(IsOverdue(due, Day(2026, 3, 23)));
  EXPECT_TRUE(IsOverdue(due, Day(2026, 3, 24)));
  EXPECT_TRUE(IsOverdue(due, Day(2027, 1, 1)));
}

TEST(MakeDate, AcceptsExistingDatesInRange) {
  for (const absl::CivilDay d :
       {Day(2026, 2, 28), Day(2028, 2, 29), Day(2000, 2, 29), Day(2000, 1, 1),
        Day(2199, 12, 31), Day(2026, 4, 30), Day(2026, 12, 31)}) {
    const YearMonthDay ymd = ToYearMonthDay(d);
    absl::StatusOr<absl::CivilDay> made =
        MakeDate("request.submit_by", ymd.year, ymd.month, ymd.day);
    ASSERT_TRUE(made.ok()) << d << ": " << made.status();
    EXPECT_EQ(*made, d);
  }
}

TEST(MakeDate, RejectsWhatAbseilWouldNormalise) {
  struct Case {
    int year, month, day;
    const char* rule;
  };
  const Case cases[] = {
      {2026, 2, 29, "day must be between 1 and 28 in 2026-02"},
      {2026, 2, 30, "day must be between 1 and 28 in 2026-02"},
      {2100, 2, 29, "day must be between 1 and 28 in 2100-02"},
      {2028, 2, 30, "day must be between 1 and 29 in 2028-02"},
      {2026, 4, 31, "day must be between 1 and 30 in 2026-04"},
      {2026, 1, 32, "day must be between 1 and 31 in 2026-01"},
      {2026, 1, 0, "day must be between 1 and 31"},
      {2026, 1, -1, "day must be between 1 and 31"},
      {2026, 0, 10, "month must be between 1 and 12"},
      {2026, 13, 1, "month must be between 1 and 12"},
      {2026, INT_MIN, 1, "month must be between 1 and 12"},
      {2026, 1, INT_MAX, "day must be between 1 and 31"},
      {1999, 12, 31, "year must be between 2000 and 2199"},
      {2200, 1, 1, "year must be between 2000 and 2199"},
      {0, 0, 0, "year must be between 2000 and 2199"},
      {INT_MAX, 1, 1, "year must be between 2000 and 2199"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<absl::CivilDay> made =
        MakeDate("request.complete_by", c.year, c.month, c.day);
    EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(made.status()), "request.complete_by");
    EXPECT_THAT(std::string(made.status().message()), HasSubstr(c.rule))
        << c.year << "-" << c.month << "-" << c.day;
  }
}

TEST(ToYearMonthDay, SplitsADay) {
  const YearMonthDay ymd = ToYearMonthDay(Day(2027, 2, 28));
  EXPECT_EQ(ymd.year, 2027);
  EXPECT_EQ(ymd.month, 2);
  EXPECT_EQ(ymd.day, 28);
}

// ---------------------------------------------------------------------------
// Properties

rc::Gen<absl::CivilDay> GenDay() {
  return rc::gen::map(rc::gen::inRange(0, 200 * 366), [](int offset) {
    return absl::CivilDay(2000, 1, 1) + offset;
  });
}

absl::CivilDay LastDayOf(absl::CivilMonth m) {
  return absl::CivilDay(m + 1) - 1;
}

RC_GTEST_PROP(AddCalendarMonthsProperty, LandsInTheTargetMonth, ()) {
  const absl::CivilDay day = *GenDay();
  const int months = *rc::gen::inRange(-1200, 1201);
  const absl::CivilDay result = AddCalendarMonths(day, months);
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  RC_ASSERT(absl::CivilMonth(result) == target);
  RC_ASSERT(result <= LastDayOf(target));
  RC_ASSERT(result.day() == std::min(day.day(), LastDayOf(target).day()));
}

RC_GTEST_PROP(AddCalendarMonthsProperty, IsNaiveArithmeticUpToThe28th, ()) {
  const absl::CivilDay day = *GenDay();
  RC_PRE(day.day() <= 28);
  const int months = *rc::gen::inRange(-1200, 1201);
  RC_ASSERT(AddCalendarMonths(day, months) ==
            absl::CivilDay(day.year(), day.month() + months, day.day()));
  RC_ASSERT(AddCalendarMonths(AddCalendarMonths(day, months), -months) == day);
}

RC_GTEST_PROP(AddCalendarMonthsProperty, KeepsOrder, ()) {
  const absl::CivilDay a = *GenDay();
  const absl::CivilDay b = *GenDay();
  const int months = *rc::gen::inRange(-240, 241);
  if (a <= b) {
    RC_ASSERT(AddCalendarMonths(a, months) <= AddCalendarMonths(b, months));
  } else {
    RC_ASSERT(AddCalendarMonths(a, months) >= AddCalendarMonths(b, months));
  }
}

RC_GTEST_PROP(MakeDateProperty, AcceptsExactlyTheDaysThatExist, ()) {
  const int year = *rc::gen::inRange(1990, 2210);
  const int month = *rc::gen::inRange(-1, 15);
  const int day = *rc::gen::inRange(-1, 34);
  const absl::StatusOr<absl::CivilDay> made = MakeDate("d", year, month, day);
  const absl::CivilDay normalised(year, month, day);
  const bool exists = year >= 2000 && year <= 2199 &&
                      normalised.year() == year &&
                      normalised.month() == month && normalised.day() == day;
  RC_ASSERT(made.ok() == exists);
  if (exists) RC_ASSERT(*made == normalised);
}

}  // namespace
}  // namespace atgard::domain
