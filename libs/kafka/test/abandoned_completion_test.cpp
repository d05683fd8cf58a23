// A handler that drops a record's Completion without done() (a bug in a deferred handler) must
// not freeze its partition: the partition is consumed again from the dropped record, and a
// record dropped on every attempt is dead-lettered as "completion_abandoned" (mock cluster).
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

constexpr int kEvents = 10;
constexpr std::int64_t kDropped = 3;

class AbandonedCompletionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster.create_topic("in", 1);
    cluster.create_topic("in.dlq", 1);
    for (int i = 0; i < kEvents; ++i) ASSERT_TRUE(producer.send("in", make_event(i)));
    ASSERT_TRUE(producer.flush(10s));
  }
  // Polls until every input offset is committed; `seen` gets each offset handed to the handler.
  void consume_all(Consumer& reader, const EventHandler& handler) {
    ASSERT_TRUE(poll_until(
        reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == kEvents; }, 60s))
        << "the partition's offset reached the end";
  }
  [[nodiscard]] long times_seen(std::int64_t offset) const {
    return std::count(seen.begin(), seen.end(), offset);
  }

  MockCluster cluster;
  TestTelemetry telemetry;
  Producer producer{producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger};
  Consumer consumer{consumer_options(cluster, "abandon", {"in"}), producer, telemetry.tracer,
                    telemetry.registry, telemetry.logger};
  std::vector<std::int64_t> seen;
};

TEST_F(AbandonedCompletionTest, ThePartitionIsConsumedAgainFromTheDroppedRecord) {
  bool dropped = false;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    seen.push_back(record.offset);
    if (record.offset == kDropped && !dropped) {
      dropped = true;
      return Outcome::deferred();  // and no copy of record.completion kept: dropped
    }
    return Outcome::done();
  };
  consume_all(consumer, handler);
  EXPECT_EQ(times_seen(kDropped), 2) << "handled again after the drop";
  for (std::int64_t offset = 0; offset < kEvents; ++offset)
    EXPECT_GE(times_seen(offset), 1) << offset;
  const auto first_drop = std::find(seen.begin(), seen.end(), kDropped);
  ASSERT_NE(first_drop + 1, seen.end());
  EXPECT_EQ(*(first_drop + 1), kDropped)
      << "nothing fetched before the seek is handed out after it";
  EXPECT_EQ(telemetry.metric(R"(kafka_consumer_redeliveries_total{topic="in"})"), 1.0);
  EXPECT_EQ(high_watermark(cluster, "in.dlq", 0), 0);
}

TEST_F(AbandonedCompletionTest, ARecordDroppedOnEveryAttemptIsDeadLettered) {
  const EventHandler handler = [&](const ConsumedEvent& record) {
    seen.push_back(record.offset);
    return record.offset == kDropped ? Outcome::deferred() : Outcome::done();
  };
  consume_all(consumer, handler);
  EXPECT_EQ(times_seen(kDropped), 3) << "three attempts, then the dead letter instead of a fourth";
  const std::vector<RawRecord> dead = read_raw(cluster, "in.dlq", 1);
  ASSERT_EQ(dead.size(), 1U);
  EXPECT_EQ(dead[0].header("dlq_reason"), "completion_abandoned");
  EXPECT_EQ(dead[0].header("dlq_original_offset"), std::to_string(kDropped));
  EXPECT_EQ(telemetry.metric(R"(kafka_consumer_redeliveries_total{topic="in"})"), 3.0);
}

}  // namespace
}  // namespace edaobs::kafka::test
