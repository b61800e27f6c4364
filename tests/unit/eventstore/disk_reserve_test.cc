// --disk_reserve's forms, and what they come to on a file system.
#include "eventstore/disk_reserve.h"

#include <gtest/gtest.h>

namespace atgard::eventstore {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

uint64_t BytesOf(absl::string_view text, uint64_t file_system) {
  absl::StatusOr<DiskReserve> reserve = DiskReserve::Parse(text);
  EXPECT_TRUE(reserve.ok()) << text << ": " << reserve.status();
  return reserve.ok() ? reserve->BytesOf(file_system) : 0;
}

TEST(DiskReserveTest, TheDefaultIsOneGibibyteOrFivePercentWhicheverIsLess) {
  EXPECT_EQ(DiskReserve::Default().BytesOf(100 * kGiB), kGiB);
  EXPECT_EQ(DiskReserve::Default().BytesOf(10 * kGiB), kGiB / 2);
  EXPECT_EQ(DiskReserve::Default().ToString(), "min(1GiB,5%)");
  EXPECT_EQ(*DiskReserve::Parse("min(1GiB,5%)"), DiskReserve::Default());
  EXPECT_FALSE(DiskReserve::Default().off());
}

TEST(DiskReserveTest, ParsesSizesSharesAndOff) {
  EXPECT_EQ(BytesOf("1GiB", 100 * kGiB), kGiB);
  EXPECT_EQ(BytesOf("512MiB", 100 * kGiB), 512 * kMiB);
  EXPECT_EQ(BytesOf("64KiB", 100 * kGiB), 64 * 1024u);
  EXPECT_EQ(BytesOf("1.5GiB", 100 * kGiB), kGiB + kGiB / 2);
  EXPECT_EQ(BytesOf("4096", 100 * kGiB), 4096u);
  EXPECT_EQ(BytesOf("5%", 100 * kGiB), 5 * kGiB);
  EXPECT_EQ(BytesOf("min(5%, 2GiB)", 100 * kGiB), 2 * kGiB);
  EXPECT_TRUE(DiskReserve::Parse("0")->off());
  EXPECT_TRUE(DiskReserve::Parse("0%")->off());
  EXPECT_EQ(BytesOf("0", 100 * kGiB), 0u);
  for (const char* text : {"512MiB", "5%", "0", "min(1GiB,5%)"}) {
    EXPECT_EQ(DiskReserve::Parse(text)->ToString(), text);
  }
}

TEST(DiskReserveTest, RefusesWhatIsNoSize) {
  for (const char* text : {"", "lots", "1GB", "-1GiB", "100%", "5%%",
                           "min(1GiB)", "min(1GiB,2GiB)", "GiB"}) {
    absl::StatusOr<DiskReserve> reserve = DiskReserve::Parse(text);
    EXPECT_EQ(reserve.status().code(), absl::StatusCode::kInvalidArgument)
        << text;
  }
  std::string error;
  DiskReserve reserve;
  EXPECT_FALSE(AbslParseFlag("lots", &reserve, &error));
  EXPECT_NE(error.find("e.g. 1GiB"), std::string::npos) << error;
}

TEST(DiskReserveTest, FormatsMebibytes) {
  EXPECT_EQ(FormatMiB(812 * kMiB), "812 MiB");
  EXPECT_EQ(FormatMiB(1024 * kMiB), "1024 MiB");
  EXPECT_EQ(FormatMiB(3 * kMiB + kMiB / 5), "3.2 MiB");
}

}  // namespace
}  // namespace atgard::eventstore
