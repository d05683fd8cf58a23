#include "edaobs/telemetry/http/http_message.h"

#include "edaobs/telemetry/trace/header_map_carrier.h"

#include "common/json_escape.h"

namespace edaobs::telemetry {

HttpResponse json_field_response(unsigned status, std::string_view key, std::string_view value) {
  std::string body = "{";
  append_json_string(body, key);
  body += ':';
  append_json_string(body, value);
  body += '}';
  return HttpResponse{status, "application/json", std::move(body), {}};
}

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals_ascii(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace edaobs::telemetry
