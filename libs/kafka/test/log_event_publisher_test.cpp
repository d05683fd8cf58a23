// WARN/ERROR log lines as events on observability.logs: published through the Logger's
// forwarder, and falling back to the local log, counted and without blocking, when the broker
// cannot take them.
#include "edaobs/kafka/logs/log_event_publisher.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <mutex>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

struct FallbackLines {
  std::mutex mutex;
  std::vector<std::string> lines;

  std::function<void(std::string_view)> sink() {
    return [this](std::string_view line) {
      const std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
  std::size_t size() {
    const std::lock_guard lock(mutex);
    return lines.size();
  }
};

TEST(LogEventPublisher, ForwardsWarnAndErrorLinesAsCloudEvents) {
  MockCluster cluster;
  cluster.create_topic("observability.logs");
  TestTelemetry telemetry;
  LogEventPublisherOptions options;
  options.brokers = cluster.bootstraps();
  options.source = "processor";
  LogEventPublisher publisher(options, telemetry.registry);
  telemetry.logger.set_forwarder(telemetry::LogLevel::kWarn, publisher.forwarder());

  telemetry.logger.info("routine");
  telemetry.logger.warn("disk almost full", {{"free_mb", 12}});
  telemetry.logger.error("payment failed", {{"event_id", "evt-9"}});
  ASSERT_TRUE(telemetry.logger.flush(5s));
  ASSERT_TRUE(wait_until([&] { return publisher.stats().published == 2; }));
  telemetry.logger.set_forwarder(telemetry::LogLevel::kWarn, {});

  const auto records = read_raw(cluster, "observability.logs", 2);
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].header("ce_type"), "edaobs.log.warn");
  EXPECT_EQ(records[1].header("ce_type"), "edaobs.log.error");
  for (const auto& record : records) {
    EXPECT_EQ(record.header("ce_specversion"), "1.0");
    EXPECT_EQ(record.header("ce_source"), "processor");
    EXPECT_EQ(record.header("content-type"), "application/json");
    EXPECT_TRUE(record.header("ce_id").has_value());
    ASSERT_TRUE(record.header("ce_time").has_value());
    EXPECT_TRUE(parse_rfc3339(*record.header("ce_time")).has_value());
    EXPECT_EQ(record.key, "processor");
  }
  EXPECT_NE(records[0].header("ce_id"), records[1].header("ce_id"));
  const auto warn = boost::json::parse(records[0].value).as_object();
  EXPECT_EQ(warn.at("msg").as_string(), "disk almost full");
  EXPECT_EQ(warn.at("level").as_string(), "WARN");
  const auto error = boost::json::parse(records[1].value).as_object();
  EXPECT_EQ(error.at("event_id").as_string(), "evt-9");
  EXPECT_EQ(telemetry.metric("log_events_published_total"), 2);
  EXPECT_EQ(publisher.stats().fallback, 0U);
}

TEST(LogEventPublisher, UnreachableBrokerFallsBackToTheLocalLogAfterTheBound) {
  TestTelemetry telemetry;
  FallbackLines fallback;
  LogEventPublisherOptions options;
  options.brokers = "127.0.0.1:1";  // nothing listens there
  options.delivery_timeout = 300ms;
  options.fallback = fallback.sink();
  LogEventPublisher publisher(options, telemetry.registry);

  for (int i = 0; i < 5; ++i)
    publisher.publish(R"({"level":"ERROR","msg":"line )" + std::to_string(i) + R"("})");
  EXPECT_TRUE(publisher.flush(10s));
  ASSERT_EQ(fallback.size(), 5U);
  EXPECT_EQ(fallback.lines[0], R"({"level":"ERROR","msg":"line 0"})");
  EXPECT_EQ(telemetry.metric(R"(log_events_fallback_total{reason="delivery_failed"})"), 5);
  EXPECT_EQ(publisher.stats().published, 0U);
}

// The line is already in the agent's own log (stderr by default): without a fallback set, an
// unpublished line is counted, not written to stderr a second time.
TEST(LogEventPublisher, AnUnpublishedLineIsNotWrittenToStderrAgain) {
  TestTelemetry telemetry;
  LogEventPublisherOptions options;
  options.brokers = "127.0.0.1:1";
  options.delivery_timeout = 300ms;
  char path[] = "/tmp/edaobs-stderr-XXXXXX";
  const int capture = mkstemp(path);
  ASSERT_GE(capture, 0);
  const int saved = dup(STDERR_FILENO);
  ASSERT_EQ(dup2(capture, STDERR_FILENO), STDERR_FILENO);
  {
    LogEventPublisher publisher(options, telemetry.registry);
    publisher.publish(R"({"level":"ERROR","msg":"logged once"})");
    EXPECT_TRUE(publisher.flush(10s));
    EXPECT_EQ(publisher.stats().fallback, 1U);
  }
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::ifstream captured(path);
  const std::string text((std::istreambuf_iterator<char>(captured)),
                         std::istreambuf_iterator<char>());
  close(capture);
  unlink(path);
  EXPECT_EQ(text.find("logged once"), std::string::npos) << text;
  EXPECT_EQ(telemetry.metric(R"(log_events_fallback_total{reason="delivery_failed"})"), 1);
}

TEST(LogEventPublisher, FullQueueFallsBackImmediatelyAndNothingIsLost) {
  TestTelemetry telemetry;
  FallbackLines fallback;
  constexpr int kLines = 200;
  {
    LogEventPublisherOptions options;
    options.brokers = "127.0.0.1:1";
    options.queue_capacity = 2;
    options.delivery_timeout = 60s;  // nothing times out during the test: overflow is immediate
    options.close_timeout = 100ms;
    options.fallback = fallback.sink();
    LogEventPublisher publisher(options, telemetry.registry);
    for (int i = 0; i < kLines; ++i) publisher.publish(R"({"level":"WARN"})");
    // At most 2 lines wait in the queue and 2 in librdkafka; the rest fell back at once.
    EXPECT_TRUE(wait_until([&] { return fallback.size() >= kLines - 4; }, 5s));
    EXPECT_GE(telemetry.metric(R"(log_events_fallback_total{reason="queue_full"})").value_or(0),
              kLines - 4);
  }
  // Closing falls back with what the broker never took: every line is accounted for.
  EXPECT_EQ(fallback.size(), static_cast<std::size_t>(kLines));
}

TEST(LogEventPublisher, ForwarderOutlivingThePublisherFallsBack) {
  TestTelemetry telemetry;
  FallbackLines fallback;
  telemetry::Logger::Forwarder forward;
  {
    LogEventPublisherOptions options;
    options.brokers = "127.0.0.1:1";
    options.close_timeout = 10ms;
    options.fallback = fallback.sink();
    LogEventPublisher publisher(options, telemetry.registry);
    forward = publisher.forwarder();
  }
  forward(R"({"level":"ERROR","msg":"late"})");
  ASSERT_EQ(fallback.size(), 1U);
  EXPECT_EQ(telemetry.metric(R"(log_events_fallback_total{reason="closed"})"), 1);
}

}  // namespace
}  // namespace edaobs::kafka::test
