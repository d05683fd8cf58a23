#pragma once
// An idempotent Kafka producer (enable.idempotence=true, acks=all) that traces and measures
// every record:
//   - a PRODUCER span "send <topic>" per record (messaging.* and event.* attributes, partition
//     and offset once acknowledged, error.type on failure), child of the caller's active span,
//     whose context is injected into the record headers (traceparent/tracestate);
//   - on acknowledgement events_published_total{event_type,destination} and
//     message_broker_publish_duration_seconds{topic} (enqueue -> acknowledgement, exemplar =
//     the send span); failures count message_broker_publish_errors_total{topic,error};
//   - librdkafka errors count message_broker_connection_errors_total.
// Delivery reports are served by one internal poll thread. Thread-safe: send() may be called
// from any number of threads.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "edaobs/kafka/client/delivery.h"
#include "edaobs/kafka/client/fatal_error.h"
#include "edaobs/kafka/client/options.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/tracer.h"

namespace RdKafka {
class Producer;
}  // namespace RdKafka

namespace edaobs::kafka {

namespace detail {
class ClientEvents;
class DeliveryDispatcher;
}  // namespace detail

class Producer {
 public:
  // Throws ConfigError (naming the property) when librdkafka rejects the configuration.
  Producer(ProducerOptions options, telemetry::Tracer& tracer, telemetry::Registry& registry,
           telemetry::Logger& logger);
  // close(options.close_timeout).
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Encodes `event` (envelope.h) and enqueues it. When librdkafka's queue is full, waits for
  // room up to queue_full_timeout, then fails with "_QUEUE_FULL". `on_delivery` is called once
  // iff the record was enqueued.
  Status send(std::string_view topic, const Event& event, DeliveryCallback on_delivery = {});
  // Enqueues a record as it is (e.g. a dead letter, or a deliberately malformed record); span
  // event.* attributes come from its ce_* headers when present.
  Status send_record(std::string_view topic, EncodedRecord record,
                     DeliveryCallback on_delivery = {});
  // send() with the delivery report as a future; an enqueue failure is a ready, failed report.
  [[nodiscard]] std::future<DeliveryReport> send_for_report(std::string_view topic,
                                                            const Event& event);

  // Waits until every enqueued record is acknowledged or failed (delivery callbacks included).
  // false if `timeout` passed first.
  bool flush(std::chrono::milliseconds timeout);
  // flush(timeout), then purges what is left (those records fail with "_PURGE_QUEUE" /
  // "_PURGE_INFLIGHT") and stops the delivery thread. Idempotent; send() fails afterwards.
  void close(std::chrono::milliseconds timeout);

  // Readiness: a broker connection is up and no fatal error occurred.
  [[nodiscard]] bool connected() const noexcept;
  // Records enqueued and not yet reported.
  [[nodiscard]] int outstanding() const noexcept;
  // The fatal error librdkafka raised (fatal_error.h); nullopt while none did.
  [[nodiscard]] std::optional<std::string> fatal_error() const;
  // `handler` runs once when a fatal error occurs, or at once when one already has.
  void on_fatal_error(FatalErrorHandler handler);

 private:
  struct Metrics;
  friend void testing::raise_fatal_error(Producer&, std::string_view);
  struct PendingDelivery;
  friend class detail::DeliveryDispatcher;

  Status send_impl(std::string_view topic, EncodedRecord record, DeliveryCallback on_delivery,
                   const Event* event);
  void start_send_span(PendingDelivery& pending, EncodedRecord& record, const Event* event);
  void deliver(std::unique_ptr<PendingDelivery> pending, const DeliveryReport& report) noexcept;
  void poll_loop(std::stop_token stop);

  ProducerOptions options_;
  telemetry::Tracer& tracer_;
  telemetry::Logger& logger_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<detail::ClientEvents> events_;
  std::unique_ptr<detail::DeliveryDispatcher> dispatcher_;
  std::unique_ptr<RdKafka::Producer> producer_;  // after its callbacks: destroyed before them
  std::atomic<bool> closed_{false};
  std::mutex progress_mutex_;
  std::condition_variable progress_;  // signalled after every poll that served reports
  std::jthread poll_thread_;          // last: stops (and joins) first
};

}  // namespace edaobs::kafka
