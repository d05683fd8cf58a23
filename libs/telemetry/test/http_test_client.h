#pragma once
// A blocking HTTP/1.1 test client on one keep-alive connection, and server options for tests.
// Every operation runs with a deadline so that a misbehaving server fails the test instead of
// hanging it.
#pragma GCC diagnostic ignored "-Wnull-dereference"  // Asio internals inlined here (GCC 12)

#include <array>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/http/http_server.h"

namespace edaobs::telemetry::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Response = http::response<http::string_body>;

class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }

  Response send(http::verb method, const std::string& target, const std::string& body = {},
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    send_only(method, target, body, std::move(headers));
    return receive();
  }

  // Writes a request without waiting for its response (see receive()).
  void send_only(http::verb method, const std::string& target, const std::string& body = {},
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == http::verb::post) {
      request.body() = body;
      request.prepare_payload();
    }
    throw_on_error(run([&](auto handler) { http::async_write(socket_, request, handler); }));
  }

  Response receive() {
    Response response;
    throw_on_error(
        run([&](auto handler) { http::async_read(socket_, buffer_, response, handler); }));
    return response;
  }

  Response get(const std::string& target, const std::string& accept = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    return send(http::verb::get, target, {}, std::move(headers));
  }

  void write_raw(const std::string& bytes) {
    throw_on_error(
        run([&](auto handler) { asio::async_write(socket_, asio::buffer(bytes), handler); }));
  }

  // Reads once; returns the error (eof once the server has closed the connection).
  boost::system::error_code read_some() {
    std::array<char, 256> bytes;
    return run([&](auto handler) { socket_.async_read_some(asio::buffer(bytes), handler); });
  }

 private:
  template <class Start>
  boost::system::error_code run(Start start) {
    boost::system::error_code result;
    bool done = false;
    io_.restart();
    start([&](boost::system::error_code error, std::size_t) {
      result = error;
      done = true;
    });
    io_.run_for(std::chrono::seconds(5));
    if (!done) {
      socket_.cancel();
      io_.restart();
      io_.run();
      ADD_FAILURE() << "client operation timed out";
      return asio::error::timed_out;
    }
    return result;
  }

  static void throw_on_error(boost::system::error_code error) {
    if (error) throw boost::system::system_error(error);
  }

  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

inline HttpServerOptions local_options() {
  HttpServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  return options;
}

}  // namespace edaobs::telemetry::test
