#pragma once
// A request as a route handler sees it, and the response it gives.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edaobs::telemetry {

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

}  // namespace edaobs::telemetry
