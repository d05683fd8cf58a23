#pragma once
// A scripted HTTP/1.1 server on 127.0.0.1 for the OTLP exporter tests, and a log of the
// exporter's attempts. Include only from test files that silence GCC 12's -Wnull-dereference
// false positive inside Asio before any Asio header (see their first lines).
#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"

namespace edaobs::telemetry::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct Reply {
  int status = 200;
  std::string retry_after{};
  bool drop_connection = false;  // read the request, close without answering
  std::string content_type = "application/json";
  std::string body = "{}";
  std::function<void()> before_reply{};  // runs on the server thread once the request is read
};

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string content_encoding;
  std::string body;
};

// Answers requests one by one from a script (the last entry repeats). One connection at a time.
class ScriptedHttpServer {
 public:
  struct Options {
    std::vector<Reply> script{Reply{}};
    std::uint16_t port = 0;
    bool keep_alive = false;                  // keep the connection for further requests
    bool close_silently_after_reply = false;  // promise keep-alive, then close anyway
  };

  explicit ScriptedHttpServer(Options options) : options_(std::move(options)), acceptor_(io_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }

  ~ScriptedHttpServer() {
    stopping_ = true;
    const int fd = active_fd_.load();
    if (fd >= 0) {
      ::shutdown(fd, SHUT_RDWR);  // unblocks a read on a kept-alive connection
    }
    beast::error_code ignored;
    tcp::socket poke(io_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_),
                 ignored);  // unblocks accept
    thread_.join();
  }

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v1/traces";
  }
  [[nodiscard]] std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  [[nodiscard]] std::size_t connections() const { return connections_.load(); }

 private:
  void run() {
    while (!stopping_) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_ || ec) {
        continue;
      }
      ++connections_;
      active_fd_ = socket.native_handle();
      serve(socket);
      active_fd_ = -1;
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) {
        return;
      }
      Reply reply;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back({std::string(request.method_string()), std::string(request.target()),
                             std::string(request[http::field::content_type]),
                             std::string(request[http::field::content_encoding]), request.body()});
        reply = options_.script[std::min(requests_.size() - 1, options_.script.size() - 1)];
      }
      if (reply.before_reply) {
        reply.before_reply();
      }
      if (reply.drop_connection) {
        socket.close(ec);
        return;
      }
      http::response<http::string_body> response(static_cast<http::status>(reply.status), 11);
      response.set(http::field::content_type, reply.content_type);
      if (!reply.retry_after.empty()) {
        response.set(http::field::retry_after, reply.retry_after);
      }
      response.body() = reply.body;
      response.keep_alive(options_.keep_alive || options_.close_silently_after_reply);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec || !options_.keep_alive) {
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        return;
      }
    }
  }

  Options options_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_fd_{-1};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

// Attempts reported by the exporter, safe to read from the test thread.
struct AttemptLog {
  std::mutex mutex;
  std::vector<ExportAttempt> attempts;
  std::function<void(const ExportAttempt&)> hook() {
    return [this](const ExportAttempt& a) {
      std::lock_guard lock(mutex);
      attempts.push_back(a);
    };
  }
  std::vector<ExportAttempt> snapshot() {
    std::lock_guard lock(mutex);
    return attempts;
  }
};

}  // namespace edaobs::telemetry::test
