#include "edaobs/kafka/client/consumer.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "client/client_events.h"
#include "client/consumer_lag.h"
#include "client/messaging_metrics.h"
#include "client/offset_tracker.h"
#include "client/rdkafka_config.h"
#include "client/span_attributes.h"
#include "edaobs/kafka/common/config_error.h"
#include "edaobs/kafka/envelope/header_carrier.h"

namespace edaobs::kafka {

namespace {

using PartitionList = std::vector<std::pair<std::string, std::int32_t>>;

PartitionList to_list(const std::vector<RdKafka::TopicPartition*>& partitions) {
  PartitionList list;
  list.reserve(partitions.size());
  for (const auto* partition : partitions) list.emplace_back(partition->topic(), partition->partition());
  return list;
}

std::string_view topic_of(RdKafka::Message& message) {
  const rd_kafka_message_t* raw = message.c_ptr();
  const char* name = raw->rkt != nullptr ? rd_kafka_topic_name(raw->rkt) : nullptr;
  return name != nullptr ? std::string_view(name) : std::string_view();
}

std::string_view bytes_of(const void* data, std::size_t size) {
  return data != nullptr ? std::string_view(static_cast<const char*>(data), size) : std::string_view();
}

}  // namespace

struct Consumer::Metrics {
  explicit Metrics(telemetry::Registry& registry)
      : consume_duration(registry.histogram(
            "message_broker_consume_duration_seconds",
            "Time from fetching a record to the end of its handling.", {"topic"},
            detail::broker_latency_buckets())),
        event_errors(detail::event_errors(registry)),
        connection_errors(detail::connection_errors(registry)) {}

  telemetry::Family<telemetry::Histogram>& consume_duration;
  telemetry::Family<telemetry::Counter>& event_errors;
  telemetry::Counter& connection_errors;
};

namespace detail {

class RebalanceHandler final : public RdKafka::RebalanceCb {
 public:
  RebalanceHandler(Consumer& owner, telemetry::Logger& logger) : owner_(owner), logger_(logger) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    const PartitionList list = to_list(partitions);
    if (code == RdKafka::ERR__ASSIGN_PARTITIONS) {
      owner_.on_assign(list);
      if (cooperative) {
        report(std::unique_ptr<RdKafka::Error>(consumer->incremental_assign(partitions)));
      } else {
        report(consumer->assign(partitions));
      }
      return;
    }
    if (code != RdKafka::ERR__REVOKE_PARTITIONS) {
      logger_.error("kafka rebalance failed", {{"error", error_name(code)}});
    }
    // Revoke (or failure): finish and commit before the partitions go.
    owner_.on_revoke(list, consumer->assignment_lost());
    if (cooperative) {
      report(std::unique_ptr<RdKafka::Error>(consumer->incremental_unassign(partitions)));
    } else {
      report(consumer->unassign());
    }
  }

 private:
  void report(RdKafka::ErrorCode code) {
    if (code != RdKafka::ERR_NO_ERROR) {
      logger_.error("kafka (un)assign failed", {{"error", error_name(code)}});
    }
  }
  void report(const std::unique_ptr<RdKafka::Error>& error) {
    if (error) logger_.error("kafka incremental (un)assign failed", {{"error", error->name()}});
  }

  Consumer& owner_;
  telemetry::Logger& logger_;
};

}  // namespace detail

