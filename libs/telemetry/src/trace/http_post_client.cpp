#include "http_post_client.h"

// GCC 12 reports -Wnull-dereference inside Asio's scheduler and executor code once it is inlined
// here (false positives in third-party code, not silenced by the system-header rule because the
// warning fires after inlining). Limited to this translation unit.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "edaobs/telemetry/trace/resource.h"

namespace edaobs::telemetry::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// Errors that mean a kept-alive connection was closed by the server while idle.
bool is_stale_connection_error(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == http::error::partial_message;
}

}  // namespace

struct HttpPostClient::Impl {
  Impl(HttpEndpoint ep, const HeaderList& headers) : endpoint(std::move(ep)) {
    request.method(http::verb::post);
    request.target(endpoint.target);
    request.version(11);
    request.set(http::field::host, endpoint.host_header);
    request.set(http::field::user_agent,
                std::string(kTelemetrySdkName) + "-otlp-http/" + std::string(kTelemetrySdkVersion));
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) {
      request.set(name, value);
    }
    request.keep_alive(true);
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
        auto [resolve_error, endpoints] = co_await resolver.async_resolve(endpoint.host, endpoint.port, token);
        if (resolve_error) {
          out.transport_error = true;
          out.error = "resolve " + endpoint.host + ": " + resolve_error.message();
          co_return;
        }
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
        parser.body_limit(1024 * 1024);
        auto [read_error, read] = co_await http::async_read(stream, buffer, parser, token);
        failure = read_error;
        if (!failure) {
          const auto& response = parser.get();
          out.status = static_cast<int>(response.result_int());
          if (auto it = response.find(http::field::retry_after); it != response.end()) {
            out.retry_after = std::string(it->value());
          }
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
  asio::io_context io;
  asio::ip::tcp::resolver resolver{io};
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  bool connected = false;
};

HttpPostClient::HttpPostClient(HttpEndpoint endpoint, HeaderList headers)
    : impl_(std::make_unique<Impl>(std::move(endpoint), headers)) {}

HttpPostClient::~HttpPostClient() = default;

HttpPostResult HttpPostClient::post(const std::string& body, std::chrono::milliseconds timeout) {
  Impl& m = *impl_;
  m.request.body().assign(body);
  m.request.prepare_payload();
  HttpPostResult result;
  bool done = false;
  const Clock::time_point deadline = Clock::now() + timeout;
  m.io.restart();
  asio::co_spawn(m.io, m.exchange(result, deadline), [&](const std::exception_ptr& error) {
    done = true;
    if (error) {
      result.transport_error = true;
      result.error = "internal error in HTTP exchange";
    }
  });
  // The stream's expiry bounds connect/write/read; this bounds name resolution too.
  m.io.run_until(deadline + std::chrono::milliseconds(50));
  if (!done) {
    m.resolver.cancel();
    m.close_stream();
    m.io.run();  // let the cancelled operations finish
    result.transport_error = true;
    result.status = 0;
    result.error = "timed out";
  }
  return result;
}

void HttpPostClient::abort() noexcept {
  try {
    asio::post(impl_->io, [impl = impl_.get()] {
      impl->resolver.cancel();
      impl->close_stream();
    });
  } catch (...) {
  }
}

void HttpPostClient::close() noexcept { impl_->close_stream(); }

}  // namespace edaobs::telemetry::detail
