// The OTLP/HTTP exporter against a scripted HTTP server on 127.0.0.1: retries with backoff on
// 503/429/dropped or refused connections, Retry-After, non-retryable statuses, the deadline,
// cancellation, kept-alive connections, and endpoint parsing.

// GCC 12 reports -Wnull-dereference inside Asio once inlined here (third-party false positive);
// it must be off before the Asio headers are read.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"
#include "edaobs/telemetry/sdk/trace/tracer_provider.h"

#include "scripted_http_server.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;
using namespace test;
using Clock = std::chrono::steady_clock;

std::vector<std::unique_ptr<SpanData>> make_spans(std::initializer_list<std::string_view> names) {
  std::vector<std::unique_ptr<SpanData>> spans;
  for (std::string_view name : names) {
    auto span = std::make_unique<SpanData>();
    span->context.trace_id.bytes[0] = 1;
    span->context.span_id.bytes[0] = static_cast<std::uint8_t>(spans.size() + 1);
    span->context.trace_flags = kTraceFlagSampled;
    span->name = std::string(name);
    span->start_unix_nano = 1;
    span->end_unix_nano = 2;
    spans.push_back(std::move(span));
  }
  return spans;
}

std::vector<std::string> span_names_in(const std::string& body) {
  std::vector<std::string> names;
  const boost::json::value root = boost::json::parse(body);
  for (const auto& span :
       root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array()) {
    names.emplace_back(span.at("name").as_string());
  }
  return names;
}

OtlpHttpExporterOptions fast_retry_options(std::string url, AttemptLog& log) {
  OtlpHttpExporterOptions options;
  options.endpoint = std::move(url);
  options.protocol = OtlpProtocol::kHttpJson;  // these tests read the bodies back as JSON
  options.timeout = 2s;
  options.initial_backoff = 10ms;
  options.max_backoff = 40ms;
  options.on_attempt = log.hook();
  return options;
}

Resource test_resource() { return make_resource("exporter-test", "", "id-1", {}); }

TEST(OtlpHttpExporterTest, RetriesOn503And429AndDroppedConnectionThenDelivers) {
  ScriptedHttpServer server(
      {.script = {Reply{.status = 503}, Reply{.status = 429, .retry_after = "0"},
                  Reply{.drop_connection = true}, Reply{.status = 200}}});
  AttemptLog log;
  OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
  const auto spans = make_spans({"a", "b", "c"});

  EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 10s), ExportResult::kSuccess);

  const auto attempts = log.snapshot();
  ASSERT_EQ(attempts.size(), 4U);
  EXPECT_EQ(attempts[0].http_status, 503);
  EXPECT_TRUE(attempts[0].will_retry);
  EXPECT_EQ(attempts[1].http_status, 429);
  // Retry-After: 0 does not beat the backoff floor (half the second backoff step, 20 ms).
  EXPECT_GE(attempts[1].retry_delay, 10ms);
  EXPECT_EQ(attempts[2].http_status, 0);  // no response: connection dropped
  EXPECT_FALSE(attempts[2].error.empty());
  EXPECT_TRUE(attempts[2].will_retry);
  EXPECT_EQ(attempts[3].http_status, 200);
  EXPECT_TRUE(attempts[3].error.empty());

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4U);
  for (const RecordedRequest& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/v1/traces");
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(span_names_in(r.body), (std::vector<std::string>{"a", "b", "c"}));
  }
}

TEST(OtlpHttpExporterTest, RefusedConnectionIsRetriedUntilTheCollectorListens) {
  std::uint16_t port = 0;
  {  // find a free port, then leave it closed so the first attempt is refused
    asio::io_context io;
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }
  std::optional<ScriptedHttpServer> server;
  AttemptLog log;
  OtlpHttpExporterOptions options =
      fast_retry_options("http://127.0.0.1:" + std::to_string(port) + "/v1/traces", log);
  options.on_attempt = [&, record = log.hook()](const ExportAttempt& attempt) {
    record(attempt);
    if (attempt.number == 1) {
      server.emplace(ScriptedHttpServer::Options{.script = {Reply{}},
                                                 .port = port});  // the collector comes up
    }
  };
  OtlpHttpExporter exporter(options, test_resource());
  const auto spans = make_spans({"late"});

  EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 10s), ExportResult::kSuccess);
  const auto attempts = log.snapshot();
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0].http_status, 0);
  EXPECT_NE(attempts[0].error.find("connect"), std::string::npos) << attempts[0].error;
  EXPECT_TRUE(attempts[0].will_retry);
  EXPECT_EQ(attempts[1].http_status, 200);
  ASSERT_TRUE(server.has_value());
  ASSERT_EQ(server->requests().size(), 1U);
  EXPECT_EQ(span_names_in(server->requests()[0].body), std::vector<std::string>{"late"});
}