Consumer::Consumer(ConsumerOptions options, Producer& dead_letters, telemetry::Tracer& tracer,
                   telemetry::Registry& registry, telemetry::Logger& logger)
    : options_(std::move(options)),
      decode_options_{options_.max_message_bytes, options_.data_shape},
      dead_letters_(dead_letters),
      tracer_(tracer),
      logger_(logger),
      metrics_(std::make_unique<Metrics>(registry)),
      lag_(std::make_shared<detail::ConsumerLag>()),
      tracker_(std::make_unique<detail::OffsetTracker>()),
      events_(std::make_unique<detail::ClientEvents>(
          options_.client_id, logger, metrics_->connection_errors,
          [lag = lag_](const boost::json::object& stats) { lag->update(stats); })),
      rebalance_(std::make_unique<detail::RebalanceHandler>(*this, logger)) {
  if (options_.group_id.empty()) throw ConfigError("group.id", "a consumer group is required");
  if (options_.topics.empty()) throw ConfigError("topics", "at least one topic is required");

  const auto conf = detail::make_global_conf();
  detail::set_property(*conf, "bootstrap.servers", options_.brokers);
  detail::set_property(*conf, "client.id", options_.client_id);
  detail::set_property(*conf, "group.id", options_.group_id);
  // Manual store, automatic commit: only handled records are stored; librdkafka commits what
  // is stored in the background and we commit synchronously on revoke and close.
  detail::set_property(*conf, "enable.auto.commit", "true");
  detail::set_property(*conf, "enable.auto.offset.store", "false");
  detail::set_property(*conf, "auto.commit.interval.ms", detail::millis(options_.commit_interval));
  detail::set_property(*conf, "statistics.interval.ms",
                       detail::millis(options_.statistics_interval));
  detail::set_property(*conf, "enable.partition.eof", "false");
  detail::set_property(*conf, "auto.offset.reset", "earliest");
  detail::set_properties(*conf, options_.properties);
  detail::set_event_cb(*conf, *events_);
  detail::set_rebalance_cb(*conf, *rebalance_);

  std::string error;
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (!consumer_) throw ConfigError("consumer", error);
  if (const RdKafka::ErrorCode code = consumer_->subscribe(options_.topics);
      code != RdKafka::ERR_NO_ERROR) {
    throw ConfigError("topics", RdKafka::err2str(code));
  }
  registry.add_collect_callback([weak = std::weak_ptr<detail::ConsumerLag>(lag_)](
                                    telemetry::CallbackSink& sink) {
    if (const auto lag = weak.lock()) lag->collect(sink);
  });
}

Consumer::~Consumer() { close(); }

PollResult Consumer::poll(std::chrono::milliseconds timeout, const EventHandler& handler) noexcept {
  if (closed_) return PollResult::kClosed;
  try {
    store_ready_offsets();
    const std::unique_ptr<RdKafka::Message> message(
        consumer_->consume(static_cast<int>(timeout.count())));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        return dispatch(*message, handler);
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return PollResult::kIdle;
      default:
        logger_.warn("kafka consumer error", {{"error", detail::error_name(message->err())},
                                              {"detail", message->errstr()}});
        return PollResult::kError;
    }
  } catch (const std::exception& error) {
    logger_.error("kafka consumer poll failed", {{"detail", error.what()}});
    return PollResult::kError;
  } catch (...) {
    logger_.error("kafka consumer poll failed");
    return PollResult::kError;
  }
}

