// What the consumer does with a handler's Outcome, on the mock cluster: rejects are
// dead-lettered with their reason and counted as failed processing, forwarded events count as
// processed only once acknowledged, an output outage longer than the delivery timeout is
// retried (never dead-lettered) until it is over, an oversized dead letter still lands, and a
// throwing handler is retried, then dead-lettered.
#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

class OutcomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    input.create_topic("in");
    input.create_topic("in.dlq");
    output.create_topic("out");
    output.create_topic("in.dlq");
  }
  void produce(int count) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(feeder.send("in", make_event(i)));
    ASSERT_TRUE(feeder.flush(10s));
  }
  // The consumer reads `input`; its producer (outputs and dead letters) writes to `output`, a
  // separate cluster, so the output side can fail on its own.
  Consumer consumer() {
    return Consumer(consumer_options(input, "outcomes", {"in"}), sender, telemetry.tracer,
                    telemetry.registry, telemetry.logger);
  }
  double metric(const std::string& series) { return telemetry.metric(series).value_or(0); }
  static ProducerOptions sender_options(const MockCluster& cluster) {
    ProducerOptions options = producer_options(cluster);
    options.delivery_timeout = 1s;  // an outage below outlasts it
    return options;
  }

  MockCluster input;
  MockCluster output;
  TestTelemetry telemetry;
  Producer feeder{producer_options(input), telemetry.tracer, telemetry.registry, telemetry.logger};
  Producer sender{sender_options(output), telemetry.tracer, telemetry.registry, telemetry.logger};
};

TEST_F(OutcomeTest, RejectIsDeadLetteredAndCountedAsFailedProcessing) {
  produce(3);
  auto reader = consumer();
  const EventHandler handler = [](const ConsumedEvent& record) {
    if (record.offset == 1) return Outcome::reject("validation:currency", "currency XYZ unknown");
    return Outcome::done();
  };
  ASSERT_TRUE(
      poll_until(reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == 3; }));

  const auto letters = read_raw(output, "in.dlq", 1);
  ASSERT_EQ(letters.size(), 1U);
  EXPECT_EQ(letters[0].header("dlq_reason"), "validation:currency");
  EXPECT_EQ(letters[0].header("dlq_detail"), "currency XYZ unknown");
  EXPECT_EQ(letters[0].header("dlq_original_offset"), "1");
  EXPECT_EQ(letters[0].header("ce_id"), "evt-1");
  EXPECT_TRUE(letters[0].header("dlq_original_traceparent").has_value());
  EXPECT_EQ(letters[0].value, make_event(1).data);

  const std::string labels = R"(event_type="order.created",source="tests/kafka")";
  EXPECT_EQ(metric(R"(dlq_events_total{topic="in",reason="validation:currency"})"), 1);
  EXPECT_EQ(metric("events_processed_total{" + labels + R"(,success="true"})"), 2);
  EXPECT_EQ(metric("events_processed_total{" + labels + R"(,success="false"})"), 1);
  EXPECT_EQ(metric("event_errors_total{" + labels + R"(,error="validation:currency"})"), 1);
  EXPECT_EQ(metric("event_processing_duration_seconds_count{" + labels + "}"), 3);
}

TEST_F(OutcomeTest, DecodeFailureCountsAsFailedProcessing) {
  EncodedRecord bad = encode(make_event(7));
  bad.value = "{not json";
  ASSERT_TRUE(feeder.send_record("in", bad));
  ASSERT_TRUE(feeder.flush(10s));
  auto reader = consumer();
  const EventHandler handler = [](const ConsumedEvent&) { return Outcome::done(); };
  ASSERT_TRUE(
      poll_until(reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == 1; }));
  const std::string labels = R"(event_type="order.created",source="tests/kafka")";
  EXPECT_EQ(metric("events_processed_total{" + labels + R"(,success="false"})"), 1);
  EXPECT_EQ(metric("event_errors_total{" + labels + R"(,error="bad_json"})"), 1);
  EXPECT_EQ(metric(R"(dlq_events_total{topic="in",reason="bad_json"})"), 1);
}

