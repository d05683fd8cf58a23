// A Kafka client's fatal error ends the agent in order: /health fails and the stop is requested
// with the fatal exit status (real Telemetry endpoints, a producer on librdkafka's mock cluster).
#include "edaobs/runtime/stop_on_fatal_error.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/kafka/client/producer.h"
#include "edaobs/telemetry/testing/in_memory_span_exporter.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"

#include "http_test_client.h"
#include "kafka_test_support.h"

namespace edaobs::runtime {
namespace {

using namespace std::chrono_literals;

telemetry::TelemetryOptions local_telemetry() {
  telemetry::TelemetryOptions options;
  options.service_name = "fatal-test";
  options.service_version = "0.0.1";
  options.logging.writer = std::make_shared<telemetry::MemoryLogWriter>();
  options.http.address = "127.0.0.1";
  options.http.port = 0;
  options.log_export.enabled = false;
  return options;
}

TEST(StopOnFatalError, HealthFailsAndTheStopIsRequestedWithTheFatalStatus) {
  ShutdownSignal shutdown;
  kafka::test::MockCluster cluster;
  cluster.create_topic("events", 1);
  telemetry::Telemetry telemetry(local_telemetry(),
                                 std::make_unique<telemetry::InMemorySpanExporter>(
                                     std::make_shared<telemetry::InMemorySpanStore>()));
  kafka::Producer producer(kafka::test::producer_options(cluster), telemetry.tracer(),
                           telemetry.metrics(), telemetry.log());
  stop_on_fatal_error(shutdown, telemetry, producer);
  const auto serving = telemetry.serve();
  telemetry::test::Client client(telemetry.http().port());
  ASSERT_EQ(client.get("/health").result_int(), 200U);

  kafka::testing::raise_fatal_error(producer, "sequence broken");
  ASSERT_TRUE(shutdown.wait_for(20s)) << "the stop is requested";
  EXPECT_EQ(shutdown.exit_status(), kExitFatalError);
  const auto health = client.get("/health");
  EXPECT_EQ(health.result_int(), 503U);
  EXPECT_EQ(boost::json::parse(health.body()),
            boost::json::parse(R"({"status":"failing","checks":{"kafka":"failing"}})"));
}

}  // namespace
}  // namespace edaobs::runtime
