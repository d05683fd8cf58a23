// The Telemetry object: wiring of tracer, registry, logger and endpoints, and the flush on
// destruction.
#include "edaobs/telemetry/telemetry.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/testing/in_memory_span_exporter.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"

namespace et = edaobs::telemetry;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

namespace {

std::pair<unsigned, std::string> http_get(std::uint16_t port, const std::string& target) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::beast::tcp_stream stream(io);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  http::request<http::string_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return {res.result_int(), res.body()};
}

et::TelemetryOptions test_options(std::shared_ptr<et::LogWriter> writer) {
  et::TelemetryOptions options;
  options.service_name = "telemetry-test";
  options.service_version = "9.9.9";
  options.logging.writer = std::move(writer);
  options.http.address = "127.0.0.1";
  options.http.port = 0;
  options.tracing.batch.schedule_delay = 60s;  // only the shutdown flush may export
  options.log_export.schedule_delay = 60s;
  options.log_export.body_sink = [](std::string_view) { return true; };  // never the network
  return options;
}

}  // namespace

TEST(Telemetry, ServesMetricsWithServiceLabelAndSelfMetrics) {
  auto store = std::make_shared<et::InMemorySpanStore>();
  auto writer = std::make_shared<et::MemoryLogWriter>();
  et::Telemetry telemetry(test_options(writer), std::make_unique<et::InMemorySpanExporter>(store));
  telemetry.metrics().counter("work_done_total", "Work done.").with({}).inc();
  { auto span = telemetry.tracer().start_span("unit of work"); }
  const auto serving = telemetry.serve();

  auto [status, body] = http_get(telemetry.http().port(), "/metrics");
  EXPECT_EQ(200u, status);
  EXPECT_NE(body.find("work_done_total{service=\"telemetry-test\"} 1"), std::string::npos) << body;
  EXPECT_NE(body.find("telemetry_spans_started_total{service=\"telemetry-test\"} 1"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("telemetry_log_lines_dropped_total{service=\"telemetry-test\"} 0"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("process_resident_memory_bytes{service=\"telemetry-test\"}"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("process_memory_limit_bytes{service=\"telemetry-test\"}"), std::string::npos)
      << body;
  EXPECT_EQ(200u, http_get(telemetry.http().port(), "/health").first);
}

TEST(Telemetry, ReadinessFollowsRegisteredChecks) {
  auto writer = std::make_shared<et::MemoryLogWriter>();
  et::Telemetry telemetry(test_options(writer), std::make_unique<et::InMemorySpanExporter>(
                                                    std::make_shared<et::InMemorySpanStore>()));
  std::atomic<bool> connected{false};
  const auto serving = telemetry.serve();
  EXPECT_EQ(503u, http_get(telemetry.http().port(), "/ready").first) << "no check yet: not ready";
  telemetry.readiness().add_check("broker_connected", [&] { return connected.load(); });
  EXPECT_EQ(503u, http_get(telemetry.http().port(), "/ready").first);
  connected = true;
  EXPECT_EQ(200u, http_get(telemetry.http().port(), "/ready").first);
}

TEST(Telemetry, EndpointsServeOnlyWhileTheServingHandleLives) {
  auto writer = std::make_shared<et::MemoryLogWriter>();
  et::Telemetry telemetry(test_options(writer), std::make_unique<et::InMemorySpanExporter>(
                                                    std::make_shared<et::InMemorySpanStore>()));
  EXPECT_EQ(telemetry.http().port(), 0) << "nothing is bound before serve()";
  std::uint16_t port = 0;
  {
    const auto serving = telemetry.serve();
    port = telemetry.http().port();
    ASSERT_NE(port, 0);
    EXPECT_EQ(200u, http_get(port, "/health").first);
  }
  // The handle is gone while the Telemetry (and what its checks would call) still lives.
  EXPECT_THROW(http_get(port, "/health"), boost::system::system_error);
}

TEST(Telemetry, ShutdownExportsQueuedSpansAndFlushesLogsThenStopsEndpoints) {
  auto store = std::make_shared<et::InMemorySpanStore>();
  auto writer = std::make_shared<et::MemoryLogWriter>();
  std::uint16_t port = 0;
  {
    et::Telemetry telemetry(test_options(writer),
                            std::make_unique<et::InMemorySpanExporter>(store));
    const auto serving = telemetry.serve();
    port = telemetry.http().port();
    for (int i = 0; i < 10; ++i) {
      auto span = telemetry.tracer().start_span("queued");
      et::SpanScope scope(span);
      telemetry.log().info("inside a span", {{"i", i}});
    }
    EXPECT_EQ(0u, store->size()) << "the 60 s schedule delay should hold spans in the queue";
  }
  EXPECT_EQ(10u, store->size());
  const auto spans = store->spans();
  EXPECT_EQ("queued", spans.front().name);
  const auto lines = writer->lines();
  ASSERT_EQ(10u, lines.size());
  EXPECT_NE(lines.front().find("\"service\":\"telemetry-test\""), std::string::npos)
      << lines.front();
  EXPECT_NE(lines.front().find("\"trace_id\":\""), std::string::npos) << lines.front();
  EXPECT_THROW(http_get(port, "/health"), boost::system::system_error);
}

TEST(Telemetry, LogRecordsGoToTheOtlpLogExporterWithTheSpansResource) {
  auto store = std::make_shared<et::InMemorySpanStore>();
  auto writer = std::make_shared<et::MemoryLogWriter>();
  auto bodies = std::make_shared<std::vector<std::string>>();
  et::TelemetryOptions options = test_options(writer);
  options.log_export.body_sink = [bodies](std::string_view body) {
    bodies->emplace_back(body);
    return true;
  };
  std::string instance_id;
  {
    et::Telemetry telemetry(std::move(options), std::make_unique<et::InMemorySpanExporter>(store));
    const auto serving = telemetry.serve();
    const auto id = telemetry.tracing().resource().find("service.instance.id");
    ASSERT_TRUE(id.has_value());
    instance_id = std::string(std::get<std::string_view>(*id));
    telemetry.log().info("sent over otlp", {{"event_id", "e-42"}});
    EXPECT_TRUE(bodies->empty()) << "the 60 s schedule delay should hold the record in the queue";
    telemetry.shutdown();
    EXPECT_NE(telemetry.log_exporter(), nullptr);
  }
  ASSERT_EQ(1u, bodies->size());
  const std::string& body = bodies->front();
  for (const std::string& text :
       {std::string("sent over otlp"), std::string("e-42"), std::string("telemetry-test"),
        std::string("9.9.9"), instance_id}) {
    EXPECT_NE(body.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(1u, writer->line_count()) << "the JSON line is written as before";
}

TEST(Telemetry, ServesTheLogExportCounters) {
  auto store = std::make_shared<et::InMemorySpanStore>();
  auto writer = std::make_shared<et::MemoryLogWriter>();
  et::Telemetry telemetry(test_options(writer), std::make_unique<et::InMemorySpanExporter>(store));
  const auto serving = telemetry.serve();
  telemetry.log().info("counted");
  ASSERT_TRUE(telemetry.log().flush(std::chrono::seconds(5)));
  ASSERT_NE(telemetry.log_exporter(), nullptr);
  ASSERT_TRUE(telemetry.log_exporter()->force_flush(std::chrono::seconds(5)));
  auto [status, body] = http_get(telemetry.http().port(), "/metrics");
  EXPECT_EQ(200u, status);
  EXPECT_NE(body.find("telemetry_log_records_exported_total{service=\"telemetry-test\"} 1"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("telemetry_log_records_dropped_total{service=\"telemetry-test\"} 0"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("telemetry_log_export_failures_total{service=\"telemetry-test\"} 0"),
            std::string::npos)
      << body;
}

TEST(Telemetry, OtlpLogsOffMakesNoExporter) {
  auto store = std::make_shared<et::InMemorySpanStore>();
  auto writer = std::make_shared<et::MemoryLogWriter>();
  et::TelemetryOptions options = test_options(writer);
  options.log_export.enabled = false;
  et::Telemetry telemetry(std::move(options), std::make_unique<et::InMemorySpanExporter>(store));
  EXPECT_EQ(telemetry.log_exporter(), nullptr);
  telemetry.log().info("only the line");
  ASSERT_TRUE(telemetry.log().flush(std::chrono::seconds(5)));
  EXPECT_EQ(1u, writer->line_count());
}