TEST_F(OutcomeTest, ForwardedEventsSurviveAnOutputOutageLongerThanTheDeliveryTimeout) {
  constexpr int kEvents = 20;
  produce(kEvents);
  auto reader = consumer();
  const EventHandler handler = [](const ConsumedEvent& record) {
    Event next = record.event;
    next.data = R"({"forwarded":true})";
    return Outcome::forward("out", std::move(next));
  };
  ASSERT_TRUE(wait_until([&] { return sender.connected(); }));
  output.broker_down(1);
  ASSERT_TRUE(wait_until([&] { return !sender.connected(); }));
  const std::string processed =
      R"(events_processed_total{event_type="order.created",source="tests/kafka",success="true"})";
  // Every event is handled and its output tried, and failed, more than once (> 1 s timeout).
  ASSERT_TRUE(poll_until(
      reader, handler,
      [&] { return metric(R"(kafka_output_retries_total{topic="out"})") >= 2 * kEvents; }, 60s));
  EXPECT_EQ(metric(processed), 0)
      << "nothing counts as processed before its output is acknowledged";
  EXPECT_EQ(reader.committed_offset("in", 0, 2s), std::nullopt)
      << "no input offset moves meanwhile";
  EXPECT_FALSE(reader.connected()) << "a stalled output shows in readiness";

  output.broker_up(1);
  ASSERT_TRUE(poll_until(
      reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == kEvents; }, 60s));
  EXPECT_EQ(metric(processed), kEvents);
  EXPECT_GE(high_watermark(output, "out", 0), kEvents);
  EXPECT_EQ(high_watermark(output, "in.dlq", 0), 0) << "a valid event never goes to the DLQ";
  EXPECT_TRUE(wait_until([&] {
    static_cast<void>(reader.poll(10ms, handler));
    return reader.connected();
  }));
}

TEST_F(OutcomeTest, AHugeEchoedDetailIsTruncatedAndTheRecordCompletes) {
  produce(2);
  const std::string huge(520 * 1024, 'x');
  auto reader = consumer();
  const EventHandler handler = [&](const ConsumedEvent& record) {
    if (record.offset == 0)
      return Outcome::reject("bad_time", "ce_time is not a timestamp: " + huge);
    return Outcome::done();
  };
  ASSERT_TRUE(
      poll_until(reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == 2; }));
  const auto letters = read_raw(output, "in.dlq", 1);
  ASSERT_EQ(letters.size(), 1U);
  const auto detail = letters[0].header("dlq_detail");
  ASSERT_TRUE(detail.has_value());
  EXPECT_LE(detail->size(), 512U);
  EXPECT_TRUE(detail->starts_with("ce_time is not a timestamp: xxx"));
}

TEST_F(OutcomeTest, ADeadLetterTooLargeForTheProducerLandsWithoutItsValue) {
  Event big = make_event(0);
  big.data = R"({"blob":")" + std::string(40 * 1024, 'b') + R"("})";
  ASSERT_TRUE(feeder.send("in", big));
  ASSERT_TRUE(feeder.flush(10s));
  ProducerOptions small = sender_options(output);
  small.max_message_bytes = 16 * 1024;
  Producer limited(small, telemetry.tracer, telemetry.registry, telemetry.logger);
  Consumer reader(consumer_options(input, "outcomes", {"in"}), limited, telemetry.tracer,
                  telemetry.registry, telemetry.logger);
  const EventHandler handler = [](const ConsumedEvent&) {
    return Outcome::reject("too_big", "blob");
  };
  ASSERT_TRUE(
      poll_until(reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == 1; }));
  const auto letters = read_raw(output, "in.dlq", 1);
  ASSERT_EQ(letters.size(), 1U);
  EXPECT_EQ(letters[0].header("dlq_reason"), "too_big");
  EXPECT_EQ(letters[0].header("dlq_value_omitted"), std::to_string(big.data.size()));
  EXPECT_TRUE(letters[0].value.empty());
}

TEST_F(OutcomeTest, AThrowingHandlerIsRetriedThenDeadLettered) {
  produce(2);
  auto reader = consumer();
  std::atomic<int> calls_for_first{0};
  std::atomic<int> calls_for_second{0};
  const EventHandler handler = [&](const ConsumedEvent& record) -> Outcome {
    if (record.offset == 0) {
      if (++calls_for_first == 1) throw std::runtime_error("transient");
      return Outcome::done();
    }
    ++calls_for_second;
    throw std::runtime_error("always broken");
  };
  ASSERT_TRUE(
      poll_until(reader, handler, [&] { return reader.committed_offset("in", 0, 2s) == 2; }));
  EXPECT_EQ(calls_for_first.load(), 2);
  EXPECT_EQ(calls_for_second.load(), 3);
  const auto letters = read_raw(output, "in.dlq", 1);
  ASSERT_EQ(letters.size(), 1U);
  EXPECT_EQ(letters[0].header("dlq_reason"), "handler_exception");
  EXPECT_EQ(letters[0].header("dlq_detail"), "always broken");
  EXPECT_EQ(letters[0].header("ce_id"), "evt-1");
}

}  // namespace
}  // namespace edaobs::kafka::test
