#include "http/beast_messages.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

namespace edaobs::telemetry::detail {

namespace http = boost::beast::http;

BeastResponse to_beast(unsigned version, HttpResponse reply) {
  BeastResponse response{static_cast<http::status>(reply.status), version};
  response.set(http::field::server, "edaobs");
  if (!reply.content_type.empty()) response.set(http::field::content_type, reply.content_type);
  for (const auto& [name, value] : reply.headers) response.set(name, value);
  response.body() = std::move(reply.body);
  response.prepare_payload();
  return response;
}

HttpRequest from_beast(BeastRequest& request) {
  const std::string_view target = request.target();
  HttpRequest converted;
  converted.method = std::string(request.method_string());
  converted.target = std::string(target);
  const auto query = target.find('?');
  converted.path = std::string(target.substr(0, query));
  if (query != std::string_view::npos) converted.query = std::string(target.substr(query + 1));
  for (const auto& field : request) {
    converted.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  converted.body = std::move(request.body());
  return converted;
}

std::optional<HttpResponse> reply_to_read_error(const boost::beast::error_code& error) {
  if (error == http::error::body_limit)
    return json_field_response(413, "error", "request body too large");
  if (error == http::error::header_limit) {
    return json_field_response(431, "error", "request header fields too large");
  }
  if (error.category() == http::make_error_code(http::error::bad_target).category() &&
      error != http::error::end_of_stream && error != http::error::partial_message) {
    return json_field_response(400, "error", "malformed request");
  }
  return std::nullopt;
}

}  // namespace edaobs::telemetry::detail
