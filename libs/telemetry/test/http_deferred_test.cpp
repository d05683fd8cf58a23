// Deferred routes: the handler returns at once and the answer comes later, from any thread,
// while the io thread keeps serving everything else.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http_test_client.h"

namespace edaobs::telemetry {
namespace {

using namespace test;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

// Keeps the responders a deferred route was given, so a test can answer them when it chooses.
class HeldReplies {
 public:
  DeferredHttpHandler handler() {
    return [this](const HttpRequest&, HttpResponder responder) {
      std::lock_guard lock(mutex_);
      held_.push_back(std::move(responder));
      changed_.notify_all();
    };
  }
  // Waits (with a deadline) until `n` requests reached the handler.
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return held_.size() >= n; });
  }
  std::vector<HttpResponder> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(held_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<HttpResponder> held_;
};

HttpResponse text(unsigned status, std::string body) {
  return HttpResponse{status, "text/plain", std::move(body), {}};
}

class HttpDeferred : public ::testing::Test {
 protected:
  void start(HttpServerOptions options = local_options(), DeferredRouteOptions route = {}) {
    readiness_.add_check("wired", [] { return true; });
    server_ = std::make_unique<HttpServer>(options, registry_, readiness_);
    server_->add_deferred_route("POST", "/later", held_.handler(), std::move(route));
    server_->start();
  }

  Registry registry_;
  Readiness readiness_;
  HeldReplies held_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpDeferred, AnswerFromAnotherThreadReachesTheClient) {
  start();
  Client client(server_->port());
  client.send_only(http::verb::post, "/later", "x");
  ASSERT_TRUE(held_.wait_for(1));
  auto responders = held_.take();
  EXPECT_TRUE(responders[0].pending());
  bool first = false;
  bool second = true;
  std::thread answering([&] {
    first = responders[0].respond(text(201, "acknowledged"));
    second = responders[0].respond(text(500, "too late"));
  });
  answering.join();
  EXPECT_TRUE(first);
  EXPECT_FALSE(second) << "only the first answer counts";
  EXPECT_FALSE(responders[0].pending());
  const Response response = client.receive();
  EXPECT_EQ(response.result_int(), 201U);
  EXPECT_EQ(response.body(), "acknowledged");
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(client.get("/health").result_int(), 200U) << "the connection serves on";
}

TEST_F(HttpDeferred, MetricsAndReadyAnswerWhileManyRequestsWait) {
  HttpServerOptions options = local_options();
  start(options);
  constexpr std::size_t kWaiting = 50;
  std::vector<std::unique_ptr<Client>> posters;
  for (std::size_t i = 0; i < kWaiting; ++i) {
    posters.push_back(std::make_unique<Client>(server_->port()));
    posters.back()->send_only(http::verb::post, "/later", std::to_string(i));
  }
  ASSERT_TRUE(held_.wait_for(kWaiting));

  Client probe(server_->port());
  EXPECT_EQ(probe.get("/metrics").result_int(), 200U);
  EXPECT_EQ(probe.get("/ready").result_int(), 200U);

  for (const auto& responder : held_.take()) responder.respond(text(202, "ok"));
  for (const auto& poster : posters) EXPECT_EQ(poster->receive().result_int(), 202U);
}

TEST_F(HttpDeferred, ResponderDroppedUnansweredYields500) {
  start();
  server_->add_deferred_route("POST", "/drop", [](const HttpRequest&, HttpResponder) {});
  server_->add_deferred_route("POST", "/throw", [](const HttpRequest&, HttpResponder) {
    throw std::runtime_error("handler failed");
  });
  Client client(server_->port());
  EXPECT_EQ(client.send(http::verb::post, "/drop", "x").result_int(), 500U);
  EXPECT_EQ(client.send(http::verb::post, "/throw", "x").result_int(), 500U);

  // Dropped later, on another thread, after being kept for a while.
  client.send_only(http::verb::post, "/later", "x");
  ASSERT_TRUE(held_.wait_for(1));
  std::thread([responders = held_.take()]() mutable { responders.clear(); }).join();
  EXPECT_EQ(client.receive().result_int(), 500U);
}

