// Produce -> consume round trips on librdkafka's mock cluster: envelope, trace context across
// the hop, span attributes, metrics, readiness and configuration errors.
#include <cstdio>
#include <mutex>

#include <gtest/gtest.h>

#include "edaobs/core/config_error.h"

#include "kafka_test_support.h"

namespace edaobs::kafka::test {
namespace {

// An independent FNV-1a 64 (its published parameters), to check the span attribute against.
std::string fnv1a_hex(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

struct Received {
  std::mutex mutex;
  std::vector<Event> events;
  std::vector<std::int64_t> offsets;
  std::vector<telemetry::SpanContext> active_contexts;

  EventHandler handler() {
    return [this](const ConsumedEvent& record) {
      const std::lock_guard lock(mutex);
      events.push_back(record.event);
      offsets.push_back(record.offset);
      active_contexts.push_back(telemetry::active_span_context());
      return Outcome::done();
    };
  }
  std::size_t size() {
    const std::lock_guard lock(mutex);
    return events.size();
  }
};

// One trace per event: parent -> send (PRODUCER) -> process (CONSUMER), with the messaging.*
// and event.* attributes, and the handler running inside the process span.
void expect_one_trace_per_event(const TestTelemetry& telemetry, const std::vector<Event>& sent,
                                const telemetry::SpanContext& parent_context,
                                const Received& received) {
  const auto sends = telemetry.spans.named("send orders");
  ASSERT_EQ(sends.size(), 3U);
  ASSERT_TRUE(wait_until([&] { return telemetry.spans.named("process orders").size() == 3; }));
  const auto processes = telemetry.spans.named("process orders");
  for (std::size_t i = 0; i < 3; ++i) {
    const telemetry::SpanData& send = sends[i];
    const telemetry::SpanData& process = processes[i];
    EXPECT_EQ(send.kind, telemetry::SpanKind::kProducer);
    EXPECT_EQ(send.context.trace_id, parent_context.trace_id);
    EXPECT_EQ(send.parent_span_id, parent_context.span_id);
    EXPECT_EQ(string_attribute(send, "messaging.system"), "kafka");
    EXPECT_EQ(string_attribute(send, "messaging.operation.name"), "send");
    EXPECT_EQ(string_attribute(send, "messaging.operation.type"), "send");
    EXPECT_EQ(string_attribute(send, "messaging.destination.name"), "orders");
    EXPECT_EQ(string_attribute(send, "messaging.destination.partition.id"), "0");
    EXPECT_EQ(int_attribute(send, "messaging.kafka.offset"), static_cast<std::int64_t>(i));
    // Keys are hashed by default (KeyOnSpans::kHashed): the same hash for the key and the subject.
    const auto key = string_attribute(send, "messaging.kafka.message.key");
    ASSERT_TRUE(key.has_value());
    EXPECT_TRUE(key->starts_with("fnv1a:") && key->size() == 22) << *key;
    EXPECT_NE(key, sent[i].subject);
    EXPECT_EQ(string_attribute(send, "event.id"), sent[i].id);
    EXPECT_EQ(string_attribute(send, "event.type"), "order.created");
    EXPECT_EQ(string_attribute(send, "event.source"), "tests/kafka");
    EXPECT_EQ(string_attribute(send, "event.subject"), key);

    EXPECT_EQ(process.kind, telemetry::SpanKind::kConsumer);
    EXPECT_EQ(process.context.trace_id, parent_context.trace_id);
    EXPECT_EQ(process.parent_span_id, send.context.span_id);
    EXPECT_TRUE(process.parent_is_remote);
    EXPECT_TRUE(process.links.empty());
    EXPECT_EQ(string_attribute(process, "messaging.operation.name"), "process");
    EXPECT_EQ(string_attribute(process, "messaging.operation.type"), "process");
    EXPECT_EQ(string_attribute(process, "messaging.consumer.group.name"), "group-a");
    EXPECT_EQ(string_attribute(process, "messaging.destination.partition.id"), "0");
    EXPECT_EQ(int_attribute(process, "messaging.kafka.offset"), static_cast<std::int64_t>(i));
    EXPECT_EQ(string_attribute(process, "event.id"), sent[i].id);
    // The handler ran inside the process span.
    EXPECT_EQ(received.active_contexts[i].span_id, process.context.span_id);
  }
}

TEST(ProducerConsumer, RoundTripCarriesEventAndTraceContext) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);

