// The HTTP request path of the agents' endpoints without sockets: the raw bytes a client sends
// go through Beast's request parser with the server's limits, then the route lookup, the
// built-in endpoints (/metrics, /health, /ready) and POST /events, whose body reaches the
// publisher's domain step as in the publisher; every answer is serialised as the server does.
// Properties: every request gets an answer with a status from 200 to 599.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <optional>
#include <sstream>
#include <string>
#include <variant>

#include "edaobs/telemetry/http/readiness.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "event_factory.h"
#include "fuzz_input.h"
#include "http/beast_messages.h"
#include "http/builtin_endpoints.h"
#include "http/route_table.h"

namespace http = boost::beast::http;
using namespace edaobs;
using namespace edaobs::telemetry;

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;  // as HttpServer's
constexpr std::size_t kBodyLimit = 64 * 1024;

// What the publisher wires: metrics, readiness, POST /events into the EventFactory.
struct Endpoints {
  Endpoints() {
    registry.counter("events_processed_total", "Events processed.", {"event_type"}).with({"order.created"}).inc();
    readiness.add_check("kafka", [] { return true; });
    routes.add("POST", "/events", detail::Route{[this](const HttpRequest& request) { return post_event(request); }, {}, {}});
  }
  HttpResponse post_event(const HttpRequest& request) const {
    auto made = factory.from_request(request.body);
    if (!made) return json_field_response(400, "error", made.error().detail);
    return json_field_response(201, "id", made->id);
  }
  Registry registry{{"service", "fuzz"}};
  Readiness readiness;
  Readiness liveness{Readiness::WhenEmpty::kReady};
  detail::RouteTable routes;
  edaobs::publisher::EventFactory factory{"/edaobs/fuzz"};
};

HttpResponse dispatch(Endpoints& endpoints, detail::BeastRequest& request) {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (detail::RouteTable::builtin(path)) {
    return detail::serve_builtin(request, path, endpoints.registry, endpoints.readiness, endpoints.liveness);
  }
  const detail::RouteLookup found = endpoints.routes.find(request.method_string(), path);
  if (!found.route) return json_field_response(found.path_known ? 405 : 404, "error", "no route");
  const HttpRequest converted = detail::from_beast(request);
  return found.route->handler(converted);
}

void send(unsigned version, HttpResponse reply) {
  if (reply.status < 200 || reply.status > 599) edaobs::fuzz::property_failed();
  detail::BeastResponse response = detail::to_beast(version, std::move(reply));
  std::ostringstream wire;
  wire << response;  // Beast serialises the message as it would on a socket
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Endpoints endpoints;
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  parser.eager(true);
  boost::beast::error_code error;
  parser.put(boost::asio::buffer(data, size), error);
  if (!error && !parser.is_done()) parser.put_eof(error);
  if (error) {
    if (std::optional<HttpResponse> reply = detail::reply_to_read_error(error)) send(11, std::move(*reply));
    return 0;
  }
  detail::BeastRequest request = parser.release();
  HttpResponse reply;
  try {
    reply = dispatch(endpoints, request);
  } catch (...) {  // the server answers 500 for a handler that throws
    reply = json_field_response(500, "error", "internal error");
  }
  send(request.version(), std::move(reply));
  return 0;
}
