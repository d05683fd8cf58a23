// Poison records on the mock cluster: each goes to <topic>.dlq with its reason and original
// headers, the error metric rises, its offset is committed once the dead letter is acknowledged,
// and the records after it are processed.
#include <gtest/gtest.h>

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

// Four records: a good one, one with broken JSON (and an extra header), one without ce_id, and
// a good one. Returns the broken one as sent.
EncodedRecord produce_poison_mix(Producer& producer) {
  EXPECT_TRUE(producer.send("orders", make_event(0)));
  EncodedRecord bad_json = encode(make_event(1));
  bad_json.value = R"({"n":1)";
  bad_json.headers.push_back({"x-tenant", "acme"});
  EXPECT_TRUE(producer.send_record("orders", bad_json));
  EncodedRecord no_id = encode(make_event(2, "order.cancelled"));
  std::erase_if(no_id.headers, [](const Header& h) { return h.key == "ce_id"; });
  EXPECT_TRUE(producer.send_record("orders", no_id));
  EXPECT_TRUE(producer.send("orders", make_event(3)));
  EXPECT_TRUE(producer.flush(10s));
  return bad_json;
}

// Consumes the four records until every offset is committed; returns the ids the handler saw.
std::vector<std::string> consume_poison_mix(MockCluster& cluster, Producer& producer,
                                            TestTelemetry& telemetry) {
  std::vector<std::string> handled;
  Consumer consumer(consumer_options(cluster, "orders-group", {"orders"}), producer,
                    telemetry.tracer, telemetry.registry, telemetry.logger);
  std::vector<PollResult> results;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    handled.push_back(record.event.id);
    return Outcome::done();
  };
  EXPECT_TRUE(wait_until(
      [&] {
        const PollResult result = consumer.poll(50ms, handler);
        if (result != PollResult::kIdle) results.push_back(result);
        return results.size() == 4;
      },
      30s));
  EXPECT_EQ(results, (std::vector<PollResult>{PollResult::kHandled, PollResult::kDeadLettered,
                                              PollResult::kDeadLettered, PollResult::kHandled}));
  // Every offset, the dead-lettered ones included, is committed once the DLQ has them.
  EXPECT_TRUE(poll_until(consumer, handler,
                         [&] { return consumer.committed_offset("orders", 0, 2s) == 4; }));
  return handled;
}

// The process span of a poison record carries the error; the dead letter's send span is its
// child, in the same trace.
void expect_poison_spans(const TestTelemetry& telemetry) {
  const auto processes = telemetry.spans.named("process orders");
  ASSERT_EQ(processes.size(), 4U);
  EXPECT_EQ(processes[1].status_code, telemetry::StatusCode::kError);
  EXPECT_EQ(string_attribute(processes[1], "error.type"), "bad_json");
  EXPECT_EQ(processes[0].status_code, telemetry::StatusCode::kUnset);
  const auto dlq_sends = telemetry.spans.named("send orders.dlq");
  ASSERT_EQ(dlq_sends.size(), 2U);
  EXPECT_EQ(dlq_sends[0].parent_span_id, processes[1].context.span_id);
  EXPECT_EQ(dlq_sends[0].context.trace_id, processes[1].context.trace_id);
}

TEST(DeadLetter, PoisonRecordsGoToTheDlqAndProcessingContinues) {
  MockCluster cluster;
  cluster.create_topic("orders");
  cluster.create_topic("orders.dlq");
  TestTelemetry telemetry;
  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);
  const EncodedRecord bad_json = produce_poison_mix(producer);
  EXPECT_EQ(consume_poison_mix(cluster, producer, telemetry),
            (std::vector<std::string>{"evt-0", "evt-3"}));

  auto letters = read_raw(cluster, "orders.dlq", 2);
  ASSERT_EQ(letters.size(), 2U);
  const RawRecord& first = letters[0];
  EXPECT_EQ(first.header("dlq_reason"), "bad_json");
  EXPECT_TRUE(first.header("dlq_detail").has_value());
  EXPECT_EQ(first.header("dlq_original_topic"), "orders");
  EXPECT_EQ(first.header("dlq_original_partition"), "0");
  EXPECT_EQ(first.header("dlq_original_offset"), "1");
  EXPECT_EQ(first.header("x-tenant"), "acme");
  EXPECT_EQ(first.header("ce_id"), "evt-1");
  EXPECT_EQ(first.header("ce_type"), "order.created");
  EXPECT_TRUE(first.header("dlq_original_traceparent").has_value());
  EXPECT_EQ(first.value, bad_json.value);
  EXPECT_EQ(first.key, "order-1");

  const RawRecord& second = letters[1];
  EXPECT_EQ(second.header("dlq_reason"), "missing_header");
  EXPECT_EQ(second.header("dlq_original_offset"), "2");
  EXPECT_EQ(second.header("ce_type"), "order.cancelled");

  EXPECT_EQ(
      telemetry.metric(
          R"(event_errors_total{event_type="order.created",source="tests/kafka",error="bad_json"})"),
      1);
  EXPECT_EQ(
      telemetry.metric(
          R"(event_errors_total{event_type="order.cancelled",source="tests/kafka",error="missing_header"})"),
      1);
  expect_poison_spans(telemetry);
}

}  // namespace
}  // namespace edaobs::kafka::test
