#include "edaobs/kafka/client/producer.h"

#include <algorithm>
#include <pthread.h>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/core/config_error.h"
#include "edaobs/kafka/envelope/header_carrier.h"

#include "client/client_events.h"
#include "client/messaging_metrics.h"
#include "client/rdkafka_config.h"
#include "client/span_attributes.h"

namespace edaobs::kafka {

namespace {

std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view key) {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->key == key) return std::string_view(it->value);
  }
  return std::nullopt;
}

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

struct Producer::Metrics {
  explicit Metrics(telemetry::Registry& registry)
      : published(registry.counter("events_published_total",
                                   "Events acknowledged by the broker, by type and topic.",
                                   {"event_type", "destination"})),
        publish_duration(registry.histogram(
            "message_broker_publish_duration_seconds",
            "Time from enqueueing a record to its acknowledgement by the broker.", {"topic"},
            detail::broker_latency_buckets())),
        publish_errors(registry.counter("message_broker_publish_errors_total",
                                        "Records that could not be enqueued or delivered.",
                                        {"topic", "error"})),
        connection_errors(detail::connection_errors(registry)) {}

  telemetry::Family<telemetry::Counter>& published;
  telemetry::Family<telemetry::Histogram>& publish_duration;
  telemetry::Family<telemetry::Counter>& publish_errors;
  telemetry::Counter& connection_errors;
};

// Travels with a record through librdkafka (as the message opaque) until its delivery report.
struct Producer::PendingDelivery {
  telemetry::Span span;
  std::string topic;
  std::string event_type;
  std::string event_id;
  DeliveryCallback callback;
  std::chrono::steady_clock::time_point enqueued;
};

namespace detail {

class DeliveryDispatcher final : public RdKafka::DeliveryReportCb {
 public:
  explicit DeliveryDispatcher(Producer& owner) : owner_(owner) {}

  void dr_cb(RdKafka::Message& message) override {
    // Ownership comes back from librdkafka here, exactly once per enqueued record.
    std::unique_ptr<Producer::PendingDelivery> pending(
        static_cast<Producer::PendingDelivery*>(message.msg_opaque()));
    if (!pending) return;
    DeliveryReport report;
    report.ok = message.err() == RdKafka::ERR_NO_ERROR;
    if (!report.ok) {
      report.error.reason = error_name(message.err());
      report.error.detail = message.errstr();
      report.possibly_persisted = message.status() != RdKafka::Message::MSG_STATUS_NOT_PERSISTED;
    }
    report.topic = pending->topic;
    report.partition = message.partition();
    report.offset = message.offset();
    report.latency = std::chrono::steady_clock::now() - pending->enqueued;
    owner_.deliver(std::move(pending), report);
  }

 private:
  Producer& owner_;
};

}  // namespace detail

Producer::Producer(ProducerOptions options, telemetry::Tracer& tracer,
                   telemetry::Registry& registry, telemetry::Logger& logger)
    : options_(std::move(options)),
      tracer_(tracer),
      logger_(logger),
      metrics_(std::make_unique<Metrics>(registry)),
      events_(std::make_unique<detail::ClientEvents>(options_.client_id, logger,
                                                     metrics_->connection_errors)),
      dispatcher_(std::make_unique<detail::DeliveryDispatcher>(*this)) {
  const auto conf = detail::make_global_conf();
  detail::set_property(*conf, "bootstrap.servers", options_.brokers);
  detail::set_property(*conf, "client.id", options_.client_id);
  // Idempotence: retries after a broker outage cannot duplicate or reorder records.
  detail::set_property(*conf, "enable.idempotence", "true");
  detail::set_property(*conf, "acks", "all");
  detail::set_property(*conf, "message.timeout.ms", detail::millis(options_.delivery_timeout));
  detail::set_property(*conf, "statistics.interval.ms",
                       detail::millis(options_.statistics_interval));
  if (options_.max_message_bytes != 0) {
    detail::set_property(*conf, "message.max.bytes", std::to_string(options_.max_message_bytes));
  }
  detail::set_properties(*conf, options_.properties);
  detail::set_event_cb(*conf, *events_);
  detail::set_delivery_cb(*conf, *dispatcher_);

  std::string error;
  producer_.reset(RdKafka::Producer::create(conf.get(), error));
  if (!producer_) throw ConfigError("producer", error);
  poll_thread_ = std::jthread([this](std::stop_token stop) { poll_loop(std::move(stop)); });
}

