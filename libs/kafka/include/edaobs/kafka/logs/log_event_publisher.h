#pragma once
// Posts WARN and ERROR log lines as events to a Kafka topic (observability.logs), without ever
// blocking the logging path:
//
//   LogEventPublisher log_events(options, registry);
//   logger.set_forwarder(LogLevel::kWarn, log_events.forwarder());
//
// Each line becomes a CloudEvent (binary mode): ce_type edaobs.log.warn / edaobs.log.error,
// ce_source = options.source, the JSON line as data, keyed by the source. publish() copies the
// line into a bounded queue and returns; a worker thread hands lines to its own librdkafka
// producer (separate from the event producer, so log traffic never competes with events).
// A line that cannot be published is counted in log_events_fallback_total{reason} and handed to
// the fallback if one is set (by default none: the line is already in the agent's own log, so
// writing it to stderr again would print it twice): reason "queue_full" (queue at capacity),
// "produce_failed" (librdkafka refused it), "delivery_failed" (not acknowledged within
// delivery_timeout, e.g. the broker is unreachable), "closed" (published after close). Acknowledged
// lines count in log_events_published_total. The publisher never logs through the Logger (no
// feedback loop).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "edaobs/kafka/client/options.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::kafka {

struct LogEventPublisherOptions {
  std::string brokers = "127.0.0.1:9092";
  std::string client_id = "edaobs-log-events";
  std::string topic = "observability.logs";
  std::string source = "edaobs";      // ce_source and record key; use the service name
  std::size_t queue_capacity = 1024;  // lines waiting for the worker (and librdkafka's own bound)
  // How long a line may wait for the broker before it falls back to the local log.
  std::chrono::milliseconds delivery_timeout{5000};
  // How long close() lets queued lines reach the broker before falling back with the rest.
  std::chrono::milliseconds close_timeout{2000};
  Properties properties;
  // Where lines go that could not be published; default: nowhere (they are in the local log).
  std::function<void(std::string_view line)> fallback;
};

struct LogEventStats {
  std::uint64_t published = 0;  // acknowledged by the broker
  std::uint64_t fallback = 0;   // written to the fallback instead
};

class LogEventPublisher {
 public:
  // Throws ConfigError (naming the property) when librdkafka rejects the configuration.
  LogEventPublisher(LogEventPublisherOptions options, telemetry::Registry& registry);
  // close().
  ~LogEventPublisher();
  LogEventPublisher(const LogEventPublisher&) = delete;
  LogEventPublisher& operator=(const LogEventPublisher&) = delete;

  // Queues one JSON line (without its trailing newline). Never blocks beyond a short lock,
  // never throws.
  void publish(std::string_view json_line) noexcept;
  // For Logger::set_forwarder. It shares the queue's state, so it stays safe to call after the
  // publisher is gone (lines then go to the fallback, reason "closed").
  [[nodiscard]] telemetry::Logger::Forwarder forwarder() const;

  // Waits until every line queued so far is acknowledged or fell back; false at the timeout.
  bool flush(std::chrono::milliseconds timeout);
  // Publishes what it can within close_timeout, falls back with the rest, stops the worker.
  // Idempotent.
  void close();

  [[nodiscard]] LogEventStats stats() const noexcept;

  struct State;  // shared with forwarders

 private:
  class Worker;
  std::shared_ptr<State> state_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace edaobs::kafka