TEST_F(HttpDeferred, ReplyTimeoutAnswersForTheHandler) {
  DeferredRouteOptions route;
  route.reply_timeout = 100ms;
  route.timeout_reply = text(503, "no answer");
  start(local_options(), route);
  Client client(server_->port());
  const Response response = client.send(http::verb::post, "/later", "x");
  EXPECT_EQ(response.result_int(), 503U);
  EXPECT_EQ(response.body(), "no answer");
  auto responders = held_.take();
  ASSERT_EQ(responders.size(), 1U);
  EXPECT_FALSE(responders[0].respond(text(201, "late"))) << "the timeout settled it";
}

TEST_F(HttpDeferred, AnswerInsideTheHandlerThenALaterOneOnTheSameConnection) {
  start();
  server_->add_deferred_route("POST", "/now", [](const HttpRequest&, HttpResponder responder) {
    responder.respond(text(201, "now"));
  });
  Client client(server_->port());
  EXPECT_EQ(client.send(http::verb::post, "/now", "x").body(), "now");
  // The next request on the connection waits for its own answer, not the route's timeout reply.
  client.send_only(http::verb::post, "/later", "x");
  ASSERT_TRUE(held_.wait_for(1));
  EXPECT_EQ(Client(server_->port()).get("/health").result_int(), 200U);
  held_.take()[0].respond(text(201, "later"));
  const Response response = client.receive();
  EXPECT_EQ(response.result_int(), 201U);
  EXPECT_EQ(response.body(), "later") << "not the route's timeout reply";
}

TEST_F(HttpDeferred, BeyondTheLimitGets503AtOnce) {
  HttpServerOptions options = local_options();
  options.max_pending_replies = 2;
  start(options);
  Client first(server_->port());
  Client second(server_->port());
  first.send_only(http::verb::post, "/later", "1");
  second.send_only(http::verb::post, "/later", "2");
  ASSERT_TRUE(held_.wait_for(2));
  const Response refused = Client(server_->port()).send(http::verb::post, "/later", "3");
  EXPECT_EQ(refused.result_int(), 503U);
  EXPECT_EQ(refused[http::field::retry_after], "1");
  for (const auto& responder : held_.take()) responder.respond(text(201, "ok"));
  EXPECT_EQ(first.receive().result_int(), 201U);
  EXPECT_EQ(second.receive().result_int(), 201U);
  // Answered requests no longer count against the limit.
  Client third(server_->port());
  third.send_only(http::verb::post, "/later", "4");
  ASSERT_TRUE(held_.wait_for(1));
  held_.take()[0].respond(text(201, "ok"));
  EXPECT_EQ(third.receive().result_int(), 201U);
}

TEST_F(HttpDeferred, StopAnswersWaitingRequestsAndOutlivingRespondersAreHarmless) {
  start();
  Client first(server_->port());
  Client second(server_->port());
  first.send_only(http::verb::post, "/later", "1");
  second.send_only(http::verb::post, "/later", "2");
  ASSERT_TRUE(held_.wait_for(2));
  auto responders = held_.take();

  const auto before = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  for (Client* client : {&first, &second}) {
    const Response response = client->receive();
    EXPECT_EQ(response.result_int(), 503U);
    EXPECT_FALSE(response.keep_alive());
  }
  // Answering or dropping a responder after the server stopped, or is gone, does nothing.
  EXPECT_FALSE(responders[0].respond(text(201, "late")));
  server_.reset();
  EXPECT_FALSE(responders[1].respond(text(201, "later still")));
  std::thread([moved = std::move(responders)]() mutable { moved.clear(); }).join();
}

}  // namespace
}  // namespace edaobs::telemetry
