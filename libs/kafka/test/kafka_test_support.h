#pragma once
// Shared pieces of the kafka tests: a librdkafka mock cluster (RAII), a tracer that keeps its
// spans, a registry and logger, and waiting on conditions with deadlines (never fixed sleeps).
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <librdkafka/rdkafkacpp.h>

#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/kafka/envelope/rfc3339.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/sdk/trace/span_processor.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"
#include "edaobs/telemetry/trace/tracer.h"

namespace edaobs::kafka::test {

using namespace std::chrono_literals;

// Polls `condition` until it holds or `timeout` passes.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// In-process Kafka brokers from librdkafka's mock cluster (ids 1..n).
class MockCluster {
 public:
  explicit MockCluster(int brokers = 1) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::array<char, 512> error{};
    rd_kafka_conf_set(conf, "log_level", "3", error.data(), error.size());
    handle_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error.data(), error.size()));
    if (!handle_) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(error.data());
    }
    cluster_.reset(rd_kafka_mock_cluster_new(handle_.get(), brokers));
    if (!cluster_) throw std::runtime_error("rd_kafka_mock_cluster_new failed");
  }

  [[nodiscard]] std::string bootstraps() const {
    return rd_kafka_mock_cluster_bootstraps(cluster_.get());
  }
  void create_topic(const std::string& topic, int partitions = 1) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_.get(), topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void broker_down(std::int32_t id) { rd_kafka_mock_broker_set_down(cluster_.get(), id); }
  void broker_up(std::int32_t id) { rd_kafka_mock_broker_set_up(cluster_.get(), id); }

 private:
  struct HandleDeleter {
    void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
  };
  struct ClusterDeleter {
    void operator()(rd_kafka_mock_cluster_t* cluster) const {
      rd_kafka_mock_cluster_destroy(cluster);
    }
  };
  std::unique_ptr<rd_kafka_t, HandleDeleter> handle_;
  std::unique_ptr<rd_kafka_mock_cluster_t, ClusterDeleter> cluster_;  // destroyed first
};

// Keeps every finished span.
class SpanCollector final : public telemetry::SpanProcessor {
 public:
  void on_end(std::unique_ptr<telemetry::SpanData>& data) noexcept override {
    const std::lock_guard lock(mutex_);
    spans_.push_back(std::move(*data));
    data.reset();
  }
  [[nodiscard]] std::vector<telemetry::SpanData> spans() const {
    const std::lock_guard lock(mutex_);
    return spans_;
  }
  [[nodiscard]] std::vector<telemetry::SpanData> named(std::string_view name) const {
    std::vector<telemetry::SpanData> found;
    for (auto& span : spans()) {
      if (span.name == name) found.push_back(std::move(span));
    }
    return found;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<telemetry::SpanData> spans_;
};

inline std::optional<std::string> string_attribute(const telemetry::SpanData& span,
                                                   std::string_view key) {
  const auto value = span.attributes.find(key);
  if (!value) return std::nullopt;
  if (const auto* text = std::get_if<std::string_view>(&*value)) return std::string(*text);
  return std::nullopt;
}

inline std::optional<std::int64_t> int_attribute(const telemetry::SpanData& span,
                                                 std::string_view key) {
  const auto value = span.attributes.find(key);
  if (!value) return std::nullopt;
  if (const auto* number = std::get_if<std::int64_t>(&*value)) return *number;
  return std::nullopt;
}

// Tracer, registry and logger for one test.
struct TestTelemetry {
  TestTelemetry() : tracer(telemetry::SamplerOptions{}, &spans), logger(logger_options(log)) {}

  // The value of one exposed sample, e.g.
  // R"(events_published_total{event_type="a",destination="t"})".
  [[nodiscard]] std::optional<double> metric(std::string_view series) const {
    std::istringstream text(registry.render());
    for (std::string line; std::getline(text, line);) {
      if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
          line[series.size()] == ' ') {
        return std::strtod(line.c_str() + series.size() + 1, nullptr);
      }
    }
    return std::nullopt;
  }

  SpanCollector spans;
  telemetry::Tracer tracer;
  telemetry::Registry registry;
  std::shared_ptr<telemetry::MemoryLogWriter> log = std::make_shared<telemetry::MemoryLogWriter>();
  telemetry::Logger logger;

