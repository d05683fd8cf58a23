// A broker goes down and comes back in the middle of a stream: the idempotent producer loses
// nothing and duplicates nothing, readiness and the connection-error counter follow the outage.
#include <atomic>
#include <map>
#include <mutex>

#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

constexpr int kRecords = 300;

// Reads the topic back: kRecords records in the log, each once, in order per partition.
void expect_each_record_once_in_order(MockCluster& cluster, Producer& producer,
                                      TestTelemetry& telemetry) {
  Consumer consumer(consumer_options(cluster, "payments-reader", {"payments"}), producer,
                    telemetry.tracer, telemetry.registry, telemetry.logger);
  std::map<std::string, int> seen;
  std::map<std::int32_t, std::int64_t> last_number;  // per partition: order is kept
  bool in_order = true;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    ++seen[record.event.id];
    const std::int64_t number = std::stoll(record.event.id.substr(4));
    if (last_number.contains(record.partition) && number <= last_number[record.partition]) {
      in_order = false;
    }
    last_number[record.partition] = number;
    return Outcome::done();
  };
  std::size_t total = 0;
  ASSERT_TRUE(poll_until(consumer, handler, [&] {
    total = 0;
    for (const auto& [id, count] : seen) total += static_cast<std::size_t>(count);
    return total >= kRecords;
  }));
  // The log holds exactly kRecords records: no retry was appended twice.
  EXPECT_EQ(high_watermark(cluster, "payments", 0) + high_watermark(cluster, "payments", 1),
            kRecords);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kRecords));
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id;
  EXPECT_TRUE(in_order);
}

TEST(BrokerOutage, StreamSurvivesBrokerDownAndUpExactlyOnce) {
  MockCluster cluster(1);
  cluster.create_topic("payments", 2);
  TestTelemetry telemetry;
  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);

  std::atomic<int> delivered_ok{0};
  std::atomic<int> delivered_failed{0};
  const DeliveryCallback on_delivery = [&](const DeliveryReport& report) {
    (report.ok ? delivered_ok : delivered_failed).fetch_add(1);
  };
  const auto connection_errors = [&] {
    return telemetry.metric("message_broker_connection_errors_total").value_or(0);
  };

  ASSERT_TRUE(wait_until([&] { return producer.connected(); }));
  for (int i = 0; i < kRecords; ++i) {
    if (i == kRecords / 3) {
      ASSERT_TRUE(wait_until([&] { return delivered_ok.load() > 0; }));
      cluster.broker_down(1);
      // The outage is real for the client before more records go out.
      ASSERT_TRUE(wait_until([&] { return connection_errors() > 0 && !producer.connected(); }));
    }
    if (i == 2 * kRecords / 3) {
      EXPECT_LT(delivered_ok.load(), i);  // records are waiting for the broker
      cluster.broker_up(1);
    }
    ASSERT_TRUE(producer.send("payments", make_event(i), on_delivery)) << i;
  }
  ASSERT_TRUE(
      wait_until([&] { return delivered_ok.load() + delivered_failed.load() == kRecords; }, 60s));
  EXPECT_EQ(delivered_failed.load(), 0);
  EXPECT_TRUE(wait_until([&] { return producer.connected(); }));
  EXPECT_GT(connection_errors(), 0);

  expect_each_record_once_in_order(cluster, producer, telemetry);
}

}  // namespace
}  // namespace edaobs::kafka::test
