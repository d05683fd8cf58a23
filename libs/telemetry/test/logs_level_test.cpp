#include <cstdlib>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "edaobs/telemetry/logs/log_level.h"
#include "edaobs/telemetry/logs/logger.h"

namespace edaobs::telemetry {
namespace {

TEST(LogLevelParse, AcceptsNamesInAnyCase) {
  EXPECT_EQ(parse_log_level("debug", "x"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("INFO", "x"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("Warn", "x"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("eRRoR", "x"), LogLevel::kError);
}

TEST(LogLevelParse, RejectsOtherTextNamingTheSetting) {
  for (const char* bad : {"", "verbose", "warning ", "inf", "errors"}) {
    try {
      (void)parse_log_level(bad, "--log-level");
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("--log-level"), std::string::npos) << error.what();
    }
  }
}

TEST(LogLevelParse, ToStringGivesJsonSpelling) {
  EXPECT_EQ(to_string(LogLevel::kDebug), "DEBUG");
  EXPECT_EQ(to_string(LogLevel::kInfo), "INFO");
  EXPECT_EQ(to_string(LogLevel::kWarn), "WARN");
  EXPECT_EQ(to_string(LogLevel::kError), "ERROR");
}

// Sets variables for one test and removes them afterwards.
class LoggerOptionsEnv : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"EDAOBS_LOG_LEVEL", "EDAOBS_LOG_OUTPUT", "EDAOBS_LOG_MASKED_KEYS",
                             "EDAOBS_LOG_QUEUE_SIZE", "OTEL_SERVICE_NAME"}) {
      ::unsetenv(name);
    }
  }
};

TEST_F(LoggerOptionsEnv, ReadsEveryVariable) {
  ::setenv("EDAOBS_LOG_LEVEL", "WARN", 1);
  ::setenv("EDAOBS_LOG_OUTPUT", "stdout", 1);
  ::setenv("EDAOBS_LOG_MASKED_KEYS", " password, token ,,Authorization", 1);
  ::setenv("EDAOBS_LOG_QUEUE_SIZE", "128", 1);
  ::setenv("OTEL_SERVICE_NAME", "agent-2", 1);
  const LoggerOptions options = LoggerOptions::from_env();
  EXPECT_EQ(options.level, LogLevel::kWarn);
  EXPECT_EQ(options.output, "stdout");
  // The variable adds to the default list.
  std::vector<std::string> expected(kDefaultMaskedKeys.begin(), kDefaultMaskedKeys.end());
  expected.insert(expected.end(), {"password", "token", "Authorization"});
  EXPECT_EQ(options.masked_keys, expected);
  EXPECT_EQ(LoggerOptions{}.masked_keys.front(), "password");
  EXPECT_EQ(options.queue_size, 128U);
  EXPECT_EQ(options.service, "agent-2");
}

TEST_F(LoggerOptionsEnv, KeepsDefaultsWhenUnset) {
  LoggerOptions defaults;
  defaults.level = LogLevel::kDebug;
  defaults.service = "from-flag";
  const LoggerOptions options = LoggerOptions::from_env(defaults);
  EXPECT_EQ(options.level, LogLevel::kDebug);
  EXPECT_EQ(options.service, "from-flag");
  EXPECT_EQ(options.output, "stderr");
}

TEST_F(LoggerOptionsEnv, BadValuesNameTheVariable) {
  ::setenv("EDAOBS_LOG_LEVEL", "loud", 1);
  try {
    (void)LoggerOptions::from_env();
    ADD_FAILURE() << "accepted a bad level";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("EDAOBS_LOG_LEVEL"), std::string::npos);
  }
  ::unsetenv("EDAOBS_LOG_LEVEL");
  for (const char* bad : {"0", "-1", "12x", "99999999999"}) {
    ::setenv("EDAOBS_LOG_QUEUE_SIZE", bad, 1);
    try {
      (void)LoggerOptions::from_env();
      ADD_FAILURE() << "accepted queue size " << bad;
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("EDAOBS_LOG_QUEUE_SIZE"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace edaobs::telemetry
