#include "services/common/rate_limiter.h"

#include <gtest/gtest.h>

namespace atgard {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  std::function<absl::Time()> Clock() {
    return [this] { return now_; };
  }
  absl::Time now_ = absl::FromUnixSeconds(1795428000);
};

TEST_F(RateLimiterTest, AdmitsABurstThenRefusesAndCounts) {
  RateLimiter limiter(10, 10, Clock());
  uint64_t suppressed = 99;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.Admit(&suppressed)) << i;
    EXPECT_EQ(suppressed, 0u);
  }
  for (int i = 0; i < 25; ++i) EXPECT_FALSE(limiter.Admit(&suppressed));
  // A tenth of a second refills one token; the admitted line reports the
  // 25 held back, and the count starts again.
  now_ += absl::Milliseconds(100);
  ASSERT_TRUE(limiter.Admit(&suppressed));
  EXPECT_EQ(suppressed, 25u);
  EXPECT_FALSE(limiter.Admit(&suppressed));
  now_ += absl::Milliseconds(100);
  ASSERT_TRUE(limiter.Admit(&suppressed));
  EXPECT_EQ(suppressed, 1u);
}

TEST_F(RateLimiterTest, SustainedRateIsPerSecond) {
  RateLimiter limiter(10, 10, Clock());
  int admitted = 0;
  // A minute of 1000 attempts per second: the first burst, then 10/s.
  for (int ms = 0; ms < 60000; ++ms) {
    if (limiter.Admit()) ++admitted;
    now_ += absl::Milliseconds(1);
  }
  EXPECT_GE(admitted, 600);
  EXPECT_LE(admitted, 611);
}

TEST_F(RateLimiterTest, IdleTimeFillsOnlyUpToTheBurst) {
  RateLimiter limiter(10, 3, Clock());
  now_ += absl::Hours(1);
  int admitted = 0;
  while (limiter.Admit()) ++admitted;
  EXPECT_EQ(admitted, 3);
}

TEST_F(RateLimiterTest, ClockGoingBackwardsNeitherRefillsNorBreaks) {
  RateLimiter limiter(1, 1, Clock());
  EXPECT_TRUE(limiter.Admit());
  now_ -= absl::Hours(1);
  EXPECT_FALSE(limiter.Admit());
  now_ += absl::Hours(1) + absl::Seconds(1);
  EXPECT_TRUE(limiter.Admit());
}

// A step back counts as no time passed; the bucket refills from the new
// reading on, not only once the clock is back where it was, so the refusal
// log is not silent for the size of the step.
TEST_F(RateLimiterTest, ClockSteppingBackKeepsRefillingFromThere) {
  RateLimiter limiter(1, 1, Clock());
  EXPECT_TRUE(limiter.Admit());
  now_ -= absl::Hours(1);
  EXPECT_FALSE(limiter.Admit());
  now_ += absl::Seconds(1);
  uint64_t suppressed = 0;
  ASSERT_TRUE(limiter.Admit(&suppressed));
  EXPECT_EQ(suppressed, 1u);
}

TEST_F(RateLimiterTest, RatesBelowOneAreClamped) {
  RateLimiter limiter(0, 0, Clock());
  EXPECT_TRUE(limiter.Admit());
  EXPECT_FALSE(limiter.Admit());
  now_ += absl::Seconds(1);
  EXPECT_TRUE(limiter.Admit());
}

}  // namespace
}  // namespace atgard
