#include "edaobs/kafka/envelope/rfc3339.h"

#include <chrono>

#include <gtest/gtest.h>

namespace edaobs::kafka {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

TEST(Rfc3339, ParsesUtcOffsetsAndFractions) {
  const auto base = sys_days{std::chrono::year{2024} / 5 / 1} + 12h;
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00Z"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01t12:00:00z"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T14:30:00+02:30"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T07:00:00-05:00"), base);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.5Z"), base + 500ms);
  EXPECT_EQ(parse_rfc3339("2024-05-01T12:00:00.000001Z"), base + 1us);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), sys_days{std::chrono::year{2024} / 2 / 29});
}

TEST(Rfc3339, RejectsMalformedAndOutOfRange) {
  for (const char* text :
       {"", "2024-05-01", "2024-05-01T12:00Z", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-05-01T12:60:00Z", "2024-05-01T12:00:61Z", "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00Z ", "2024-05-01T12:00:00+24:00",
        "2024-5-01T12:00:00Z"}) {
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
  }
}

// Years such as 0001 and 9999 (a fuzzing find: ce_time in fuzz/fuzz_cloudevents_decode) overflowed
// the 64-bit nanosecond sum: undefined behaviour, a wrapped time point.
TEST(Rfc3339, RejectsTimesTheClockCannotHoldInsteadOfOverflowing) {
  for (const char* text :
       {"9999-12-31T23:59:59.999999999Z", "0001-01-01T00:00:00Z", "2262-04-12T00:00:00Z",
        "1677-09-20T00:00:00Z", "0001-01-01T00:00:00+23:59", "9999-12-31T23:59:60-23:59"}) {
    EXPECT_FALSE(parse_rfc3339(text).has_value()) << text;
  }
  EXPECT_EQ(parse_rfc3339("2262-04-10T00:00:00.5Z"),
            sys_days{std::chrono::year{2262} / 4 / 10} + 500ms);
  EXPECT_EQ(parse_rfc3339("1677-09-22T00:00:00Z"), sys_days{std::chrono::year{1677} / 9 / 22});
}

TEST(Rfc3339, FormatIsParseableUtcWithMicroseconds) {
  const auto time = sys_days{std::chrono::year{2031} / 12 / 31} + 23h + 59min + 58s + 123456us;
  const std::string text = format_rfc3339(time);
  EXPECT_EQ(text, "2031-12-31T23:59:58.123456Z");
  EXPECT_EQ(parse_rfc3339(text), time);
}

}  // namespace
}  // namespace edaobs::kafka