Producer::~Producer() { close(options_.close_timeout); }

Status Producer::send(std::string_view topic, const Event& event, DeliveryCallback on_delivery) {
  return send_impl(topic, encode(event), std::move(on_delivery), &event);
}

Status Producer::send_record(std::string_view topic, EncodedRecord record,
                             DeliveryCallback on_delivery) {
  return send_impl(topic, std::move(record), std::move(on_delivery), nullptr);
}

std::future<DeliveryReport> Producer::send_for_report(std::string_view topic, const Event& event) {
  auto promise = std::make_shared<std::promise<DeliveryReport>>();
  std::future<DeliveryReport> report = promise->get_future();
  const Status status =
      send(topic, event, [promise](const DeliveryReport& r) { promise->set_value(r); });
  if (!status) {
    DeliveryReport failed;
    failed.error = status.error();
    failed.topic = std::string(topic);
    promise->set_value(std::move(failed));
  }
  return report;
}

// The record's PRODUCER span "send <topic>", with the messaging.* and event.* attributes (from
// `event`, or from the record's ce_* headers), its context injected into the record's headers.
void Producer::start_send_span(PendingDelivery& pending, EncodedRecord& record,
                               const Event* event) {
  namespace attr = detail::attr;
  detail::EventAttributes event_attributes;
  if (event != nullptr) {
    event_attributes = {event->id, event->type, event->source, event->subject};
  } else {
    event_attributes = {find_header(record.headers, header_names::kId).value_or(""),
                        find_header(record.headers, header_names::kType).value_or(""),
                        find_header(record.headers, header_names::kSource).value_or(""),
                        find_header(record.headers, header_names::kSubject)};
  }
  pending.event_type =
      event_attributes.type.empty() ? "unknown" : std::string(event_attributes.type);
  pending.event_id = std::string(event_attributes.id);

  telemetry::StartSpanOptions span_options;
  span_options.kind = telemetry::SpanKind::kProducer;
  pending.span = tracer_.start_span("send " + pending.topic, std::move(span_options));
  telemetry::Span& span = pending.span;
  if (span.is_recording()) {
    span.set_attribute(attr::kSystem, "kafka");
    span.set_attribute(attr::kOperationName, "send");
    span.set_attribute(attr::kOperationType, "send");
    span.set_attribute(attr::kDestination, pending.topic);
    span.set_attribute(attr::kClientId, options_.client_id);
    if (record.key)
      detail::set_key_attribute(span, attr::kMessageKey, *record.key, options_.key_on_spans);
    detail::set_event_attributes(span, event_attributes, options_.key_on_spans);
  }
  // The consumer's process span becomes the child of this send span.
  HeaderListCarrier carrier(record.headers);
  telemetry::inject(span.context(), carrier);
}

