#pragma once
// A request as a route handler sees it, and the response it gives.
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/core/header.h"

namespace edaobs::telemetry {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: path plus query
  std::string path;    // target without the query
  std::string query;   // after '?', without it
  HeaderList headers;
  std::string body;

  // First header with this name (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;  // extra headers
};

// A JSON object with one string member, e.g. {"error":"..."} or {"id":"..."}; the value is
// escaped, so any text is safe to pass.
HttpResponse json_field_response(unsigned status, std::string_view key, std::string_view value);

}  // namespace edaobs::telemetry