  std::vector<Event> sent;
  telemetry::SpanContext parent_context;
  {
    telemetry::StartSpanOptions root;
    root.new_root = true;
    telemetry::Span parent = telemetry.tracer.start_span("publish batch", std::move(root));
    parent_context = parent.context();
    const telemetry::SpanScope scope(parent);
    for (int i = 0; i < 3; ++i) {
      sent.push_back(make_event(i));
      sent.back().extra_headers = {{"ce_tenant", "acme"}};
      const DeliveryReport report = producer.send_for_report("orders", sent.back()).get();
      ASSERT_TRUE(report.ok) << report.error.reason << " " << report.error.detail;
      EXPECT_EQ(report.offset, i);
      EXPECT_EQ(report.partition, 0);
    }
  }
  EXPECT_TRUE(producer.connected());

  Consumer consumer(consumer_options(cluster, "group-a", {"orders"}), producer, telemetry.tracer,
                    telemetry.registry, telemetry.logger);
  Received received;
  ASSERT_TRUE(poll_until(consumer, received.handler(), [&] { return received.size() == 3; }));
  EXPECT_TRUE(consumer.connected());
  EXPECT_EQ(consumer.assigned_partitions(), 1U);
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_EQ(received.events[i], sent[i]);
  EXPECT_EQ(received.offsets, (std::vector<std::int64_t>{0, 1, 2}));

  expect_one_trace_per_event(telemetry, sent, parent_context, received);

  EXPECT_EQ(telemetry.metric(
                R"(events_published_total{event_type="order.created",destination="orders"})"),
            3);
  EXPECT_EQ(telemetry.metric(R"(message_broker_publish_duration_seconds_count{topic="orders"})"),
            3);
  EXPECT_EQ(telemetry.metric(R"(message_broker_consume_duration_seconds_count{topic="orders"})"),
            3);
}

TEST(ProducerConsumer, LinkModeStartsANewTraceLinkedToTheProducer) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);
  ASSERT_TRUE(producer.send_for_report("orders", make_event(1)).get().ok);

  ConsumerOptions options = consumer_options(cluster, "group-link", {"orders"});
  options.link_mode = true;
  Consumer consumer(options, producer, telemetry.tracer, telemetry.registry, telemetry.logger);
  Received received;
  ASSERT_TRUE(poll_until(consumer, received.handler(), [&] { return received.size() == 1; }));

  const auto sends = telemetry.spans.named("send orders");
  ASSERT_TRUE(wait_until([&] { return telemetry.spans.named("process orders").size() == 1; }));
  const auto process = telemetry.spans.named("process orders").front();
  ASSERT_EQ(sends.size(), 1U);
  EXPECT_NE(process.context.trace_id, sends[0].context.trace_id);
  EXPECT_FALSE(process.parent_span_id.valid());
  ASSERT_EQ(process.links.size(), 1U);
  EXPECT_EQ(process.links[0].context.trace_id, sends[0].context.trace_id);
  EXPECT_EQ(process.links[0].context.span_id, sends[0].context.span_id);
}

