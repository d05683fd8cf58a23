// The HTTP endpoints, exercised over real sockets on an ephemeral port.
#include <atomic>
#include <future>
#include <thread>

#include <boost/json.hpp>

#include "edaobs/telemetry/metrics/registry.h"

#include "http_test_client.h"

namespace edaobs::telemetry {
namespace {

using namespace test;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

TEST(HttpServer, ServesMetricsNegotiatedOnOneKeepAliveConnection) {
  Registry registry({{"service", "http-test"}});
  registry.counter("requests_total", "Requests.").with({}).inc(5);
  Readiness readiness;
  HttpServer server(local_options(), registry, readiness);
  server.start();
  ASSERT_NE(server.port(), 0);

  Client client(server.port());
  const Response text = client.get("/metrics");
  EXPECT_EQ(text.result_int(), 200U);
  EXPECT_EQ(text[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(text.body().find("requests_total{service=\"http-test\"} 5\n"), std::string::npos);
  EXPECT_TRUE(text.keep_alive());

  const Response openmetrics = client.get(
      "/metrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
  EXPECT_EQ(openmetrics.result_int(), 200U);
  EXPECT_EQ(openmetrics[http::field::content_type],
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_NE(openmetrics.body().find("# TYPE requests counter\n"), std::string::npos);
  EXPECT_TRUE(openmetrics.body().ends_with("# EOF\n"));
}

TEST(HttpServer, HealthAndReadiness) {
  Registry registry;
  Readiness readiness;
  std::atomic<bool> connected{false};
  readiness.add_check("broker_connected", [&] { return connected.load(); });
  readiness.add_check("partitions_assigned", [] { return true; });
  HttpServer server(local_options(), registry, readiness);
  server.start();
  Client client(server.port());

  const Response health = client.get("/health");
  EXPECT_EQ(health.result_int(), 200U);
  EXPECT_EQ(health[http::field::content_type], "application/json");
  EXPECT_EQ(boost::json::parse(health.body()),
            boost::json::parse(R"({"status":"ok","checks":{}})"));

  const Response not_ready = client.get("/ready");
  EXPECT_EQ(not_ready.result_int(), 503U);
  EXPECT_EQ(boost::json::parse(not_ready.body()),
            boost::json::parse(R"({"status":"not_ready","checks":)"
                               R"({"broker_connected":"failing","partitions_assigned":"ok"}})"));

  connected = true;
  const Response ready = client.get("/ready");
  EXPECT_EQ(ready.result_int(), 200U);
  EXPECT_EQ(boost::json::parse(ready.body()).at("status"), "ready");

  readiness.add_check("throws", []() -> bool { throw std::runtime_error("broker \"gone\""); });
  const Response failing = client.get("/ready");
  EXPECT_EQ(failing.result_int(), 503U);
  EXPECT_EQ(boost::json::parse(failing.body()).at("checks").at("throws"), "error: broker \"gone\"");
}

TEST(HttpServer, HealthFailsWhileALivenessCheckFails) {
  Registry registry;
  Readiness readiness;
  Readiness liveness(Readiness::WhenEmpty::kReady);
  std::atomic<bool> broken{false};
  liveness.add_check("kafka", [&] { return !broken.load(); });
  HttpServer server(local_options(), registry, readiness, liveness);
  server.start();
  Client client(server.port());

  EXPECT_EQ(client.get("/health").result_int(), 200U);
  broken = true;
  const Response failing = client.get("/health");
  EXPECT_EQ(failing.result_int(), 503U);
  EXPECT_EQ(boost::json::parse(failing.body()),
            boost::json::parse(R"({"status":"failing","checks":{"kafka":"failing"}})"));
}

TEST(HttpServer, CustomRoutesAndErrors) {
  Registry registry;
  Readiness readiness;
  HttpServerOptions options = local_options();
  options.max_body_bytes = 1024;
  HttpServer server(options, registry, readiness);
  server.start();
  // Routes may be added while running (the Telemetry object starts the server first).
  server.add_route("post", "/events", [](const HttpRequest& request) {
    return HttpResponse{202,
                        "text/plain",
                        request.method + " " + request.path + "?" + request.query + " " +
                            std::string(request.header("x-event-type").value_or("none")) + " " +
                            request.body,
                        {{"X-Accepted", "1"}}};
  });
  server.add_route("GET", "/boom", [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("handler failed");
  });
  EXPECT_THROW(
      server.add_route("POST", "/events", [](const HttpRequest&) { return HttpResponse{}; }),
      std::invalid_argument);
  EXPECT_THROW(
      server.add_route("GET", "/metrics", [](const HttpRequest&) { return HttpResponse{}; }),
      std::invalid_argument);

  Client client(server.port());
  const Response accepted = client.send(http::verb::post, "/events?dry=1", R"({"id":1})",
                                        {{"X-Event-Type", "order.created"}});
  EXPECT_EQ(accepted.result_int(), 202U);
  EXPECT_EQ(accepted.body(), R"(POST /events?dry=1 order.created {"id":1})");
  EXPECT_EQ(accepted["X-Accepted"], "1");

  const Response wrong_method = client.get("/events");
  EXPECT_EQ(wrong_method.result_int(), 405U);
  EXPECT_EQ(wrong_method[http::field::allow], "POST");
  EXPECT_EQ(client.send(http::verb::post, "/metrics").result_int(), 405U);
  EXPECT_EQ(client.get("/nope").result_int(), 404U);
  EXPECT_EQ(client.get("/boom").result_int(), 500U);
  // The connection survives all of the above.
  EXPECT_EQ(client.get("/health").result_int(), 200U);

  // Exactly at the limit is fine; one byte more is 413 and the connection closes.
  EXPECT_EQ(client.send(http::verb::post, "/events", std::string(1024, 'x')).result_int(), 202U);
  Client big(server.port());
  const Response too_large = big.send(http::verb::post, "/events", std::string(64 * 1024, 'x'));
  EXPECT_EQ(too_large.result_int(), 413U);
  EXPECT_FALSE(too_large.keep_alive());
}

TEST(HttpServer, ParallelClientsAreAllServed) {
  Registry registry;
  Counter& hits = registry.counter("hits_total", "h").with({});
  Readiness readiness;
  HttpServerOptions options = local_options();
  HttpServer server(options, registry, readiness);
  server.add_route("POST", "/hit", [&](const HttpRequest&) {
    hits.inc();
    return HttpResponse{204, "", "", {}};
  });
  server.start();
  constexpr int kClients = 8;
  constexpr int kRequests = 50;
  std::vector<std::future<int>> results;
  for (int c = 0; c < kClients; ++c) {
    results.push_back(std::async(std::launch::async, [&] {
      Client client(server.port());
      int ok = 0;
      for (int i = 0; i < kRequests; ++i) {
        ok += client.send(http::verb::post, "/hit", "x").result_int() == 204 ? 1 : 0;
      }
      return ok;
    }));
  }
  int total = 0;
  for (auto& result : results) total += result.get();
  EXPECT_EQ(total, kClients * kRequests);
  EXPECT_EQ(hits.whole_part(), static_cast<std::uint64_t>(kClients * kRequests));
}

TEST(HttpServer, StopIsPromptWithConnectedClients) {
  Registry registry;
  Readiness readiness;
  HttpServerOptions options = local_options();
  options.idle_timeout = std::chrono::minutes(5);  // stop must not wait for it
  auto server = std::make_unique<HttpServer>(options, registry, readiness);
  server->start();
  const std::uint16_t port = server->port();

  Client idle(port);  // keep-alive connection, idle after one request
  ASSERT_EQ(idle.get("/health").result_int(), 200U);
  Client partial(port);  // half a request: the server is mid-read
  partial.write_raw("GET /metrics HTTP/1.1\r\nHost: x\r\n");
  // Wait (with a deadline) until the partial connection is surely accepted and being read.
  ASSERT_EQ(Client(port).get("/health").result_int(), 200U);

  const auto before = std::chrono::steady_clock::now();
  server->stop();
  const auto took = std::chrono::steady_clock::now() - before;
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_FALSE(server->running());
  EXPECT_EQ(server->port(), 0);

  // Both connections were closed by the server.
  EXPECT_EQ(idle.read_some(), asio::error::eof);
  const auto partial_error = partial.read_some();
  EXPECT_TRUE(partial_error == asio::error::eof || partial_error == asio::error::connection_reset)
      << partial_error;
  // Nothing listens any more.
  boost::system::error_code error;
  asio::io_context io;
  tcp::socket probe(io);
  probe.connect({asio::ip::make_address("127.0.0.1"), port}, error);
  EXPECT_EQ(error, asio::error::connection_refused);

  server->stop();   // idempotent
  server->start();  // and restartable
  EXPECT_EQ(Client(server->port()).get("/health").result_int(), 200U);
  // The destructor stops a running server.
  server.reset();
}

TEST(HttpServer, StartErrors) {
  Registry registry;
  Readiness readiness;
  HttpServer first(local_options(), registry, readiness);
  first.start();
  EXPECT_THROW(first.start(), std::logic_error);
  HttpServerOptions same_port = local_options();
  same_port.port = first.port();
  HttpServer second(same_port, registry, readiness);
  EXPECT_THROW(second.start(), std::system_error);
  EXPECT_FALSE(second.running());
  HttpServerOptions bad_address = local_options();
  bad_address.address = "no-such-host.invalid";
  HttpServer third(bad_address, registry, readiness);
  EXPECT_THROW(third.start(), std::system_error);
}

// Values such as a parser's error message may hold quotes, backslashes and control characters.
TEST(HttpServer, JsonFieldResponseEscapesItsValue) {
  const std::string hostile = "bad \"data\": \\ \n\x01 end";
  const HttpResponse response = json_field_response(400, "error", hostile);
  EXPECT_EQ(400U, response.status);
  EXPECT_EQ("application/json", response.content_type);
  const boost::json::value parsed = boost::json::parse(response.body);
  EXPECT_EQ(hostile, parsed.at("error").as_string());
}

}  // namespace
}  // namespace edaobs::telemetry
