// GCC 12 reports -Wnull-dereference inside Asio's inlined scheduler code (false positives from
// system headers that -isystem cannot silence once inlined into this file).
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "edaobs/telemetry/http/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "edaobs/telemetry/logs/json_escape.h"

namespace edaobs::telemetry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::string_view kBuiltinPaths[] = {"/metrics", "/health", "/ready"};

bool iequals(std::string_view a, std::string_view b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

HttpResponse json_error(unsigned status, std::string_view message) {
  return json_field_response(status, "error", message);
}

tcp::endpoint resolve_endpoint(const std::string& address, std::uint16_t port) {
  boost::system::error_code error;
  const auto ip = asio::ip::make_address(address, error);
  if (!error) return {ip, port};
  // Not a literal address: resolve the host name once, synchronously (startup only).
  asio::io_context resolver_context;
  tcp::resolver resolver(resolver_context);
  const auto results = resolver.resolve(address, std::to_string(port));  // throws on failure
  return results.begin()->endpoint();
}

}  // namespace

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
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Registry& registry, Readiness& readiness)
      : options_(std::move(options)), registry_(registry), readiness_(readiness) {
    options_.io_threads = std::max(1U, options_.io_threads);
  }

  ~Impl() { stop(); }

  void add_route(std::string method, std::string path, HttpHandler handler) {
    if (!handler) throw std::invalid_argument("add_route: empty handler for " + path);
    if (path.empty() || path.front() != '/') {
      throw std::invalid_argument("add_route: path must start with '/': " + path);
    }
    if (std::find(std::begin(kBuiltinPaths), std::end(kBuiltinPaths), path) !=
        std::end(kBuiltinPaths)) {
      throw std::invalid_argument("add_route: " + path + " is a built-in endpoint");
    }
    std::transform(method.begin(), method.end(), method.begin(), [](char c) {
      return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
    });
    auto shared = std::make_shared<const HttpHandler>(std::move(handler));
    std::unique_lock lock(routes_mutex_);
    auto& methods = routes_[path];
    if (!methods.emplace(method, std::move(shared)).second) {
      throw std::invalid_argument("add_route: " + method + " " + path + " is already routed");
    }
  }

  void start() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (running_) throw std::logic_error("HttpServer::start: already running");
    // Leftovers of a start() that failed to bind; they refer to the old io_context.
    acceptor_.reset();
    acceptor_strand_.reset();
    io_ = std::make_unique<asio::io_context>(static_cast<int>(options_.io_threads));
    acceptor_strand_.emplace(asio::make_strand(*io_));
    acceptor_.emplace(*acceptor_strand_);
    try {
      const tcp::endpoint endpoint = resolve_endpoint(options_.address, options_.port);
      acceptor_->open(endpoint.protocol());
      acceptor_->set_option(asio::socket_base::reuse_address(true));
      acceptor_->bind(endpoint);
      acceptor_->listen(asio::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& error) {
      // Callers see the standard type, with the address that failed.
      throw std::system_error(std::error_code(error.code()),
                              "HttpServer: cannot listen on " + options_.address + ":" +
                                  std::to_string(options_.port));
    }
    port_ = acceptor_->local_endpoint().port();
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.clear();
      stopping_ = false;
      accepting_ = true;
    }
    asio::co_spawn(*acceptor_strand_, accept_loop(), asio::detached);
    for (unsigned i = 0; i < options_.io_threads; ++i) {
      threads_.emplace_back([this] { run_io(); });
    }
    running_ = true;
  }

  void stop() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (!running_) return;
    {
      std::unique_lock lock(sessions_mutex_);
      stopping_ = true;
      asio::post(*acceptor_strand_, [this] {
        boost::system::error_code ignored;
        acceptor_->close(ignored);  // the pending accept completes with operation_aborted
      });
      for (const auto& [key, weak] : sessions_) {
        if (auto session = weak.lock()) {
          asio::post(session->stream.get_executor(), [session] { session->stream.close(); });
        }
      }
      // Every coroutine ends once its socket is closed; wait for that, but not forever.
      sessions_changed_.wait_for(lock, options_.shutdown_timeout,
                                 [this] { return sessions_.empty() && !accepting_; });
    }
    io_->stop();  // whatever is still pending (a stuck handler's peers) is abandoned
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    acceptor_.reset();
    acceptor_strand_.reset();
    io_.reset();  // destroys abandoned coroutine frames and their sockets
    port_ = 0;
    running_ = false;
  }

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] bool running() const noexcept { return running_; }

 private:
  struct Session {
    explicit Session(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
  };

  // Removes the session from the live set however its coroutine ends, even when the frame is
  // destroyed unresumed at shutdown.
  class SessionRegistration {
   public:
    SessionRegistration(Impl& impl, const Session* key) : impl_(impl), key_(key) {}
    ~SessionRegistration() {
      std::lock_guard lock(impl_.sessions_mutex_);
      impl_.sessions_.erase(key_);
      impl_.sessions_changed_.notify_all();
    }
    SessionRegistration(const SessionRegistration&) = delete;
    SessionRegistration& operator=(const SessionRegistration&) = delete;

   private:
    Impl& impl_;
    const Session* key_;
  };

  void run_io() {
    for (;;) {
      try {
        io_->run();
        return;
      } catch (...) {  // handlers catch their own errors; never let one end an io thread
      }
    }
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor_->async_accept(asio::make_strand(*io_), kUseTuple);
      if (error == asio::error::operation_aborted || !acceptor_->is_open()) break;
      if (error) {
        // E.g. out of descriptors: back off briefly instead of spinning.
        asio::steady_timer timer(*acceptor_strand_, std::chrono::milliseconds(50));
        co_await timer.async_wait(kUseTuple);
        continue;
      }
      auto session = std::make_shared<Session>(std::move(socket));
      {
        std::lock_guard lock(sessions_mutex_);
        if (stopping_) break;
        sessions_.emplace(session.get(), session);
      }
      const auto executor = session->stream.get_executor();
      asio::co_spawn(executor, serve(std::move(session)), asio::detached);
    }
    std::lock_guard lock(sessions_mutex_);
    accepting_ = false;
    sessions_changed_.notify_all();
  }

  asio::awaitable<void> serve(std::shared_ptr<Session> session) {
    SessionRegistration registration(*this, session.get());
    try {
      co_await serve_requests(*session);
    } catch (...) {  // a broken connection must not take the io thread down
    }
    beast::error_code ignored;
    session->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    session->stream.close();
  }

  asio::awaitable<void> serve_requests(Session& session) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options_.max_body_bytes);
      session.stream.expires_after(options_.idle_timeout);
      auto [read_error, read_bytes] =
          co_await http::async_read(session.stream, buffer, parser, kUseTuple);
      if (read_error) {
        std::optional<HttpResponse> reply;
        if (read_error == http::error::body_limit) {
          reply = json_error(413, "request body too large");
        } else if (read_error == http::error::header_limit) {
          reply = json_error(431, "request header fields too large");
        } else if (read_error.category() == http::make_error_code(http::error::bad_target).category() &&
                   read_error != http::error::end_of_stream &&
                   read_error != http::error::partial_message) {
          reply = json_error(400, "malformed request");
        }
        if (reply) co_await write_final(session, parser.get().version(), std::move(*reply));
        co_return;
      }
      http::request<http::string_body> request = parser.release();
      http::response<http::string_body> response = to_beast(request.version(), dispatch(request));
      response.keep_alive(request.keep_alive() && !stopping_flag());
      session.stream.expires_after(options_.idle_timeout);
      auto [write_error, written] = co_await http::async_write(session.stream, response, kUseTuple);
      if (write_error || !response.keep_alive()) co_return;
    }
  }

  // Sends an error reply, then keeps reading (and discarding) briefly so the client sees the
  // reply rather than a reset caused by closing with its unread request bytes in our buffer.
  asio::awaitable<void> write_final(Session& session, unsigned version, HttpResponse reply) {
    http::response<http::string_body> response = to_beast(version == 0 ? 11 : version,
                                                          std::move(reply));
    response.keep_alive(false);
    session.stream.expires_after(options_.idle_timeout);
    auto [write_error, written] = co_await http::async_write(session.stream, response, kUseTuple);
    if (write_error) co_return;
    beast::error_code ignored;
    session.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    session.stream.expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> drain;
    for (;;) {
      auto [drain_error, n] = co_await session.stream.async_read_some(asio::buffer(drain), kUseTuple);
      if (drain_error) co_return;
    }
  }

  bool stopping_flag() {
    std::lock_guard lock(sessions_mutex_);
    return stopping_;
  }

  static http::response<http::string_body> to_beast(unsigned version, HttpResponse reply) {
    http::response<http::string_body> response{static_cast<http::status>(reply.status), version};
    response.set(http::field::server, "edaobs");
    if (!reply.content_type.empty()) response.set(http::field::content_type, reply.content_type);
    for (const auto& [name, value] : reply.headers) response.set(name, value);
    response.body() = std::move(reply.body);
    response.prepare_payload();
    return response;
  }

  HttpResponse dispatch(http::request<http::string_body>& request) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string_view method = request.method_string();
    try {
      if (path == "/metrics" || path == "/health" || path == "/ready") {
        if (request.method() != http::verb::get) {
          HttpResponse reply = json_error(405, "method not allowed");
          reply.headers.emplace_back("Allow", "GET");
          return reply;
        }
        if (path == "/metrics") {
          const ExpositionFormat format = negotiate(request[http::field::accept]);
          return HttpResponse{200, std::string(content_type(format)), registry_.render(format), {}};
        }
        if (path == "/health") return HttpResponse{200, "application/json", R"({"status":"ok"})", {}};
        const ReadinessReport report = readiness_.evaluate();
        return HttpResponse{report.ready ? 200U : 503U, "application/json", report.to_json(), {}};
      }
      std::shared_ptr<const HttpHandler> handler;
      std::string allowed;
      {
        std::shared_lock lock(routes_mutex_);
        const auto route = routes_.find(path);
        if (route == routes_.end()) return json_error(404, "not found");
        if (const auto it = route->second.find(method); it != route->second.end()) {
          handler = it->second;
        } else {
          for (const auto& entry : route->second) {
            if (!allowed.empty()) allowed += ", ";
            allowed += entry.first;
          }
        }
      }
      if (!handler) {
        HttpResponse reply = json_error(405, "method not allowed");
        reply.headers.emplace_back("Allow", std::move(allowed));
        return reply;
      }
      HttpRequest converted;
      converted.method = std::string(method);
      converted.target = std::string(target);
      converted.path = std::string(path);
      if (const auto q = target.find('?'); q != std::string_view::npos) {
        converted.query = std::string(target.substr(q + 1));
      }
      for (const auto& field : request) {
        converted.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      }
      converted.body = std::move(request.body());
      return (*handler)(converted);
    } catch (...) {
      return json_error(500, "internal error");
    }
  }

  HttpServerOptions options_;
  Registry& registry_;
  Readiness& readiness_;

  std::mutex lifecycle_mutex_;  // serialises start() and stop()
  std::unique_ptr<asio::io_context> io_;
  std::optional<asio::strand<asio::io_context::executor_type>> acceptor_strand_;
  std::optional<tcp::acceptor> acceptor_;
  std::vector<std::thread> threads_;
  std::atomic<std::uint16_t> port_{0};
  std::atomic<bool> running_{false};

  std::mutex sessions_mutex_;
  std::condition_variable sessions_changed_;
  std::map<const Session*, std::weak_ptr<Session>> sessions_;
  bool stopping_ = false;
  bool accepting_ = false;

  std::shared_mutex routes_mutex_;
  std::map<std::string, std::map<std::string, std::shared_ptr<const HttpHandler>, std::less<>>,
           std::less<>>
      routes_;
};

HttpServer::HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness)
    : impl_(std::make_unique<Impl>(std::move(options), registry, readiness)) {}

HttpServer::~HttpServer() = default;

void HttpServer::add_route(std::string method, std::string path, HttpHandler handler) {
  impl_->add_route(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::start() { impl_->start(); }
void HttpServer::stop() { impl_->stop(); }
std::uint16_t HttpServer::port() const noexcept { return impl_->port(); }
bool HttpServer::running() const noexcept { return impl_->running(); }

}  // namespace edaobs::telemetry