TEST(OtlpHttpExporterTest, RetryAfterSecondsIsHonoured) {
  ScriptedHttpServer server({.script = {Reply{.status = 503, .retry_after = "1"}, Reply{}}});
  AttemptLog log;
  OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
  const auto spans = make_spans({"x"});
  const auto start = Clock::now();
  EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 10s), ExportResult::kSuccess);
  EXPECT_GE(Clock::now() - start, 1s);
  const auto attempts = log.snapshot();
  ASSERT_EQ(attempts.size(), 2U);
  EXPECT_EQ(attempts[0].retry_delay, 1000ms);
}

TEST(OtlpHttpExporterTest, NonRetryableStatusFailsAtOnce) {
  for (int status : {400, 401, 404, 413, 500}) {
    ScriptedHttpServer server({.script = {Reply{.status = status}, Reply{}}});
    AttemptLog log;
    OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
    const auto spans = make_spans({"bad"});
    EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 10s), ExportResult::kFailure)
        << status;
    const auto attempts = log.snapshot();
    ASSERT_EQ(attempts.size(), 1U) << status;
    EXPECT_FALSE(attempts[0].will_retry);
    EXPECT_EQ(server.requests().size(), 1U);
  }
}

TEST(OtlpHttpExporterTest, GivesUpAtTheDeadline) {
  ScriptedHttpServer server({.script = {Reply{.status = 503}}});
  AttemptLog log;
  OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
  const auto spans = make_spans({"never"});
  const auto start = Clock::now();
  EXPECT_EQ(exporter.export_spans(SpanBatch(spans), start + 300ms), ExportResult::kFailure);
  const auto elapsed = Clock::now() - start;
  EXPECT_LT(elapsed, 2s);
  const auto attempts = log.snapshot();
  ASSERT_GE(attempts.size(), 2U);  // backoff is 10-40 ms, so several tries fit in 300 ms
  // The last attempt planned no retry — unless the deadline passed while it waited for one (a
  // loaded machine), in which case the export ended at the deadline without another attempt.
  if (attempts.back().will_retry) {
    EXPECT_GE(elapsed, 300ms) << "a planned retry was dropped before the deadline";
  }
  for (std::size_t i = 0; i + 1 < attempts.size(); ++i) {
    EXPECT_TRUE(attempts[i].will_retry);
    EXPECT_GE(attempts[i].retry_delay, 5ms);  // jitter stays within [0.5, 1.5) x backoff
    EXPECT_LT(attempts[i].retry_delay, 60ms);
  }
}

TEST(OtlpHttpExporterTest, CancelStopsTheRetryWaitPromptly) {
  ScriptedHttpServer server({.script = {Reply{.status = 503, .retry_after = "30"}}});
  AttemptLog log;
  OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
  const auto spans = make_spans({"cancelled"});
  std::thread canceller([&] {
    const auto deadline = Clock::now() + 5s;
    while (log.snapshot().empty() && Clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    exporter.cancel();
  });
  const auto start = Clock::now();
  EXPECT_EQ(exporter.export_spans(SpanBatch(spans), start + 60s), ExportResult::kFailure);
  canceller.join();
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_EQ(log.snapshot().size(), 1U);
}

TEST(OtlpHttpExporterTest, KeptAliveConnectionIsReusedAndReplacedWhenTheServerDropsIt) {
  {
    ScriptedHttpServer server({.script = {Reply{}}, .keep_alive = true});
    AttemptLog log;
    OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
    for (int i = 0; i < 3; ++i) {
      const auto spans = make_spans({"reuse"});
      EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 5s), ExportResult::kSuccess);
    }
    EXPECT_EQ(server.requests().size(), 3U);
    EXPECT_EQ(server.connections(), 1U);
    exporter.shutdown();
  }
  {
    ScriptedHttpServer server({.script = {Reply{}}, .close_silently_after_reply = true});
    AttemptLog log;
    OtlpHttpExporter exporter(fast_retry_options(server.url(), log), test_resource());
    for (int i = 0; i < 3; ++i) {
      const auto spans = make_spans({"stale"});
      EXPECT_EQ(exporter.export_spans(SpanBatch(spans), Clock::now() + 5s), ExportResult::kSuccess);
    }
    EXPECT_EQ(log.snapshot().size(), 3U);  // the stale connection cost no visible attempt
    EXPECT_EQ(server.requests().size(), 3U);
    EXPECT_EQ(server.connections(), 3U);
  }
}

