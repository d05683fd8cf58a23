#pragma once
// The agent's HTTP endpoints over Boost.Beast: GET /metrics (format negotiated from Accept),
// GET /health (liveness), GET /ready (readiness checks), plus routes the agent adds.
//
//   Readiness readiness;
//   readiness.add_check("kafka_connected", [&] { return consumer.connected(); });
//   HttpServer server({.address = "127.0.0.1", .port = 8080}, registry, readiness);
//   server.add_route("POST", "/events", [&](const HttpRequest& r) { ...; return HttpResponse{202}; });
//   server.start();
//
// Handlers (and readiness checks, and metric collect callbacks) run on the server's io
// threads: they must be quick and must not block, or they delay every other request.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edaobs/telemetry/http/readiness.h"
#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::telemetry {

struct HttpServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port; HttpServer::port() reports it
  unsigned io_threads = 1;    // 1 or 2 is plenty for scrapes and agent routes
  std::size_t max_body_bytes = 1024 * 1024;              // larger bodies get 413
  std::chrono::milliseconds idle_timeout{30'000};        // keep-alive connection idle limit
  std::chrono::milliseconds shutdown_timeout{2'000};     // stop() waits at most this long
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus query
  std::string path;    // target without the query
  std::string query;   // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// A JSON object with one string member, e.g. {"error":"..."} or {"id":"..."}; the value is
// escaped, so any text is safe to pass.
HttpResponse json_field_response(unsigned status, std::string_view key, std::string_view value);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // `registry` and `readiness` must outlive the server.
  HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route (exact path match). Allowed before or after start(). Throws
  // std::invalid_argument for a duplicate or for a built-in (GET /metrics, /health, /ready).
  // A handler that throws yields a 500 response.
  void add_route(std::string method, std::string path, HttpHandler handler);

  // Binds and starts the io threads. Throws std::system_error when the address cannot be bound
  // and std::logic_error when already running.
  void start();
  // Stops accepting, closes every connection, joins the io threads. Bounded by
  // options.shutdown_timeout; idempotent; safe to call from any thread but a handler.
  void stop();

  // The bound port (the ephemeral one for port 0); 0 when not running.
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] bool running() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edaobs::telemetry
