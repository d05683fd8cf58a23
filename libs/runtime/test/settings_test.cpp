#include "edaobs/runtime/settings.h"

#include <gtest/gtest.h>

using edaobs::ConfigError;
using edaobs::runtime::Settings;
using namespace std::chrono_literals;

TEST(Settings, FlagWinsOverEnvironmentWhichWinsOverDefault) {
  Settings s({"--rate=25"}, {{"EDAOBS_RATE", "10"}, {"EDAOBS_TOPIC", "orders"}});
  EXPECT_EQ(25, s.integer("rate", "EDAOBS_RATE", 5, 0, 100, "events per second"));
  EXPECT_EQ("orders", s.text("topic", "EDAOBS_TOPIC", "events", "topic"));
  EXPECT_EQ("localhost", s.text("host", "EDAOBS_HOST", "localhost", "host"));
  EXPECT_FALSE(s.finish());
}

TEST(Settings, SeparateFlagValueAndBareBooleanFlag) {
  Settings s({"--topic", "orders", "--link-mode"}, {});
  EXPECT_EQ("orders", s.text("topic", "T", "x", ""));
  EXPECT_TRUE(s.boolean("link-mode", "L", false, ""));
}

TEST(Settings, BadIntegerNamesTheSetting) {
  Settings s({}, {{"EDAOBS_RATE", "fast"}});
  try {
    (void)s.integer("rate", "EDAOBS_RATE", 5, 0, 100, "");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--rate"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("EDAOBS_RATE"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fast"), std::string::npos) << e.what();
  }
}

TEST(Settings, OutOfRangeAndTrailingGarbageAreRejected) {
  Settings s({"--rate=1000", "--ratio=0.5x", "--on=maybe"}, {});
  EXPECT_THROW((void)s.integer("rate", "R", 5, 0, 100, ""), ConfigError);
  EXPECT_THROW((void)s.number("ratio", "Q", 0.1, 0.0, 1.0, ""), ConfigError);
  EXPECT_THROW((void)s.boolean("on", "O", false, ""), ConfigError);
}

TEST(Settings, DurationsTakeUnits) {
  Settings s({"--a=250", "--b=2s", "--c=1.5m", "--d=3h"}, {});
  EXPECT_EQ(250ms, s.millis("a", "A", 1ms, ""));
  EXPECT_EQ(2000ms, s.millis("b", "B", 1ms, ""));
  EXPECT_EQ(90000ms, s.millis("c", "C", 1ms, ""));
  EXPECT_THROW((void)s.millis("d", "D", 1ms, ""), ConfigError);
}

TEST(Settings, HostileNumbersAndDurationsAreRefused) {
  for (const char* number : {"inf", "-inf", "nan", "1e300", "0x1p+1024"}) {
    Settings s({std::string("--ratio=") + number}, {});
    EXPECT_THROW((void)s.number("ratio", "Q", 0.1, 0.0, 1.0, ""), ConfigError) << number;
  }
  for (const char* integer : {"99999999999999999999", "-1", "1e3", "nan"}) {
    Settings s({std::string("--size=") + integer}, {});
    EXPECT_THROW((void)s.integer("size", "S", 5, 0, 1000, ""), ConfigError) << integer;
  }
  // Infinite, absurd or overflowing durations (a time point plus 1e300 s is undefined).
  for (const char* duration : {"inf", "nans", "1e300s", "90000000ms", "1441m", "-5ms"}) {
    Settings s({std::string("--timeout=") + duration}, {});
    EXPECT_THROW((void)s.millis("timeout", "T", 1ms, ""), ConfigError) << duration;
  }
  Settings day({"--timeout=1440m"}, {});
  EXPECT_EQ(std::chrono::milliseconds(86'400'000), day.millis("timeout", "T", 1ms, ""));
}

TEST(Settings, UnknownFlagsStopStartUp) {
  Settings s({"--rate=1", "--rtae=2"}, {});
  (void)s.integer("rate", "R", 5, 0, 100, "");
  try {
    (void)s.finish();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--rtae"), std::string::npos) << e.what();
  }
}

TEST(Settings, HelpListsEveryDeclaredSetting) {
  Settings s({"--help"}, {});
  (void)s.integer("rate", "EDAOBS_RATE", 5, 0, 100, "events per second");
  (void)s.text("topic", "EDAOBS_TOPIC", "events", "where to publish");
  EXPECT_TRUE(s.finish());
  const std::string usage = s.usage("publisher");
  EXPECT_NE(usage.find("--rate / EDAOBS_RATE"), std::string::npos) << usage;
  EXPECT_NE(usage.find("where to publish"), std::string::npos) << usage;
}
