#include "edaobs/kafka/client/consumer.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "edaobs/core/config_error.h"
#include "edaobs/kafka/envelope/header_carrier.h"

#include "client/client_events.h"
#include "client/consumer_lag.h"
#include "client/dead_letter_writer.h"
#include "client/messaging_metrics.h"
#include "client/offset_tracker.h"
#include "client/rdkafka_config.h"
#include "client/rebalance_handler.h"
#include "client/redelivery.h"
#include "client/resending_sender.h"
#include "client/span_attributes.h"

namespace edaobs::kafka {

namespace {

std::string_view topic_of(RdKafka::Message& message) {
  const rd_kafka_message_t* raw = message.c_ptr();
  const char* name = raw->rkt != nullptr ? rd_kafka_topic_name(raw->rkt) : nullptr;
  return name != nullptr ? std::string_view(name) : std::string_view();
}

std::string_view bytes_of(const void* data, std::size_t size) {
  return data != nullptr ? std::string_view(static_cast<const char*>(data), size)
                         : std::string_view();
}

// A throwing handler is called this many times in all before its record is dead-lettered: a
// transient fault gets another chance, a deterministic one cannot stall the partition.
constexpr int kHandlerAttempts = 3;

std::string_view or_unknown(std::string_view label) {
  return label.empty() ? std::string_view("unknown") : label;
}

}  // namespace

struct Consumer::Metrics {
  explicit Metrics(telemetry::Registry& registry)
      : consume_duration(
            registry.histogram("message_broker_consume_duration_seconds",
                               "Time from fetching a record to the end of its handling.", {"topic"},
                               detail::broker_latency_buckets())),
        connection_errors(detail::connection_errors(registry)) {}

  telemetry::Family<telemetry::Histogram>& consume_duration;
  telemetry::Counter& connection_errors;
};

Consumer::Consumer(ConsumerOptions options, Producer& producer, telemetry::Tracer& tracer,
                   telemetry::Registry& registry, telemetry::Logger& logger)
    : options_(std::move(options)),
      decode_options_{options_.max_message_bytes, options_.data_shape},
      tracer_(tracer),
      logger_(logger),
      metrics_(std::make_unique<Metrics>(registry)),
      processing_(registry),
      sender_(std::make_shared<detail::ResendingSender>(producer, registry, logger)),
      dead_letters_(std::make_unique<detail::DeadLetterWriter>(options_.dlq_suffix, sender_,
                                                               registry, logger)),
      lag_(std::make_shared<detail::ConsumerLag>()),
      tracker_(std::make_unique<detail::OffsetTracker>()),
      redelivery_(std::make_unique<detail::Redelivery>(registry, logger)),
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
  // Incremental (cooperative) rebalancing: when an instance joins or leaves, only the partitions
  // that move are revoked; the others keep consuming through the rebalance.
  detail::set_property(*conf, "partition.assignment.strategy", "cooperative-sticky");
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
  registry.add_collect_callback(
      [weak = std::weak_ptr<detail::ConsumerLag>(lag_)](telemetry::CallbackSink& sink) {
        if (const auto lag = weak.lock()) lag->collect(sink);
      });
}

Consumer::~Consumer() { close(); }

