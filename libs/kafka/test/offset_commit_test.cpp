// Manual offset store on the mock cluster: nothing is committed past a record that is not yet
// handled, completions out of order store in order, and a revoke waits for in-flight records.
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

class OffsetCommitTest : public ::testing::Test {
 protected:
  void produce(int count) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(producer.send("work", make_event(i)));
    ASSERT_TRUE(producer.flush(10s));
  }
  std::unique_ptr<Consumer> consumer() {
    return std::make_unique<Consumer>(consumer_options(cluster, "workers", {"work"}), producer,
                                      telemetry.tracer, telemetry.registry, telemetry.logger);
  }

  MockCluster cluster;
  TestTelemetry telemetry;
  Producer producer{producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger};

  void SetUp() override { cluster.create_topic("work"); }
};

TEST_F(OffsetCommitTest, UnhandledRecordIsNotCommittedAndIsConsumedAgainAfterACrash) {
  produce(10);
  std::map<std::int64_t, Completion> held;
  {
    auto first = consumer();
    const EventHandler handler = [&](const ConsumedEvent& record) {
      if (record.offset != 5) return Outcome::done();
      held.emplace(record.offset, record.completion);  // still being worked on
      return Outcome::deferred();
    };
    std::size_t seen = 0;
    const EventHandler counting = [&](const ConsumedEvent& record) {
      ++seen;
      return handler(record);
    };
    ASSERT_TRUE(poll_until(*first, counting, [&] { return seen == 10; }));
    // Everything before the unhandled record is committed, nothing after it.
    ASSERT_TRUE(
        poll_until(*first, counting, [&] { return first->committed_offset("work", 0, 2s) == 5; }));
    EXPECT_EQ(first->in_flight(), 1U);
    // Crash: the record is never finished, the consumer goes away.
    held.clear();
    EXPECT_EQ(first->in_flight(), 0U);
    first->close();
  }

  auto second = consumer();
  EXPECT_EQ(second->committed_offset("work", 0, 5s), 5);
  std::vector<std::int64_t> offsets;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    offsets.push_back(record.offset);
    return Outcome::done();
  };
  ASSERT_TRUE(poll_until(*second, handler, [&] { return offsets.size() == 5; }));
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{5, 6, 7, 8, 9}));
  ASSERT_TRUE(
      poll_until(*second, handler, [&] { return second->committed_offset("work", 0, 2s) == 10; }));
}

TEST_F(OffsetCommitTest, OutOfOrderCompletionsStoreInOrder) {
  produce(3);
  {
    auto first = consumer();
    std::vector<Completion> held;
    const EventHandler handler = [&](const ConsumedEvent& record) {
      held.push_back(record.completion);
      return Outcome::deferred();
    };
    ASSERT_TRUE(poll_until(*first, handler, [&] { return held.size() == 3; }));
    held[2].done();
    held[1].done();
    EXPECT_EQ(first->in_flight(), 1U);
    held.clear();  // offset 0 never finishes
    first->close();
  }
  auto second = consumer();
  EXPECT_EQ(second->committed_offset("work", 0, 5s), std::nullopt);

  std::vector<Completion> held;
  std::vector<std::int64_t> offsets;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    offsets.push_back(record.offset);
    held.push_back(record.completion);
    return Outcome::deferred();
  };
  ASSERT_TRUE(poll_until(*second, handler, [&] { return held.size() == 3; }));
  EXPECT_EQ(offsets, (std::vector<std::int64_t>{0, 1, 2}));
  std::thread worker([&held] {
    held[2].done();
    held[1].done();
    held[0].done();
  });
  worker.join();
  ASSERT_TRUE(
      poll_until(*second, handler, [&] { return second->committed_offset("work", 0, 2s) == 3; }));
}

TEST_F(OffsetCommitTest, RevokeWaitsForInFlightRecordsAndCommitsThem) {
  produce(3);
  {
    auto first = consumer();
    std::vector<Completion> held;
    const EventHandler handler = [&](const ConsumedEvent& record) {
      held.push_back(record.completion);
      return Outcome::deferred();
    };
    ASSERT_TRUE(poll_until(*first, handler, [&] { return held.size() == 3; }));
    // The work finishes only once the revoke has started draining.
    std::thread worker([&] {
      const bool draining = wait_until([&] {
        return telemetry.log->text().find("draining in-flight records") != std::string::npos;
      });
      EXPECT_TRUE(draining);
      for (auto& completion : held) completion.done();
    });
    first->close();
    worker.join();
  }
  auto second = consumer();
  EXPECT_EQ(second->committed_offset("work", 0, 5s), 3);
}

}  // namespace
}  // namespace edaobs::kafka::test