TEST(OtlpHttpExporterTest, ProviderExportsThroughHttpWithItsResource) {
  ScriptedHttpServer server({.script = {Reply{}}});
  TracerProviderOptions options;
  options.service_name = "http-provider-test";
  options.otlp_traces_endpoint = server.url();
  options.otlp_protocol = OtlpProtocol::kHttpJson;
  options.batch.schedule_delay = 20ms;
  {
    TracerProvider provider(options);
    {
      Span span = provider.tracer().start_span("over http", {.kind = SpanKind::kClient});
      span.set_attribute("answer", 42);
    }
    ASSERT_TRUE(provider.force_flush(5s));
    EXPECT_EQ(provider.stats().spans_exported, 1U);
  }
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1U);
  const boost::json::value root = boost::json::parse(requests[0].body);
  const auto& resource_attributes =
      root.at("resourceSpans").at(0).at("resource").at("attributes").as_array();
  bool found = false;
  for (const auto& kv : resource_attributes) {
    if (kv.at("key").as_string() == "service.name") {
      found = kv.at("value").at("stringValue").as_string() == "http-provider-test";
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(span_names_in(requests[0].body), std::vector<std::string>{"over http"});
}

TEST(HttpEndpointTest, ParsesHttpUrls) {
  HttpEndpoint ep = parse_http_endpoint("http://collector:4318/v1/traces");
  EXPECT_EQ(ep.host, "collector");
  EXPECT_EQ(ep.port, "4318");
  EXPECT_EQ(ep.target, "/v1/traces");
  EXPECT_EQ(ep.host_header, "collector:4318");

  ep = parse_http_endpoint("http://collector");
  EXPECT_EQ(ep.port, "80");
  EXPECT_EQ(ep.target, "/");

  ep = parse_http_endpoint("http://[::1]:4318/custom/path?x=1");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.port, "4318");
  EXPECT_EQ(ep.target, "/custom/path?x=1");
}

TEST(HttpEndpointTest, RejectsHttpsAndMalformedUrls) {
  try {
    (void)parse_http_endpoint("https://collector:4318/v1/traces");
    FAIL() << "https must be rejected";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("https is not supported"), std::string::npos) << e.what();
  }
  for (std::string_view url : {"collector:4318", "http://", "http://:4318/x", "http://host:0/",
                               "http://host:99999/", "http://host:12ab/", "http://[::1/x"}) {
    EXPECT_THROW((void)parse_http_endpoint(url), std::invalid_argument) << url;
  }
  EXPECT_THROW(
      OtlpHttpExporter(OtlpHttpExporterOptions{.endpoint = "https://x/v1/traces"}, test_resource()),
      std::invalid_argument);
}

TEST(HttpEndpointTest, BaseEndpointGetsTheTracesPath) {
  EXPECT_EQ(otlp_traces_url_from_base("http://localhost:4318"), "http://localhost:4318/v1/traces");
  EXPECT_EQ(otlp_traces_url_from_base("http://localhost:4318/"), "http://localhost:4318/v1/traces");
  EXPECT_EQ(otlp_traces_url_from_base("http://gw/otlp"), "http://gw/otlp/v1/traces");
}

}  // namespace
}  // namespace edaobs::telemetry
