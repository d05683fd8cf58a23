#include "http/builtin_endpoints.h"

namespace edaobs::telemetry::detail {

namespace http = boost::beast::http;

HttpResponse serve_builtin(const BeastRequest& request, std::string_view path, Registry& registry,
                           const Readiness& readiness, const Readiness& liveness) {
  if (request.method() != http::verb::get) {
    HttpResponse reply = json_field_response(405, "error", "method not allowed");
    reply.headers.emplace_back("Allow", "GET");
    return reply;
  }
  if (path == "/metrics") {
    const ExpositionFormat format = negotiate(request[http::field::accept]);
    return HttpResponse{200, std::string(content_type(format)), registry.render(format), {}};
  }
  if (path == "/health") {
    const ReadinessReport report = liveness.evaluate();
    return HttpResponse{
        report.ready ? 200U : 503U, "application/json", report.to_json("ok", "failing"), {}};
  }
  const ReadinessReport report = readiness.evaluate();
  return HttpResponse{report.ready ? 200U : 503U, "application/json", report.to_json(), {}};
}

}  // namespace edaobs::telemetry::detail
