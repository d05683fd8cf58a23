// OtlpLogExporterOptions from the OTEL_* variables: the SDK defaults, the standard variables, the
// logs endpoint used as is, the off switches, and bad values named by their variable.
#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

using Env = std::map<std::string, std::string, std::less<>>;

OtlpLogExporterOptions from(const Env& env) {
  return OtlpLogExporterOptions::from_env([&](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

TEST(OtlpLogExporterOptions, DefaultsAreTheSdkOnes) {
  const OtlpLogExporterOptions options = from({});
  EXPECT_TRUE(options.enabled);
  EXPECT_EQ(options.endpoint, "http://localhost:4318/v1/logs");
  EXPECT_EQ(options.max_queue_size, 2048U);
  EXPECT_EQ(options.max_export_batch_size, 512U);
  EXPECT_EQ(options.schedule_delay, 1000ms);
  EXPECT_EQ(options.export_timeout, 30000ms);
  EXPECT_EQ(options.timeout, 10000ms);
  EXPECT_EQ(options.compression, OtlpCompression::kNone);
}

TEST(OtlpLogExporterOptions, ReadsTheStandardVariables) {
  const OtlpLogExporterOptions options =
      from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"},
            {"OTEL_EXPORTER_OTLP_HEADERS", "a=1"},
            {"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "b=2%203"},
            {"OTEL_EXPORTER_OTLP_TIMEOUT", "700"},
            {"OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip"},
            {"OTEL_BLRP_MAX_QUEUE_SIZE", "100"},
            {"OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "10"},
            {"OTEL_BLRP_SCHEDULE_DELAY", "250"},
            {"OTEL_BLRP_EXPORT_TIMEOUT", "900"}});
  EXPECT_EQ(options.endpoint, "http://collector:4318/v1/logs");
  ASSERT_EQ(options.headers.size(), 2U);
  EXPECT_EQ(options.headers[1].value, "2 3");
  EXPECT_EQ(options.timeout, 700ms);
  EXPECT_EQ(options.compression, OtlpCompression::kGzip);
  EXPECT_EQ(options.max_queue_size, 100U);
  EXPECT_EQ(options.max_export_batch_size, 10U);
  EXPECT_EQ(options.schedule_delay, 250ms);
  EXPECT_EQ(options.export_timeout, 900ms);
}

TEST(OtlpLogExporterOptions, TheLogsEndpointIsUsedAsIsAndWins) {
  const OtlpLogExporterOptions options =
      from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"},
            {"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://b:9/custom"}});
  EXPECT_EQ(options.endpoint, "http://b:9/custom");
}

TEST(OtlpLogExporterOptions, NoneOrADisabledSdkTurnsItOff) {
  EXPECT_FALSE(from({{"OTEL_LOGS_EXPORTER", "none"}}).enabled);
  EXPECT_FALSE(from({{"OTEL_SDK_DISABLED", "true"}}).enabled);
  EXPECT_TRUE(from({{"OTEL_LOGS_EXPORTER", "otlp"}, {"OTEL_SDK_DISABLED", "false"}}).enabled);
}

TEST(OtlpLogExporterOptions, BadValuesNameTheirVariable) {
  const auto message_of = [](const Env& env) {
    try {
      (void)from(env);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_TRUE(message_of({{"OTEL_LOGS_EXPORTER", "console"}}).starts_with("OTEL_LOGS_EXPORTER:"));
  EXPECT_TRUE(message_of({{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc"}})
                  .starts_with("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL:"));
  EXPECT_TRUE(message_of({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}})
                  .starts_with("OTEL_EXPORTER_OTLP_PROTOCOL:"));
  EXPECT_TRUE(
      message_of({{"OTEL_BLRP_MAX_QUEUE_SIZE", "0"}}).starts_with("OTEL_BLRP_MAX_QUEUE_SIZE:"));
  EXPECT_TRUE(message_of({{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "https://x"}})
                  .starts_with("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT:"));
  // A general http/json meant for the traces is fine when the logs' own setting says protobuf.
  EXPECT_EQ(message_of({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                        {"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf"}}),
            "no error");
}

}  // namespace
}  // namespace edaobs::telemetry