 private:
  static telemetry::LoggerOptions logger_options(
      std::shared_ptr<telemetry::MemoryLogWriter> writer) {
    telemetry::LoggerOptions options;
    options.service = "kafka-test";
    options.writer = std::move(writer);
    return options;
  }
};

inline ProducerOptions producer_options(const MockCluster& cluster) {
  ProducerOptions options;
  options.brokers = cluster.bootstraps();
  options.client_id = "test-producer";
  options.statistics_interval = 100ms;
  options.properties = {{"reconnect.backoff.ms", "50"}, {"reconnect.backoff.max.ms", "200"}};
  return options;
}

inline ConsumerOptions consumer_options(const MockCluster& cluster, std::string group,
                                        std::vector<std::string> topics) {
  ConsumerOptions options;
  options.brokers = cluster.bootstraps();
  options.client_id = "test-consumer";
  options.group_id = std::move(group);
  options.topics = std::move(topics);
  options.statistics_interval = 100ms;
  options.commit_interval = 100ms;
  options.drain_timeout = 10s;
  options.properties = {{"reconnect.backoff.ms", "50"},
                        {"reconnect.backoff.max.ms", "200"},
                        {"session.timeout.ms", "6000"},
                        {"heartbeat.interval.ms", "500"}};
  return options;
}

inline Event make_event(int n, std::string type = "order.created") {
  Event event;
  event.id = "evt-" + std::to_string(n);
  event.source = "tests/kafka";
  event.type = std::move(type);
  event.time = format_rfc3339(std::chrono::system_clock::now());
  event.subject = "order-" + std::to_string(n);
  event.data = R"({"n":)" + std::to_string(n) + "}";
  return event;
}

// Polls `consumer` until `condition` holds; false at the deadline.
inline bool poll_until(Consumer& consumer, const EventHandler& handler,
                       const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    static_cast<void>(consumer.poll(50ms, handler));
  }
  return true;
}

// A record read back with plain librdkafka, copied out (librdkafka messages must not outlive
// their client: its destruction waits for them).
struct RawRecord {
  std::optional<std::string> key;
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return std::nullopt;
  }
};

// Reads records of partition 0 of `topic` from the beginning, with plain librdkafka (no
// envelope decoding), until `count` records arrived or the deadline passed.
inline std::vector<RawRecord> read_raw(const MockCluster& cluster, const std::string& topic,
                                       std::size_t count, std::chrono::milliseconds timeout = 20s) {
  std::string error;
  const std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", cluster.bootstraps(), error);
  conf->set("group.id", "raw-reader", error);
  conf->set("enable.auto.commit", "false", error);
  const std::unique_ptr<RdKafka::KafkaConsumer> reader(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  owned.emplace_back(RdKafka::TopicPartition::create(topic, 0, RdKafka::Topic::OFFSET_BEGINNING));
  std::vector<RdKafka::TopicPartition*> partitions{owned.back().get()};
  reader->assign(partitions);
  std::vector<RawRecord> records;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (records.size() < count && std::chrono::steady_clock::now() < deadline) {
    const std::unique_ptr<RdKafka::Message> message(reader->consume(100));
    if (message->err() != RdKafka::ERR_NO_ERROR) continue;
    RawRecord record;
    if (message->key() != nullptr) record.key = *message->key();
    record.value.assign(static_cast<const char*>(message->payload()), message->len());
    if (RdKafka::Headers* headers = message->headers()) {
      for (const auto& header : headers->get_all()) {
        record.headers.emplace_back(header.key(),
                                    std::string(header.value_string(), header.value_size()));
      }
    }
    records.push_back(std::move(record));
  }
  reader->close();
  return records;
}

// The log-end offset of a partition: how many records the broker holds there.
inline std::int64_t high_watermark(const MockCluster& cluster, const std::string& topic,
                                   std::int32_t partition) {
  std::string error;
  const std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", cluster.bootstraps(), error);
  const std::unique_ptr<RdKafka::Producer> client(RdKafka::Producer::create(conf.get(), error));
  std::int64_t low = -1;
  std::int64_t high = -1;
  if (client->query_watermark_offsets(topic, partition, &low, &high, 5000) !=
      RdKafka::ERR_NO_ERROR) {
    return -1;
  }
  return high;
}

}  // namespace edaobs::kafka::test
