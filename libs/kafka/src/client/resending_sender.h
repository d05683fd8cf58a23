#pragma once
// Sends a consumed record's output (a forwarded event or a dead letter) until the broker
// acknowledges it. A send that cannot be enqueued or whose delivery fails (timeout, queue full,
// broker gone longer than the delivery timeout) is retried with exponential backoff from the
// consumer's polling thread, and the input record stays incomplete meanwhile (its offset is
// held back), so the output is never lost and a valid event never ends in the DLQ because the
// *output* failed. Delivery callbacks hold only a weak_ptr to the sender: a report that arrives
// after the consumer is gone touches nothing.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include "edaobs/kafka/client/delivery.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::kafka::detail {

struct OutputSend {
  std::string topic;
  std::variant<Event, EncodedRecord> payload;
  // Runs once, on the delivery thread, when the broker acknowledged the record.
  std::function<void(const DeliveryReport&)> on_acknowledged;
  // The process span of the input record: retries are sent with it active, so their send spans
  // stay in the event's trace.
  telemetry::SpanContext parent;
  // A dead letter too large for the producer or the broker is retried without its value (the
  // original stays in the input topic): `dlq_value_omitted` then names the original size.
  bool omit_value_when_too_large = false;
  int attempts = 0;
  bool failed_once = false;
  std::chrono::steady_clock::time_point due{};
};

class ResendingSender : public std::enable_shared_from_this<ResendingSender> {
 public:
  ResendingSender(Producer& producer, telemetry::Registry& registry, telemetry::Logger& logger);

  // First attempt now (from the polling thread, with the record's span active).
  void send(std::shared_ptr<OutputSend> output);
  // Re-sends what is due; called by the polling thread on every poll.
  void resend_due();
  // Outputs that failed at least once and are not yet acknowledged (waiting for a retry or in
  // flight again): while there are any, the consumer's output is stalled.
  [[nodiscard]] std::size_t stalled() const noexcept;
  // Forgets the waiting sends (their records stay incomplete and are consumed again).
  void clear();

 private:
  void attempt(const std::shared_ptr<OutputSend>& output);
  void failed(const std::shared_ptr<OutputSend>& output, const Failure& error);
  void recovered() noexcept;

  Producer& producer_;
  telemetry::Logger& logger_;
  telemetry::Family<telemetry::Counter>& retries_;
  telemetry::Gauge& waiting_gauge_;
  std::atomic<long> stalled_{0};
  mutable std::mutex mutex_;
  std::deque<std::shared_ptr<OutputSend>> waiting_;
};

}  // namespace edaobs::kafka::detail
