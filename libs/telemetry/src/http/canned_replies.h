#pragma once
// The server's own answers: a JSON error body, and 503 with Retry-After for "try again later".
#include <string_view>

#include "edaobs/telemetry/http/http_message.h"

namespace edaobs::telemetry::detail {

inline HttpResponse json_error(unsigned status, std::string_view message) {
  return json_field_response(status, "error", message);
}

inline HttpResponse unavailable(std::string_view message) {
  HttpResponse reply = json_error(503, message);
  reply.headers.emplace_back("Retry-After", "1");
  return reply;
}

}  // namespace edaobs::telemetry::detail
