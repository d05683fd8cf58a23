// A persistent librdkafka condition logs once per interval per key, and the line that gets
// through says how many were held back.
#include "../src/client/log_throttle.h"

#include <gtest/gtest.h>

namespace edaobs::kafka::detail {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottle, OneLinePerIntervalPerKeyCountingWhatWasHeldBack) {
  LogThrottle throttle(1s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  EXPECT_EQ(throttle.admit("COMMITFAIL", t0), 0U);
  for (int i = 1; i <= 45; ++i)
    EXPECT_FALSE(throttle.admit("COMMITFAIL", t0 + i * 2ms).has_value());
  EXPECT_EQ(throttle.admit("REQTMOUT", t0 + 10ms), 0U) << "another key is not held back";
  EXPECT_EQ(throttle.admit("COMMITFAIL", t0 + 1s), 45U);
  EXPECT_FALSE(throttle.admit("COMMITFAIL", t0 + 1500ms).has_value());
  EXPECT_EQ(throttle.admit("COMMITFAIL", t0 + 2100ms), 1U);
}

TEST(LogThrottle, ManyKeysStayBounded) {
  LogThrottle throttle(1s);
  const auto t0 = std::chrono::steady_clock::time_point{} + 100s;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(throttle.admit("key-" + std::to_string(i), t0), 0U);
  EXPECT_EQ(throttle.admit("key-999", t0 + 1s), 0U);
}

}  // namespace
}  // namespace edaobs::kafka::detail
