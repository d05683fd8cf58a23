#include "http_post_client.h"

// GCC 12 reports -Wnull-dereference inside Asio's scheduler and executor code once it is inlined
// here (false positives in third-party code, not silenced by the system-header rule because the
// warning fires after inlining). Limited to this translation unit.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "edaobs/telemetry/sdk/trace/resource.h"

#include "endpoint_resolver.h"

namespace edaobs::telemetry::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// Errors that mean a kept-alive connection was closed by the server while idle.
// A Collector answers with a small status message; anything bigger is not worth reading.
constexpr std::uint64_t kMaxResponseBody = 64 * 1024;

bool is_stale_connection_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == http::error::partial_message;
}

}  // namespace

struct HttpPostClient::Impl {
  Impl(HttpEndpoint ep, const HeaderList& headers, HttpPostClientOptions& options)
      : endpoint(std::move(ep)),
        resolver(endpoint.host, endpoint.port, std::move(options.resolve)) {
    request.method(http::verb::post);
    request.target(endpoint.target);
    request.version(11);
    request.set(http::field::host, endpoint.host_header);
    request.set(http::field::user_agent,
                std::string(kTelemetrySdkName) + "-otlp-http/" + std::string(kTelemetrySdkVersion));
    request.set(http::field::content_type, options.content_type);
    if (!options.content_encoding.empty()) {
      request.set(http::field::content_encoding, options.content_encoding);
    }
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    request.keep_alive(true);
  }

  // The resolved addresses as endpoints; false (with `out` filled) when there are none.
  bool resolve(HttpPostResult& out, Clock::time_point deadline) {
    ResolveOutcome outcome = resolver.resolve(deadline);
    endpoints.clear();
    for (const std::string& address : outcome.addresses) {
      beast::error_code ec;
      const asio::ip::address ip = asio::ip::make_address(address, ec);
      if (!ec) {
        endpoints.emplace_back(ip, port_number);
      }
    }
    if (endpoints.empty()) {
      out.transport_error = true;
      out.error = outcome.error.empty() ? "resolve " + endpoint.host + ": no usable address"
                                        : outcome.error;
      return false;
    }
    return true;
  }

  void close_stream() noexcept {
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    connected = false;
    buffer.clear();
  }

  asio::awaitable<void> exchange(HttpPostResult& out, Clock::time_point deadline) {
    constexpr auto token = asio::as_tuple(asio::use_awaitable);
    for (int round = 0; round < 2; ++round) {
      const bool reused = connected;
      if (!connected) {
        // Resolved by post() before this coroutine started (never inside the io_context, where a
        // hung lookup could not be abandoned at the deadline).
        stream.expires_at(deadline);
        auto [connect_error, connected_to] = co_await stream.async_connect(endpoints, token);
        if (connect_error) {
          close_stream();
          out.transport_error = true;
          out.error = "connect " + endpoint.host_header + ": " + connect_error.message();
          co_return;
        }
        connected = true;
      }
      stream.expires_at(deadline);
      auto [write_error, written] = co_await http::async_write(stream, request, token);
      beast::error_code failure = write_error;
      if (!failure) {
        http::response_parser<http::string_body> parser;
        parser.body_limit(kMaxResponseBody);
        auto [read_error, read] = co_await http::async_read(stream, buffer, parser, token);
        failure = read_error;
        if (!failure) {
          const auto& response = parser.get();
          out.status = static_cast<int>(response.result_int());
          if (auto it = response.find(http::field::retry_after); it != response.end()) {
            out.retry_after = std::string(it->value());
          }
          if (auto it = response.find(http::field::content_type); it != response.end()) {
            out.content_type = std::string(it->value());
          }
          out.body = std::move(parser.get().body());
          if (!response.keep_alive()) {
            close_stream();
          }
          co_return;
        }
      }
      close_stream();
      if (reused && is_stale_connection_error(failure) && Clock::now() < deadline) {
        continue;  // the server dropped the idle connection: one more try on a fresh one
      }
      out.transport_error = true;
      out.aborted = failure == asio::error::operation_aborted;
      out.error = (failure == beast::error::timeout ? std::string("timed out") : failure.message());
      co_return;
    }
  }

  HttpEndpoint endpoint;
  EndpointResolver resolver;
  std::uint16_t port_number =
      static_cast<std::uint16_t>(std::stoul(endpoint.port));  // validated by parse_http_endpoint
  std::vector<asio::ip::tcp::endpoint> endpoints;  // of the last lookup, for reconnecting
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  bool connected = false;
};

HttpPostClient::HttpPostClient(HttpEndpoint endpoint, const HeaderList& headers,
                               HttpPostClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(endpoint), headers, options)) {}

HttpPostClient::~HttpPostClient() = default;

HttpPostResult HttpPostClient::post(std::string_view body, std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  HttpPostResult result;
  const Clock::time_point deadline = Clock::now() + timeout;
  if (!m.connected && !m.resolve(result, deadline)) {
    return result;
  }
  m.request.body().assign(body);
  m.request.prepare_payload();
  bool done = false;
  m.io.restart();
  asio::co_spawn(m.io, m.exchange(result, deadline), [&](const std::exception_ptr& error) {
    done = true;
    if (error) {
      result.transport_error = true;
      result.error = "internal error in HTTP exchange";
    }
  });
  // The stream's expiry bounds connect/write/read; this is a backstop.
  m.io.run_until(deadline + std::chrono::milliseconds(50));
  if (!done) {
    m.close_stream();
    m.io.run();  // let the cancelled operations finish
    result.transport_error = true;
    result.status = 0;
    result.error = "timed out";
  }
  return result;
}

void HttpPostClient::abort() noexcept {
  impl_->resolver.cancel();
  try {
    asio::post(impl_->io, [impl = impl_.get()] { impl->close_stream(); });
  } catch (...) {
  }
}

void HttpPostClient::close() noexcept { impl_->close_stream(); }

}  // namespace edaobs::telemetry::detail
