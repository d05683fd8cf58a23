#pragma once
// Between Beast's message types and the ones route handlers see.
#include <optional>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "edaobs/telemetry/http/http_message.h"

namespace edaobs::telemetry::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

[[nodiscard]] BeastResponse to_beast(unsigned version, HttpResponse reply);
// Moves the body out of `request`.
[[nodiscard]] HttpRequest from_beast(BeastRequest& request);
// What to tell a client whose request could not be read (413, 431, 400); nothing when the
// connection simply ended.
[[nodiscard]] std::optional<HttpResponse> reply_to_read_error(
    const boost::beast::error_code& error);

}  // namespace edaobs::telemetry::detail
