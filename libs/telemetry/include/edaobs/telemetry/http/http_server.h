#pragma once
// The agent's HTTP endpoints over Boost.Beast: GET /metrics (format negotiated from Accept),
// GET /health (liveness checks), GET /ready (readiness checks), plus routes the agent adds.
//
//   Readiness readiness;
//   readiness.add_check("kafka_connected", [&] { return consumer.connected(); });
//   HttpServer server({.address = "127.0.0.1", .port = 8080}, registry, readiness);
//   server.add_route("POST", "/events", [&](const HttpRequest& r) { ...; return HttpResponse{202};
//   }); server.start();
//
// Handlers (and readiness checks, and metric collect callbacks) run on the server's one io
// thread (edaobs-http): they must be quick and must not block, or they delay every other request. A
// route whose answer has to wait for something (a broker acknowledgement) is a deferred route: its
// handler hands the waiting to an HttpResponder (http_responder.h) and returns at once.
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

#include "edaobs/telemetry/http/http_message.h"
#include "edaobs/telemetry/http/http_responder.h"
#include "edaobs/telemetry/http/readiness.h"
#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::telemetry {

struct HttpServerOptions {
  std::string address = "127.0.0.1";         // loopback unless told otherwise
  std::uint16_t port = 8080;                 // 0 picks a free port; HttpServer::port() reports it
  std::size_t max_body_bytes = 1024 * 1024;  // larger bodies get 413
  std::chrono::milliseconds idle_timeout{30'000};     // keep-alive connection idle limit
  std::chrono::milliseconds shutdown_timeout{2'000};  // stop() waits at most this long
  // Requests of deferred routes waiting for their answer at once; more get 503 at once.
  std::size_t max_pending_replies = 1024;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
// Must return without waiting; answers through the responder, now or later, from any thread.
using DeferredHttpHandler = std::function<void(const HttpRequest&, HttpResponder)>;

struct DeferredRouteOptions {
  // When the handler has not answered by then, the server answers `timeout_reply` itself (and a
  // later respond() returns false). The default waits as long as a responder copy exists.
  std::chrono::milliseconds reply_timeout = std::chrono::milliseconds::max();
  HttpResponse timeout_reply = json_field_response(504, "error", "no answer in time");
};

class HttpServer {
 public:
  // `registry` and `readiness` must outlive the server. GET /health answers 200 always.
  HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness);
  // Same, with GET /health answering 503 while a `liveness` check fails (it must outlive the
  // server too).
  HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness,
             Readiness& liveness);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Adds a route (exact path match). Allowed before or after start(). Throws
  // std::invalid_argument for a duplicate or for a built-in (GET /metrics, /health, /ready).
  // A handler that throws yields a 500 response.
  void add_route(std::string method, std::string path, HttpHandler handler);
  // Adds a deferred route (same rules as add_route). While max_pending_replies requests wait,
  // another one gets 503 with Retry-After without reaching the handler. A handler that throws
  // before answering yields 500; on stop() every waiting request is answered 503.
  void add_deferred_route(std::string method, std::string path, DeferredHttpHandler handler,
                          DeferredRouteOptions options = {});

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