PollResult Consumer::poll(std::chrono::milliseconds timeout, const EventHandler& handler) noexcept {
  if (closed_) return PollResult::kClosed;
  try {
    sender_->resend_due();
    store_ready_offsets();
    redelivery_->rewind(*consumer_, *tracker_);
    const std::unique_ptr<RdKafka::Message> message(
        consumer_->consume(static_cast<int>(timeout.count())));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        return dispatch(*message, handler);
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return PollResult::kIdle;
      case RdKafka::ERR__FATAL: {
        // A consumer's fatal error (e.g. a fenced static member) comes out of consume().
        std::string reason;
        const RdKafka::ErrorCode underlying = consumer_->fatal_error(reason);
        events_->report_fatal(underlying, reason.empty() ? message->errstr() : reason);
        return PollResult::kError;
      }
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

// The record's CONSUMER span: the child of the upstream context in its headers (a link to it in
// link mode; a new root without one), with the messaging.* and event.* attributes.
telemetry::Span Consumer::start_process_span(std::string_view topic, std::int32_t partition,
                                             std::int64_t offset, const RecordView& view,
                                             const DecodeResult& decoded) {
  namespace attr = detail::attr;
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
    if (view.key)
      detail::set_key_attribute(span, attr::kMessageKey, *view.key, options_.key_on_spans);
    if (decoded) {
      detail::set_event_attributes(span,
                                   {decoded->id, decoded->type, decoded->source, decoded->subject},
                                   options_.key_on_spans);
    } else {
      detail::set_event_attributes(span,
                                   {{},
                                    last_header(view.headers, header_names::kType).value_or(""),
                                    last_header(view.headers, header_names::kSource).value_or(""),
                                    {}},
                                   options_.key_on_spans);
    }
  }
  return span;
}

PollResult Consumer::dispatch(RdKafka::Message& message, const EventHandler& handler) {
  const auto received = std::chrono::steady_clock::now();
  events_->note_broker_reachable();
  const std::string_view topic = topic_of(message);
  const std::int32_t partition = message.partition();
  const std::int64_t offset = message.offset();

  read_headers(message, header_views_);
  RecordView view;
  if (message.key_pointer() != nullptr)
    view.key = bytes_of(message.key_pointer(), message.key_len());
  view.value = bytes_of(message.payload(), message.len());
  view.headers = header_views_;
  const DecodeResult decoded = decode(view, decode_options_);

  telemetry::Span span = start_process_span(topic, partition, offset, view, decoded);

  Completion completion = tracker_->begin(topic, partition, offset);
  const detail::OriginalRecord original{topic,    partition,  offset,
                                        view.key, view.value, header_views_};
  PollResult result = PollResult::kHandled;
  {
    const telemetry::SpanScope scope(span);
    if (!decoded) {
      // Labels of a record that is not an event come from its headers, as far as they go.
      const Failure& error = decoded.error();
      const std::string_view type =
          or_unknown(last_header(view.headers, header_names::kType).value_or(""));
      const std::string_view source =
          or_unknown(last_header(view.headers, header_names::kSource).value_or(""));
      span.record_error(error.reason, error.detail);
      processing_.failed(type, source, error.reason, std::chrono::steady_clock::now() - received,
                         span.context());
      dead_letters_->send(original, error.reason, error.detail, type, std::move(completion));
      result = PollResult::kDeadLettered;
    } else {
      std::optional<std::chrono::system_clock::time_point> timestamp;
      if (const RdKafka::MessageTimestamp ts = message.timestamp();
          ts.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
        timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ts.timestamp));
      }
      detail::CompletionAccess::arm(completion, processing_.success(decoded->type, decoded->source),
                                    received, span.context());
      const ConsumedEvent record{
          *decoded, topic, partition, offset, timestamp, span, std::move(completion)};
      Outcome outcome =
          redelivery_->exhausted(topic, partition, offset)
              ? Outcome::reject(
                    detail::Redelivery::kReason,
                    "the handler dropped this record's completion without done() on every attempt")
              : run_handler(handler, record);
      result = carry_out(std::move(outcome), record, original, received);
    }
  }
  metrics_->consume_duration.with({topic}).observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count(),
      span.context());
  return result;
}

Outcome Consumer::run_handler(const EventHandler& handler, const ConsumedEvent& record) {
  std::string failure;
  for (int attempt = 1; attempt <= kHandlerAttempts; ++attempt) {
    try {
      return handler(record);
    } catch (const std::exception& error) {
      failure = error.what();
    } catch (...) {
      failure = "unknown exception";
    }
  }
  logger_.error("event handler threw; the record is dead-lettered",
                {{"event_id", record.event.id},
                 {"event_type", record.event.type},
                 {"attempts", kHandlerAttempts},
                 {"detail", failure}});
  return Outcome::reject("handler_exception", failure);
}

PollResult Consumer::carry_out(Outcome outcome, const ConsumedEvent& record,
                               const detail::OriginalRecord& original,
                               std::chrono::steady_clock::time_point received) {
  Completion completion = record.completion;
  auto forward = [&](std::string topic, auto payload) {
    auto output = std::make_shared<detail::OutputSend>();
    output->topic = std::move(topic);
    output->payload = std::move(payload);
    output->parent = record.span.context();
    output->on_acknowledged = [completion](const DeliveryReport&) mutable { completion.done(); };
    sender_->send(std::move(output));
    return PollResult::kHandled;
  };
  return std::visit(
      [&](auto& decision) -> PollResult {
        using Decision = std::decay_t<decltype(decision)>;
        if constexpr (std::is_same_v<Decision, Outcome::Done>) {
          completion.done();
          return PollResult::kHandled;
        } else if constexpr (std::is_same_v<Decision, Outcome::Reject>) {
          detail::CompletionAccess::disarm(completion);
          record.span.record_error(decision.reason, decision.detail);
          processing_.failed(record.event.type, record.event.source, decision.reason,
                             std::chrono::steady_clock::now() - received, record.span.context());
          dead_letters_->send(original, decision.reason, decision.detail, record.event.type,
                              std::move(completion));
          return PollResult::kDeadLettered;
        } else if constexpr (std::is_same_v<Decision, Outcome::Forward>) {
          return forward(std::move(decision.topic), std::move(decision.event));
        } else if constexpr (std::is_same_v<Decision, Outcome::ForwardRecord>) {
          return forward(std::move(decision.topic), std::move(decision.record));
        } else {
          return PollResult::kHandled;  // deferred: the handler holds the completion
        }
      },
      outcome.decision());
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
  sender_->clear();
  tracker_->clear();
  lag_->clear();
  assigned_.store(0, std::memory_order_relaxed);
}

bool Consumer::connected() const noexcept {
  return !closed_ && !events_->fatal() && events_->broker_up() &&
         assigned_.load(std::memory_order_relaxed) > 0 && sender_->stalled() == 0;
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
