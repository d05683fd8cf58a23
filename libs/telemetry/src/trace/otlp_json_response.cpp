// Reading the JSON ExportTraceServiceResponse (proto3 JSON mapping: lowerCamelCase names, int64
// as a decimal string, though a number is accepted too).
#include <charconv>

#include <boost/json.hpp>

#include "edaobs/telemetry/sdk/trace/otlp_response.h"

namespace edaobs::telemetry {

std::optional<OtlpPartialSuccess> parse_otlp_traces_response_json(std::string_view body) {
  OtlpPartialSuccess result;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return result;
  }
  boost::system::error_code ec;
  const boost::json::value root = boost::json::parse(body, ec);
  if (ec || !root.is_object()) {
    return std::nullopt;
  }
  const boost::json::value* partial = root.as_object().if_contains("partialSuccess");
  if (partial == nullptr || partial->is_null()) {
    return result;
  }
  if (!partial->is_object()) {
    return std::nullopt;
  }
  if (const boost::json::value* rejected = partial->as_object().if_contains("rejectedSpans")) {
    if (rejected->is_int64()) {
      result.rejected_spans = rejected->as_int64();
    } else if (rejected->is_uint64()) {
      return std::nullopt;  // beyond int64
    } else if (rejected->is_string()) {
      const boost::json::string& text = rejected->as_string();
      const auto [ptr, parse_error] =
          std::from_chars(text.data(), text.data() + text.size(), result.rejected_spans);
      if (parse_error != std::errc{} || ptr != text.data() + text.size()) {
        return std::nullopt;
      }
    } else if (!rejected->is_null()) {
      return std::nullopt;
    }
  }
  if (const boost::json::value* message = partial->as_object().if_contains("errorMessage")) {
    if (message->is_string()) {
      result.error_message = std::string(message->as_string());
    }
  }
  return result;
}

}  // namespace edaobs::telemetry
