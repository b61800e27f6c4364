#include "services/common/clock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/time/clock.h"

namespace atgard {
namespace {

// A real clock the test moves by hand.
class ManualClock final : public Clock {
 public:
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ = absl::FromUnixSeconds(1796000000);
};

absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

TEST(SystemClockTest, IsTheSystemClock) {
  const absl::Time before = absl::Now();
  const absl::Time now = SystemClock::Get()->Now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, absl::Now());
}

TEST(DevelopmentClockTest, StartsAtItsInstantAndRunsAtRealSpeed) {
  ManualClock real;
  DevelopmentClock clock(Day(2026, 1, 15), &real);
  EXPECT_EQ(clock.Now(), Day(2026, 1, 15));
  real.Advance(absl::Minutes(90));
  EXPECT_EQ(clock.Now(), Day(2026, 1, 15) + absl::Minutes(90));
}

TEST(DevelopmentClockTest, AdvancesAndRunsOnFromThere) {
  ManualClock real;
  DevelopmentClock clock(Day(2026, 1, 15), &real);
  absl::StatusOr<absl::Time> moved = clock.AdvanceTo(Day(2026, 2, 14));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, Day(2026, 2, 14));
  EXPECT_EQ(clock.Now(), Day(2026, 2, 14));
  real.Advance(absl::Seconds(5));
  EXPECT_EQ(clock.Now(), Day(2026, 2, 14) + absl::Seconds(5));
  // To its own now is no move back.
  EXPECT_TRUE(clock.AdvanceTo(clock.Now()).ok());
}

TEST(DevelopmentClockTest, RefusesToGoBackNamingNow) {
  ManualClock real;
  DevelopmentClock clock(Day(2026, 1, 15), &real);
  real.Advance(absl::Hours(1));
  const absl::StatusOr<absl::Time> back =
      clock.AdvanceTo(Day(2026, 1, 15) + absl::Minutes(59));
  EXPECT_EQ(back.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(back.status().message().find("now: "), absl::string_view::npos)
      << back.status();
  EXPECT_NE(back.status().message().find("2026-01-15T01:00:00Z"),
            absl::string_view::npos)
      << back.status();
  EXPECT_EQ(clock.Now(), Day(2026, 1, 15) + absl::Hours(1));
  EXPECT_EQ(clock.AdvanceTo(absl::InfiniteFuture()).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(clock.Now(), Day(2026, 1, 15) + absl::Hours(1));
}

TEST(DevelopmentClockTest, AsFunctionReadsTheClock) {
  ManualClock real;
  DevelopmentClock clock(Day(2026, 1, 15), &real);
  const std::function<absl::Time()> now = clock.AsFunction();
  ASSERT_TRUE(clock.AdvanceTo(Day(2027, 1, 1)).ok());
  EXPECT_EQ(now(), Day(2027, 1, 1));
}

TEST(DevelopmentClockTest, ConcurrentMovesNeverGoBack) {
  DevelopmentClock clock(Day(2026, 1, 15));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock, t] {
      absl::Time last = clock.Now();
      for (int i = 0; i < 200; ++i) {
        (void)clock.AdvanceTo(Day(2026, 1, 15) + absl::Hours(i * 4 + t));
        const absl::Time now = clock.Now();
        EXPECT_GE(now, last);
        last = now;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GE(clock.Now(), Day(2026, 1, 15) + absl::Hours(199 * 4));
}

TEST(ParseClockStartTest, TakesADayOrAnInstant) {
  absl::StatusOr<absl::Time> day = ParseClockStart("2026-01-15");
  ASSERT_TRUE(day.ok()) << day.status();
  EXPECT_EQ(*day, Day(2026, 1, 15));
  absl::StatusOr<absl::Time> instant = ParseClockStart("2026-01-15T08:00:00Z");
  ASSERT_TRUE(instant.ok()) << instant.status();
  EXPECT_EQ(*instant, Day(2026, 1, 15) + absl::Hours(8));
  absl::StatusOr<absl::Time> offset =
      ParseClockStart("2026-01-15T09:00:00+01:00");
  ASSERT_TRUE(offset.ok()) << offset.status();
  EXPECT_EQ(*offset, Day(2026, 1, 15) + absl::Hours(8));
  for (const char* bad :
       {"", "tomorrow", "2026-13-01", "2026-1-15", "2026-01-15T08:00"}) {
    EXPECT_EQ(ParseClockStart(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace atgard