TEST(ProducerConsumer, InvalidTraceparentStartsANewTraceAndIsStillProcessed) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  // A foreign producer (plain librdkafka): valid envelope, traceparent with uppercase hex, which
  // W3C forbids.
  {
    std::string error;
    const std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", cluster.bootstraps(), error);
    const std::unique_ptr<RdKafka::Producer> foreign(RdKafka::Producer::create(conf.get(), error));
    ASSERT_TRUE(foreign) << error;
    const EncodedRecord record = encode(make_event(7));
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    for (const auto& header : record.headers) headers->add(header.key, header.value);
    headers->add("traceparent",
                 std::string("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01"));
    ASSERT_EQ(foreign->produce("orders", 0, RdKafka::Producer::RK_MSG_COPY,
                               const_cast<char*>(record.value.data()), record.value.size(),
                               record.key->data(), record.key->size(), 0, headers.get(), nullptr),
              RdKafka::ERR_NO_ERROR);
    static_cast<void>(headers.release());
    ASSERT_EQ(foreign->flush(10000), RdKafka::ERR_NO_ERROR);
  }

  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);
  Consumer consumer(consumer_options(cluster, "group-foreign", {"orders"}), producer,
                    telemetry.tracer, telemetry.registry, telemetry.logger);
  Received received;
  ASSERT_TRUE(poll_until(consumer, received.handler(), [&] { return received.size() == 1; }));
  EXPECT_EQ(received.events[0].id, "evt-7");
  ASSERT_TRUE(wait_until([&] { return telemetry.spans.named("process orders").size() == 1; }));
  const auto process = telemetry.spans.named("process orders").front();
  EXPECT_TRUE(process.context.valid());
  EXPECT_FALSE(process.parent_span_id.valid());
  EXPECT_TRUE(process.links.empty());
  EXPECT_NE(process.context.trace_id.hex(), "0af7651916cd43dd8448eb211c80319c");
}

TEST(ProducerConsumer, OversizedRecordFailsAtSendWithAnErrorSpan) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  ProducerOptions options = producer_options(cluster);
  options.max_message_bytes = 1000;
  Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
  Event big = make_event(1);
  big.data = R"({"blob":")" + std::string(5000, 'x') + R"("})";
  bool called = false;
  const Status status = producer.send("orders", big, [&](const DeliveryReport&) { called = true; });
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().reason, "MSG_SIZE_TOO_LARGE");
  const auto sends = telemetry.spans.named("send orders");
  ASSERT_EQ(sends.size(), 1U);
  EXPECT_EQ(sends[0].status_code, telemetry::StatusCode::kError);
  EXPECT_EQ(string_attribute(sends[0], "error.type"), "MSG_SIZE_TOO_LARGE");
  EXPECT_EQ(
      telemetry.metric(
          R"(message_broker_publish_errors_total{topic="orders",error="MSG_SIZE_TOO_LARGE"})"),
      1);
  EXPECT_TRUE(producer.flush(5s));
  EXPECT_FALSE(called);
}

TEST(ProducerConsumer, FullLocalQueueWaitsForRoomThenFailsClearly) {
  TestTelemetry telemetry;
  ProducerOptions options;
  options.brokers = "127.0.0.1:1";  // nothing is ever acknowledged: the queue never drains
  options.queue_full_timeout = 200ms;
  options.close_timeout = 100ms;
  options.properties = {{"queue.buffering.max.messages", "3"}};
  Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(producer.send("orders", make_event(i)));
  const auto started = std::chrono::steady_clock::now();
  const Status status = producer.send("orders", make_event(3));
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().reason, "_QUEUE_FULL");
  EXPECT_GE(waited, 200ms);  // it waited for room, within the bound
  EXPECT_EQ(producer.outstanding(), 3);
}

TEST(ProducerConsumer, FullLocalQueueRecoversAsDeliveriesMakeRoom) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  ProducerOptions options = producer_options(cluster);
  options.properties.emplace_back("queue.buffering.max.messages", "3");
  Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(producer.send("orders", make_event(i))) << i;
  ASSERT_TRUE(producer.flush(10s));
  EXPECT_EQ(telemetry.metric(
                R"(events_published_total{event_type="order.created",destination="orders"})"),
            100);
}