Status Producer::send_impl(std::string_view topic, EncodedRecord record,
                           DeliveryCallback on_delivery, const Event* event) {
  auto pending = std::make_unique<PendingDelivery>();
  pending->topic = std::string(topic);

  start_send_span(*pending, record, event);
  telemetry::Span& span = pending->span;

  const auto fail = [&](std::string_view error_type, const std::string& message) {
    span.record_error(error_type, message);
    metrics_->publish_errors.with({topic, error_type}).inc();
    logger_.warn("kafka record not enqueued", {{"topic", topic},
                                               {"event_id", pending->event_id},
                                               {"error", error_type},
                                               {"detail", message}});
    return unexpected(std::string(error_type), message);
  };
  if (closed_.load(std::memory_order_acquire)) return fail("closed", "the producer is closed");

  std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  for (const auto& header : record.headers) {
    headers->add(header.key, header.value.data(), header.value.size());
  }
  pending->callback = std::move(on_delivery);
  pending->enqueued = std::chrono::steady_clock::now();
  const auto deadline = pending->enqueued + options_.queue_full_timeout;

  for (;;) {
    // RK_MSG_COPY: librdkafka copies key and value, so `record` may go away after the call.
    const RdKafka::ErrorCode error =
        producer_->produce(pending->topic, RdKafka::Topic::PARTITION_UA,
                           RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(record.value.data()),
                           record.value.size(), record.key ? record.key->data() : nullptr,
                           record.key ? record.key->size() : 0U, 0, headers.get(), pending.get());
    if (error == RdKafka::ERR_NO_ERROR) {
      // librdkafka now owns the headers, and the pending delivery until its report.
      static_cast<void>(headers.release());
      static_cast<void>(pending.release());
      return Status{};
    }
    const auto now = std::chrono::steady_clock::now();
    if (error != RdKafka::ERR__QUEUE_FULL || now >= deadline) {
      return fail(detail::error_name(error),
                  error == RdKafka::ERR__QUEUE_FULL
                      ? "local producer queue still full after " +
                            std::to_string(options_.queue_full_timeout.count()) + " ms"
                      : RdKafka::err2str(error));
    }
    // Room appears as delivery reports are served by the poll thread.
    std::unique_lock lock(progress_mutex_);
    progress_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(
                                 deadline - now, std::chrono::milliseconds(10)));
  }
}

void Producer::deliver(std::unique_ptr<PendingDelivery> pending,
                       const DeliveryReport& report) noexcept {
  namespace attr = detail::attr;
  telemetry::Span& span = pending->span;
  if (report.ok) {
    events_->note_broker_reachable();
    if (span.is_recording()) {
      span.set_attribute(attr::kPartition, std::to_string(report.partition));
      span.set_attribute(attr::kOffset, report.offset);
    }
    metrics_->published.with({pending->event_type, report.topic}).inc();
    metrics_->publish_duration.with({report.topic})
        .observe(seconds(report.latency), span.context());
  } else {
    span.record_error(report.error.reason, report.error.detail);
    metrics_->publish_errors.with({report.topic, report.error.reason}).inc();
    logger_.warn("kafka delivery failed", {{"topic", report.topic},
                                           {"event_id", pending->event_id},
                                           {"error", report.error.reason},
                                           {"detail", report.error.detail}});
  }
  span.end();
  if (pending->callback) {
    const telemetry::ActiveContextScope scope(span.context());
    try {
      pending->callback(report);
    } catch (const std::exception& error) {
      logger_.error("delivery callback threw", {{"topic", report.topic}, {"detail", error.what()}});
    } catch (...) {
      logger_.error("delivery callback threw", {{"topic", report.topic}});
    }
  }
}

void Producer::poll_loop(std::stop_token stop) {
  pthread_setname_np(pthread_self(), "edaobs-delivery");
  while (!stop.stop_requested()) {
    producer_->poll(50);
    progress_.notify_all();
  }
}

bool Producer::flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(progress_mutex_);
  while (producer_->outq_len() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    progress_.wait_for(lock, std::chrono::milliseconds(10));
  }
  return true;
}

void Producer::close(std::chrono::milliseconds timeout) {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  if (!flush(timeout)) {
    logger_.warn("kafka producer closing with undelivered records; purging them",
                 {{"outstanding", producer_->outq_len()}});
    producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
    // Purged records get failed reports; serve them so every callback runs once.
    static_cast<void>(flush(std::chrono::seconds(5)));
  }
  poll_thread_.request_stop();
  if (poll_thread_.joinable()) poll_thread_.join();
  // Whatever is still queued (nothing, unless the purge reports were too slow) is served here.
  for (int i = 0; i < 100 && producer_->outq_len() > 0; ++i) producer_->poll(10);
}

bool Producer::connected() const noexcept {
  return !closed_.load(std::memory_order_relaxed) && events_->broker_up() && !events_->fatal();
}

int Producer::outstanding() const noexcept { return producer_->outq_len(); }

}  // namespace edaobs::kafka
