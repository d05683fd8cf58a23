// GCC 12: false -Wnull-dereference inside Asio's scheduler inlined here (-isystem can't help).
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include "edaobs/telemetry/http/http_server.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <pthread.h>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <variant>

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

#include "http/beast_messages.h"
#include "http/builtin_endpoints.h"
#include "http/canned_replies.h"
#include "http/pending_reply.h"
#include "http/route_table.h"

namespace edaobs::telemetry {

// One io thread: nothing on it blocks, and no session coroutine resumes on another thread
// (TSan reported Asio's per-thread frame cache read across two).
constexpr int kIoThreads = 1;

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;
using detail::BeastRequest;
using detail::BeastResponse;
using detail::json_error;
using detail::PendingReply;
using detail::unavailable;

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

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Registry& registry, const Readiness& readiness,
       const Readiness* liveness)
      : options_(std::move(options)),
        registry_(registry),
        readiness_(readiness),
        liveness_(liveness != nullptr ? *liveness : always_alive_),
        pending_(options_.max_pending_replies) {}

  ~Impl() { stop(); }

  void add_route(std::string method, std::string path, detail::Route route) {
    routes_.add(std::move(method), std::move(path), std::move(route));
  }

  void start() {
    std::lock_guard lifecycle(lifecycle_mutex_);
    if (running_) throw std::logic_error("HttpServer::start: already running");
    // Leftovers of a start() that failed to bind; they refer to the old io_context.
    acceptor_.reset();
    acceptor_strand_.reset();
    io_ = std::make_unique<asio::io_context>(kIoThreads);
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
      throw std::system_error(
          std::error_code(error.code()),
          "HttpServer: cannot listen on " + options_.address + ":" + std::to_string(options_.port));
    }
    port_ = acceptor_->local_endpoint().port();
    {
      std::lock_guard lock(sessions_mutex_);
      sessions_.clear();
      stopping_ = false;
      accepting_ = true;
    }
    asio::co_spawn(*acceptor_strand_, accept_loop(), asio::detached);
    for (int i = 0; i < kIoThreads; ++i) {
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
          asio::post(session->stream.get_executor(), [session] {
            // A session waiting for a deferred answer wakes, answers 503 and closes itself.
            if (session->awaiting_reply)
              session->reply_timer.cancel();
            else
              session->stream.close();
          });
        }
      }
      // Every coroutine ends once its socket is closed; wait for that, but not forever.
      sessions_changed_.wait_for(lock, options_.shutdown_timeout,
                                 [this] { return sessions_.empty() && !accepting_; });
    }
    io_->stop();  // whatever is still pending (a stuck handler's peers) is abandoned
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    // Responders may outlive the server; from here on they must not post to this io_context.
    pending_.disconnect_all();
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
    explicit Session(tcp::socket socket)
        : stream(std::move(socket)), reply_timer(stream.get_executor()) {}
    beast::tcp_stream stream;
    // A deferred request waits on it; cancelling it wakes the session to look again.
    asio::steady_timer reply_timer;
    bool awaiting_reply = false;  // touched on the session's strand only
  };

  // What dispatch() found: an answer now, or a deferred route to call.
  struct DeferredCall {
    std::shared_ptr<const detail::Route> route;
    HttpRequest request;
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
    pthread_setname_np(pthread_self(), "edaobs-http");
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
      co_await serve_requests(session);
    } catch (...) {  // a broken connection must not take the io thread down
    }
    beast::error_code ignored;
    session->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    session->stream.close();
  }

  asio::awaitable<void> serve_requests(const std::shared_ptr<Session>& shared) {
    Session& session = *shared;
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options_.max_body_bytes);
      session.stream.expires_after(options_.idle_timeout);
      auto [read_error, read_bytes] =
          co_await http::async_read(session.stream, buffer, parser, kUseTuple);
      if (read_error) {
        std::optional<HttpResponse> reply = detail::reply_to_read_error(read_error);
        if (reply) co_await write_final(session, parser.get().version(), std::move(*reply));
        co_return;
      }
      BeastRequest request = parser.release();
      auto routed = dispatch(request);
      // Not a conditional expression: GCC 12 miscompiles co_await inside one.
      HttpResponse reply;
      if (auto* deferred = std::get_if<DeferredCall>(&routed)) {
        reply = co_await answer_later(shared, std::move(*deferred));
      } else {
        reply = std::get<HttpResponse>(std::move(routed));
      }
      BeastResponse response = detail::to_beast(request.version(), std::move(reply));
      response.keep_alive(request.keep_alive() && !stopping_flag());
      session.stream.expires_after(options_.idle_timeout);
      auto [write_error, written] = co_await http::async_write(session.stream, response, kUseTuple);
      if (write_error || !response.keep_alive()) co_return;
    }
  }

  // Sends an error reply, then keeps reading (and discarding) briefly so the client sees the
  // reply rather than a reset caused by closing with its unread request bytes in our buffer.
  asio::awaitable<void> write_final(Session& session, unsigned version, HttpResponse reply) {
    BeastResponse response = detail::to_beast(version == 0 ? 11 : version, std::move(reply));
    response.keep_alive(false);
    session.stream.expires_after(options_.idle_timeout);
    auto [write_error, written] = co_await http::async_write(session.stream, response, kUseTuple);
    if (write_error) co_return;
    beast::error_code ignored;
    session.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    session.stream.expires_after(std::chrono::seconds(1));
    std::array<char, 16 * 1024> drain;
    for (;;) {
      auto [drain_error, n] =
          co_await session.stream.async_read_some(asio::buffer(drain), kUseTuple);
      if (drain_error) co_return;
    }
  }

  bool stopping_flag() {
    std::lock_guard lock(sessions_mutex_);
    return stopping_;
  }

  std::variant<HttpResponse, DeferredCall> dispatch(BeastRequest& request) {
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    try {
      if (detail::RouteTable::builtin(path))
        return detail::serve_builtin(request, path, registry_, readiness_, liveness_);
      detail::RouteLookup found = routes_.find(request.method_string(), path);
      if (!found.route) {
        if (!found.path_known) return json_error(404, "not found");
        HttpResponse reply = json_error(405, "method not allowed");
        reply.headers.emplace_back("Allow", std::move(found.allowed));
        return reply;
      }
      HttpRequest converted = detail::from_beast(request);
      if (found.route->deferred) return DeferredCall{std::move(found.route), std::move(converted)};
      return found.route->handler(converted);
    } catch (...) {
      return json_error(500, "internal error");
    }
  }

  // Calls a deferred route's handler and waits, without holding the io thread, until its
  // answer arrives, the route's reply timeout passes or the server stops.
  asio::awaitable<HttpResponse> answer_later(const std::shared_ptr<Session>& session,
                                             DeferredCall call) {
    const std::weak_ptr<Session> weak = session;
    auto wake = [weak, executor = session->stream.get_executor()] {
      asio::post(executor, [weak] {
        if (auto alive = weak.lock()) alive->reply_timer.cancel();
      });
    };
    const detail::PendingReplies::Admission admission(
        pending_, std::make_shared<PendingReply>(std::move(wake)));
    const std::shared_ptr<PendingReply>& reply = admission.reply();
    if (!reply) co_return unavailable("too many requests waiting for an answer");
    if (stopping_flag()) co_return unavailable("server stopping");
    try {
      call.route->deferred(call.request, HttpResponder(reply));
    } catch (...) {
      reply->complete(json_error(500, "internal error"));
    }
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = detail::reply_deadline(call.route->options.reply_timeout);
    session->awaiting_reply = true;
    session->reply_timer.expires_at(deadline);
    // Wake-ups may be stale (meant for an earlier request of this connection): look again.
    while (!reply->settled() && !stopping_flag() && Clock::now() < deadline) {
      co_await session->reply_timer.async_wait(kUseTuple);
    }
    session->awaiting_reply = false;
    co_return reply->settle(stopping_flag() ? unavailable("server stopping")
                                            : call.route->options.timeout_reply);
  }

  HttpServerOptions options_;
  Registry& registry_;
  const Readiness always_alive_{Readiness::WhenEmpty::kReady};  // when no liveness was given
  const Readiness& readiness_;
  const Readiness& liveness_;

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

  detail::PendingReplies pending_;

  detail::RouteTable routes_;
};

HttpServer::HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness)
    : impl_(std::make_unique<Impl>(std::move(options), registry, readiness, nullptr)) {}

HttpServer::HttpServer(HttpServerOptions options, Registry& registry, Readiness& readiness,
                       Readiness& liveness)
    : impl_(std::make_unique<Impl>(std::move(options), registry, readiness, &liveness)) {}

HttpServer::~HttpServer() = default;

void HttpServer::add_route(std::string method, std::string path, HttpHandler handler) {
  impl_->add_route(std::move(method), std::move(path), detail::Route{std::move(handler), {}, {}});
}

void HttpServer::add_deferred_route(std::string method, std::string path,
                                    DeferredHttpHandler handler, DeferredRouteOptions options) {
  impl_->add_route(std::move(method), std::move(path),
                   detail::Route{{}, std::move(handler), std::move(options)});
}

void HttpServer::start() { impl_->start(); }
void HttpServer::stop() { impl_->stop(); }
std::uint16_t HttpServer::port() const noexcept { return impl_->port(); }
bool HttpServer::running() const noexcept { return impl_->running(); }

}  // namespace edaobs::telemetry