TEST(ProducerConsumer, ConsumerLagIsExposedPerPartition) {
  MockCluster cluster;
  cluster.create_topic("orders");
  TestTelemetry telemetry;
  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(producer.send("orders", make_event(i)));
  ASSERT_TRUE(producer.flush(10s));

  Consumer consumer(consumer_options(cluster, "group-lag", {"orders"}), producer, telemetry.tracer,
                    telemetry.registry, telemetry.logger);
  // Handle only the first 4 records; later ones stay unhandled, so the committed offset is 4.
  std::size_t seen = 0;
  std::vector<Completion> in_flight;
  const EventHandler handler = [&](const ConsumedEvent& record) {
    ++seen;
    if (record.offset < 4) return Outcome::done();
    // Records from offset 4 on are deferred and held, never completed: they stay in flight.
    in_flight.push_back(record.completion);
    return Outcome::deferred();
  };
  ASSERT_TRUE(poll_until(consumer, handler, [&] {
    return telemetry.metric(R"(kafka_consumer_lag{topic="orders",partition="0"})") == 6;
  })) << telemetry.registry.render();
  EXPECT_EQ(seen, 10U);
  EXPECT_EQ(consumer.committed_offset("orders", 0, 5s), 4);
}

TEST(ProducerConsumer, TheKeyOnSpansIsOffHashedOrPlain) {
  MockCluster cluster;
  cluster.create_topic("orders");
  std::vector<std::optional<std::string>> keys;
  std::vector<std::optional<std::string>> subjects;
  for (const KeyOnSpans policy : {KeyOnSpans::kOff, KeyOnSpans::kHashed, KeyOnSpans::kPlain}) {
    TestTelemetry telemetry;
    ProducerOptions options = producer_options(cluster);
    options.key_on_spans = policy;
    Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
    ASSERT_TRUE(producer.send("orders", make_event(7)).has_value());
    ASSERT_TRUE(producer.flush(5s));
    const auto sends = telemetry.spans.named("send orders");
    ASSERT_EQ(sends.size(), 1U);
    keys.push_back(string_attribute(sends[0], "messaging.kafka.message.key"));
    subjects.push_back(string_attribute(sends[0], "event.subject"));
  }
  EXPECT_EQ(keys[0], std::nullopt);
  EXPECT_EQ(subjects[0], std::nullopt);
  // FNV-1a 64 of "order-7", so the hash is the same in every process and release.
  EXPECT_EQ(keys[1], "fnv1a:" + fnv1a_hex("order-7"));
  EXPECT_EQ(subjects[1], keys[1]);
  EXPECT_EQ(keys[2], "order-7");
  EXPECT_EQ(subjects[2], "order-7");
}

TEST(ProducerConsumer, RejectedConfigurationNamesTheProperty) {
  MockCluster cluster;
  TestTelemetry telemetry;
  ProducerOptions options = producer_options(cluster);
  options.properties.emplace_back("linger.ms", "not-a-number");
  try {
    Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.setting(), "linger.ms");
  }

  Producer producer(producer_options(cluster), telemetry.tracer, telemetry.registry,
                    telemetry.logger);
  ConsumerOptions no_group = consumer_options(cluster, "", {"orders"});
  EXPECT_THROW(Consumer(no_group, producer, telemetry.tracer, telemetry.registry, telemetry.logger),
               ConfigError);
  ConsumerOptions unknown = consumer_options(cluster, "g", {"orders"});
  unknown.properties.emplace_back("no.such.property", "1");
  try {
    Consumer consumer(unknown, producer, telemetry.tracer, telemetry.registry, telemetry.logger);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.setting(), "no.such.property");
  }
}

TEST(ProducerConsumer, UnreachableBrokerIsNotConnected) {
  TestTelemetry telemetry;
  ProducerOptions options;
  options.brokers = "127.0.0.1:1";  // nothing listens on port 1
  options.statistics_interval = 100ms;
  Producer producer(options, telemetry.tracer, telemetry.registry, telemetry.logger);
  ASSERT_TRUE(wait_until(
      [&] { return telemetry.metric("message_broker_connection_errors_total").value_or(0) > 0; }));
  EXPECT_FALSE(producer.connected());
}

}  // namespace
}  // namespace edaobs::kafka::test
