// POST /events end to end inside one process: a real HTTP server and producer against
// librdkafka's mock cluster.
#include "edaobs/runtime/event_ingest.h"

#include <boost/json.hpp>

#include "http_test_client.h"
#include "kafka_test_support.h"

namespace edaobs::runtime {
namespace {

using namespace std::chrono_literals;
using kafka::test::MockCluster;
using kafka::test::TestTelemetry;
using telemetry::test::Client;
using telemetry::test::Response;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kTopic = "events.raw";

class EventIngestTest : public ::testing::Test {
 protected:
  void SetUp() override { cluster_.create_topic(std::string(kTopic), 2); }

  // 3 s: the first record of a fresh producer waits for topic metadata, about a second.
  void start(std::chrono::milliseconds timeout = 3s, kafka::Properties extra = {}) {
    kafka::ProducerOptions options =
        ingest_producer_options(kafka::test::producer_options(cluster_), timeout);
    options.properties.insert(options.properties.end(), extra.begin(), extra.end());
    producer_ = std::make_unique<kafka::Producer>(options, t_.tracer, t_.registry, t_.logger);
    ingest_ = std::make_unique<EventIngest>(*producer_, IngestOptions{std::string(kTopic), timeout},
                                            processing_, t_.logger);
    server_.start();
    ingest_->serve(server_, "/events", [this](std::string_view body) -> Expected<kafka::Event> {
      if (body == "not an event") return unexpected("bad_request", "body is not an event");
      return kafka::test::make_event(++made_);
    });
  }

  Response post(Client& client, std::vector<std::pair<std::string, std::string>> headers = {},
                const std::string& body = "{}") {
    return client.send(http::verb::post, "/events", body, std::move(headers));
  }

  MockCluster cluster_;
  TestTelemetry t_;
  ProcessingMetrics processing_{t_.registry};
  telemetry::Readiness readiness_;
  telemetry::HttpServer server_{telemetry::test::local_options(), t_.registry, readiness_};
  std::unique_ptr<kafka::Producer> producer_;  // after the server: answers before it stops
  std::unique_ptr<EventIngest> ingest_;
  int made_ = 0;
};

TEST_F(EventIngestTest, CreatedOnlyWithWhereTheBrokerStoredIt) {
  start();
  Client client(server_.port());
  const Response first = post(client);
  ASSERT_EQ(first.result_int(), 201U) << first.body();
  const auto body = boost::json::parse(first.body()).as_object();
  EXPECT_EQ(body.at("id"), "evt-1");
  EXPECT_EQ(body.at("topic").as_string(), kTopic);
  EXPECT_GE(body.at("partition").as_int64(), 0);
  EXPECT_GE(body.at("offset").as_int64(), 0);
  EXPECT_EQ(
      t_.metric(R"(events_published_total{event_type="order.created",destination="events.raw"})"),
      1.0)
      << "acknowledged before the answer";
  EXPECT_EQ(post(client).result_int(), 201U);
}

TEST_F(EventIngestTest, IdempotencyKeyBecomesTheEventIdOnEveryRetry) {
  start();
  Client client(server_.port());
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Response answer = post(client, {{"Idempotency-Key", "order-7:v1"}});
    ASSERT_EQ(answer.result_int(), 201U) << answer.body();
    EXPECT_EQ(boost::json::parse(answer.body()).at("id"), "order-7:v1");
  }
  for (const std::string& bad :
       {std::string("has space"), std::string(129, 'k'), std::string("é")}) {
    const Response answer = post(client, {{"Idempotency-Key", bad}});
    EXPECT_EQ(answer.result_int(), 400U) << bad;
    EXPECT_NE(answer.body().find("Idempotency-Key"), std::string::npos) << answer.body();
  }
  EXPECT_EQ(post(client, {{"Idempotency-Key", std::string(128, 'k')}}).result_int(), 201U);
}

TEST_F(EventIngestTest, BodyThatIsNotAnEventIs400) {
  start();
  Client client(server_.port());
  const Response answer = post(client, {}, "not an event");
  EXPECT_EQ(answer.result_int(), 400U);
  EXPECT_EQ(boost::json::parse(answer.body()).at("error"), "body is not an event");
}

TEST_F(EventIngestTest, BrokerDownIs503NotPublishedWithinTheIngestTimeout) {
  start(3s);
  Client client(server_.port());
  ASSERT_EQ(post(client).result_int(), 201U);  // connected, partitions known
  cluster_.broker_down(1);
  const auto before = Clock::now();
  const Response answer = post(client);
  const auto took = Clock::now() - before;
  ASSERT_EQ(answer.result_int(), 503U) << answer.body();
  EXPECT_EQ(answer[http::field::retry_after], "1");
  const auto body = boost::json::parse(answer.body()).as_object();
  EXPECT_EQ(body.at("published"), "no") << answer.body();
  EXPECT_EQ(body.at("reason"), "_MSG_TIMED_OUT");
  EXPECT_LE(took, 3s + 100ms);
  EXPECT_GE(took, 2s) << "librdkafka gave up on it only after its delivery timeout";
}

TEST_F(EventIngestTest, FullProducerQueueIs503AtOnce) {
  start(3s, {{"queue.buffering.max.messages", "1"}});
  cluster_.broker_down(1);
  Client waiting(server_.port());
  waiting.send_only(http::verb::post, "/events", "{}");  // fills the queue, answered later
  Client client(server_.port());
  Response answer;
  // The first POST reaches the queue asynchronously: retry until the queue is seen full.
  const auto deadline = Clock::now() + 1s;
  do {
    answer = post(client);
  } while (answer.result_int() == 201U && Clock::now() < deadline);
  const auto before = Clock::now();
  answer = post(client);
  EXPECT_LT(Clock::now() - before, 500ms) << "no waiting for room";
  ASSERT_EQ(answer.result_int(), 503U) << answer.body();
  EXPECT_EQ(boost::json::parse(answer.body()).at("reason"), "_QUEUE_FULL");
  EXPECT_EQ(answer[http::field::retry_after], "1");
  EXPECT_EQ(waiting.receive().result_int(), 503U);
}

TEST_F(EventIngestTest, AfterStopEveryPostIs503) {
  start();
  Client client(server_.port());
  const Response before = post(client);
  ASSERT_EQ(before.result_int(), 201U) << before.body();
  ingest_->stop();
  const Response answer = post(client);
  EXPECT_EQ(answer.result_int(), 503U);
  EXPECT_EQ(boost::json::parse(answer.body()).at("reason"), "shutting_down");
  ingest_.reset();  // the route outlives the ingest object and still answers
  EXPECT_EQ(post(client).result_int(), 503U);
}

}  // namespace
}  // namespace edaobs::runtime