PollResult Consumer::dispatch(RdKafka::Message& message, const EventHandler& handler) {
  namespace attr = detail::attr;
  const auto received = std::chrono::steady_clock::now();
  events_->note_broker_reachable();
  const std::string_view topic = topic_of(message);
  const std::int32_t partition = message.partition();
  const std::int64_t offset = message.offset();

  read_headers(message, header_views_);
  RecordView view;
  if (message.key_pointer() != nullptr) view.key = bytes_of(message.key_pointer(), message.key_len());
  view.value = bytes_of(message.payload(), message.len());
  view.headers = header_views_;
  const DecodeResult decoded = decode(view, decode_options_);

  telemetry::StartSpanOptions span_options;
  span_options.kind = telemetry::SpanKind::kConsumer;
  if (const auto remote = telemetry::extract(HeaderViewCarrier(header_views_))) {
    if (options_.link_mode) {
      span_options.new_root = true;
      span_options.links.push_back({*remote, {}});
    } else {
      span_options.parent = *remote;
    }
  } else {
    span_options.new_root = true;  // no (valid) upstream context: this record starts a trace
  }
  std::string span_name = "process ";
  span_name += topic;
  telemetry::Span span = tracer_.start_span(span_name, std::move(span_options));
  if (span.is_recording()) {
    span.set_attribute(attr::kSystem, "kafka");
    span.set_attribute(attr::kOperationName, "process");
    span.set_attribute(attr::kOperationType, "process");
    span.set_attribute(attr::kDestination, topic);
    span.set_attribute(attr::kConsumerGroup, options_.group_id);
    span.set_attribute(attr::kClientId, options_.client_id);
    span.set_attribute(attr::kPartition, std::to_string(partition));
    span.set_attribute(attr::kOffset, offset);
    if (view.key) span.set_attribute(attr::kMessageKey, *view.key);
    if (decoded) {
      detail::set_event_attributes(span, {decoded->id, decoded->type, decoded->source,
                                          decoded->subject});
    } else {
      detail::set_event_attributes(span, {{}, decoded.error().event_type, decoded.error().source, {}});
    }
  }

  Completion completion = tracker_->begin(topic, partition, offset);
  PollResult result = PollResult::kHandled;
  {
    const telemetry::SpanScope scope(span);
    if (!decoded) {
      span.record_error(to_string(decoded.error().code), decoded.error().detail);
      result = dead_letter(message, decoded.error(), std::move(completion))
                   ? PollResult::kDeadLettered
                   : PollResult::kError;
    } else {
      std::optional<std::chrono::system_clock::time_point> timestamp;
      if (const RdKafka::MessageTimestamp ts = message.timestamp();
          ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
        timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ts.timestamp));
      }
      const ConsumedEvent record{*decoded, topic, partition, offset, timestamp, span};
      try {
        handler(record, std::move(completion));
      } catch (const std::exception& error) {
        // The record stays unhandled (not stored): it is consumed again after a restart.
        span.record_error("handler_exception", error.what());
        logger_.error("event handler threw", {{"event_id", decoded->id},
                                              {"event_type", decoded->type},
                                              {"detail", error.what()}});
        result = PollResult::kError;
      }
    }
  }
  metrics_->consume_duration.with({topic}).observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count(),
      span.context());
  return result;
}

bool Consumer::dead_letter(RdKafka::Message& message, const DecodeError& error,
                           Completion completion) {
  const std::string_view topic = topic_of(message);
  EncodedRecord letter;
  if (message.key_pointer() != nullptr) {
    letter.key = std::string(bytes_of(message.key_pointer(), message.key_len()));
  }
  letter.value = std::string(bytes_of(message.payload(), message.len()));
  letter.headers.reserve(header_views_.size() + 6);
  for (const auto& header : header_views_) {
    letter.headers.push_back({std::string(header.key), std::string(header.value)});
    // The producer replaces traceparent with the dead letter's own send span; keep the original.
    if (header.key == header_names::kTraceparent) {
      letter.headers.push_back({"dlq_original_traceparent", std::string(header.value)});
    }
  }
  const std::string reason = error.reason();
  letter.headers.push_back({"dlq_reason", reason});
  if (!error.detail.empty()) letter.headers.push_back({"dlq_detail", error.detail});
  letter.headers.push_back({"dlq_original_topic", std::string(topic)});
  letter.headers.push_back({"dlq_original_partition", std::to_string(message.partition())});
  letter.headers.push_back({"dlq_original_offset", std::to_string(message.offset())});

  const std::string_view event_type =
      error.event_type.empty() ? std::string_view("unknown") : std::string_view(error.event_type);
  const std::string_view source =
      error.source.empty() ? std::string_view("unknown") : std::string_view(error.source);
  metrics_->event_errors.with({event_type, source, to_string(error.code)}).inc();
  logger_.warn("invalid event sent to the dead-letter topic",
               {{"reason", reason}, {"detail", error.detail}, {"topic", topic},
                {"partition", message.partition()}, {"offset", message.offset()},
                {"event_type", event_type}});

  std::string dlq_topic(topic);
  dlq_topic += options_.dlq_suffix;
  // The offset is stored only once the dead letter is safely in the DLQ topic.
  const SendStatus status = dead_letters_.send_record(
      dlq_topic, std::move(letter),
      [completion, &logger = logger_, dlq_topic](const DeliveryReport& report) mutable {
        if (report.ok) {
          completion.done();
        } else {
          logger.error("dead letter not delivered; the record stays unstored",
                       {{"topic", dlq_topic}, {"error", report.error_type}});
        }
      });
  if (!status) {
    logger_.error("dead letter not enqueued; the record stays unstored",
                  {{"topic", dlq_topic}, {"error", status.error_type()}});
  }
  return status.ok();
}

