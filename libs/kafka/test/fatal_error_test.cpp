// librdkafka's fatal errors surface on Producer and Consumer: reported once, with the reason,
// readiness false, and every later send refused (mock cluster, fatal error raised the way
// librdkafka's own tests do).
#include "edaobs/kafka/client/fatal_error.h"

#include <atomic>
#include <mutex>

#include <gtest/gtest.h>

#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"

#include "kafka_test_support.h"

namespace edaobs::kafka {
namespace {

using namespace std::chrono_literals;

// What a fatal error handler received.
struct FatalErrorsSeen {
  FatalErrorHandler handler() {
    return [this](std::string_view reason) {
      std::lock_guard lock(mutex);
      ++calls;
      last_reason = reason;
    };
  }
  int count() {
    std::lock_guard lock(mutex);
    return calls;
  }
  std::mutex mutex;
  int calls = 0;
  std::string last_reason;
};

TEST(FatalError, AProducerReportsItOnceAndRefusesEveryLaterSend) {
  test::MockCluster cluster;
  cluster.create_topic("events", 1);
  test::TestTelemetry t;
  Producer producer(test::producer_options(cluster), t.tracer, t.registry, t.logger);
  ASSERT_TRUE(producer.send_for_report("events", test::make_event(1)).get().ok);
  ASSERT_TRUE(test::wait_until([&] { return producer.connected(); }));
  EXPECT_FALSE(producer.fatal_error());

  FatalErrorsSeen seen;
  producer.on_fatal_error(seen.handler());
  testing::raise_fatal_error(producer, "sequence broken");
  ASSERT_TRUE(test::wait_until([&] { return seen.count() == 1; })) << "the handler ran";
  ASSERT_TRUE(producer.fatal_error());
  EXPECT_NE(producer.fatal_error()->find("sequence broken"), std::string::npos)
      << *producer.fatal_error();
  EXPECT_EQ(seen.last_reason, *producer.fatal_error());
  EXPECT_FALSE(producer.connected()) << "not ready once fatal";
  EXPECT_FALSE(producer.send_for_report("events", test::make_event(2)).get().ok)
      << "a fatal producer accepts nothing more";
  EXPECT_TRUE(test::wait_until([&] {
    return t.log->text().find("kafka client fatal error") != std::string::npos;
  })) << "logged";

  FatalErrorsSeen late;
  producer.on_fatal_error(late.handler());
  EXPECT_EQ(late.count(), 1) << "a handler set after the error runs at once";
  EXPECT_EQ(seen.count(), 1) << "once";
}

TEST(FatalError, AConsumerReportsItFromItsPoll) {
  test::MockCluster cluster;
  cluster.create_topic("events", 1);
  test::TestTelemetry t;
  Producer producer(test::producer_options(cluster), t.tracer, t.registry, t.logger);
  Consumer consumer(test::consumer_options(cluster, "fatal-group", {"events"}), producer, t.tracer,
                    t.registry, t.logger);
  const EventHandler handler = [](const ConsumedEvent&) { return Outcome::done(); };
  ASSERT_TRUE(test::poll_until(consumer, handler, [&] { return consumer.connected(); }));

  FatalErrorsSeen seen;
  consumer.on_fatal_error(seen.handler());
  testing::raise_fatal_error(consumer, "fenced");
  ASSERT_TRUE(test::poll_until(consumer, handler, [&] { return seen.count() == 1; }));
  ASSERT_TRUE(consumer.fatal_error());
  EXPECT_NE(consumer.fatal_error()->find("fenced"), std::string::npos) << *consumer.fatal_error();
  EXPECT_FALSE(consumer.connected()) << "not ready once fatal";
  EXPECT_FALSE(producer.fatal_error()) << "each client reports its own";
}

}  // namespace
}  // namespace edaobs::kafka