void Consumer::store_ready_offsets() {
  const std::vector<detail::ReadyOffset> ready = tracker_->take_ready();
  if (ready.empty()) return;
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> partitions;
  owned.reserve(ready.size());
  partitions.reserve(ready.size());
  for (const auto& entry : ready) {
    owned.emplace_back(RdKafka::TopicPartition::create(entry.topic, entry.partition, entry.offset));
    partitions.push_back(owned.back().get());
  }
  if (const RdKafka::ErrorCode code = consumer_->offsets_store(partitions);
      code != RdKafka::ERR_NO_ERROR) {
    logger_.debug("kafka offsets not stored", {{"error", detail::error_name(code)}});
  }
}

void Consumer::on_assign(const std::vector<std::pair<std::string, std::int32_t>>& partitions) {
  for (const auto& [topic, partition] : partitions) {
    tracker_->assign(topic, partition);
    lag_->assign(topic, partition);
  }
  assigned_.fetch_add(partitions.size(), std::memory_order_relaxed);
  logger_.info("kafka partitions assigned",
               {{"group", options_.group_id}, {"partitions", partitions.size()}});
}

void Consumer::on_revoke(const std::vector<std::pair<std::string, std::int32_t>>& partitions,
                         bool lost) {
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  logger_.info("kafka partitions revoking; draining in-flight records",
               {{"group", options_.group_id}, {"partitions", partitions.size()},
                {"in_flight", tracker_->pending()}, {"lost", lost}});
  if (!tracker_->wait_idle(partitions, deadline)) {
    logger_.warn("in-flight records not finished before their partitions were revoked",
                 {{"group", options_.group_id}, {"in_flight", tracker_->pending()}});
  }
  store_ready_offsets();
  if (!lost) {
    const RdKafka::ErrorCode code = consumer_->commitSync();
    if (code != RdKafka::ERR_NO_ERROR && code != RdKafka::ERR__NO_OFFSET) {
      logger_.warn("kafka commit on revoke failed", {{"error", detail::error_name(code)}});
    }
  }
  for (const auto& [topic, partition] : partitions) {
    tracker_->revoke(topic, partition);
    lag_->revoke(topic, partition);
  }
  const std::size_t current = assigned_.load(std::memory_order_relaxed);
  assigned_.store(current > partitions.size() ? current - partitions.size() : 0,
                  std::memory_order_relaxed);
  logger_.info("kafka partitions revoked", {{"group", options_.group_id},
                                            {"partitions", partitions.size()}, {"lost", lost}});
}

void Consumer::close() noexcept {
  if (closed_.exchange(true)) return;
  try {
    store_ready_offsets();
    // close() revokes the assignment through the rebalance callback (drain, store, commit).
    if (const RdKafka::ErrorCode code = consumer_->close(); code != RdKafka::ERR_NO_ERROR) {
      logger_.warn("kafka consumer close failed", {{"error", detail::error_name(code)}});
    }
  } catch (...) {
    logger_.error("kafka consumer close failed");
  }
  tracker_->clear();
  lag_->clear();
  assigned_.store(0, std::memory_order_relaxed);
}

bool Consumer::connected() const noexcept {
  return !closed_ && events_->broker_up() && assigned_.load(std::memory_order_relaxed) > 0;
}

std::size_t Consumer::assigned_partitions() const noexcept {
  return assigned_.load(std::memory_order_relaxed);
}

std::size_t Consumer::in_flight() const { return tracker_->pending(); }

std::optional<std::int64_t> Consumer::committed_offset(std::string_view topic,
                                                       std::int32_t partition,
                                                       std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  std::unique_ptr<RdKafka::TopicPartition> owned(
      RdKafka::TopicPartition::create(std::string(topic), partition));
  std::vector<RdKafka::TopicPartition*> partitions{owned.get()};
  if (consumer_->committed(partitions, static_cast<int>(timeout.count())) !=
          RdKafka::ERR_NO_ERROR ||
      owned->err() != RdKafka::ERR_NO_ERROR || owned->offset() < 0) {
    return std::nullopt;
  }
  return owned->offset();
}

}  // namespace edaobs::kafka
