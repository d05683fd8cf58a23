#pragma once
// A Kafka consumer that decodes the envelope, traces and measures every record, dead-letters
// invalid ones, and commits only what was handled.
//
// Offsets: enable.auto.commit=true with enable.auto.offset.store=false. A record's offset is
// stored only when it and every earlier record of its partition completed (Completion::done());
// librdkafka commits stored offsets every commit_interval, and synchronously when partitions are
// revoked and on close().
//
// Rebalancing: eager by default (librdkafka's "range,roundrobin"): on revoke the consumer waits
// up to drain_timeout for in-flight records of the revoked partitions, stores their offsets and
// commits synchronously before the partitions go. Set partition.assignment.strategy to
// "cooperative-sticky" in `properties` for incremental rebalancing; the same drain-and-commit
// runs for just the partitions that move.
//
// Per record: a CONSUMER span "process <topic>", the child of the producer's context carried in
// the headers (or, with link_mode, a new trace linking to it; a missing or invalid traceparent
// starts a new trace), active while the handler runs; message_broker_consume_duration_seconds
// {topic} (fetched -> handler returned). The handler returns an Outcome (outcome.h) and the
// consumer carries it out and records the processing metrics (processing_metrics.h):
//   done       -> complete now: events_processed_total{success="true"};
//   reject     -> dead-lettered, success="false" and event_errors_total{error=<reason>};
//   forward    -> republished; success="true" once the broker acknowledged it; a failed send is
//                 retried with backoff and the offset held back (never dead-lettered);
//   deferred   -> the handler completes the record's Completion itself.
// A handler that throws is called again (3 attempts in all), then the record is dead-lettered
// with reason `handler_exception`. A record that fails decoding counts as failed processing
// (error = the decode reason) and is dead-lettered. Dead letters: `<topic><dlq_suffix>` with
// the original key, value and headers plus dlq_reason, dlq_detail (truncated),
// dlq_original_topic/partition/offset and dlq_original_traceparent; dlq_events_total
// {topic,reason} counts them when acknowledged; the record's offset is stored only then.
// Consumer lag per partition (from librdkafka statistics) is kafka_consumer_lag{topic,partition};
// retried outputs are kafka_output_retries_total{topic} and kafka_output_stalled.
//
// Threading: poll() and close() are called from one thread; Completion::done() from any.
// Completions for in-flight records must come from other threads (e.g. a producer's delivery
// thread) or before the handler returns: a revoke waits for them on the polling thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/kafka/client/completion.h"
#include "edaobs/kafka/client/fatal_error.h"
#include "edaobs/kafka/client/options.h"
#include "edaobs/kafka/client/outcome.h"
#include "edaobs/kafka/client/processing_metrics.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/tracer.h"

namespace RdKafka {
class KafkaConsumer;
class Message;
}  // namespace RdKafka

namespace edaobs::kafka {

namespace detail {
class ClientEvents;
class OffsetTracker;
class Redelivery;
class RebalanceHandler;
class ConsumerLag;
class DeadLetterWriter;
class ResendingSender;
struct OriginalRecord;
}  // namespace detail

// A decoded record, valid during the handler call (copy what must outlive it).
struct ConsumedEvent {
  const Event& event;
  std::string_view topic;
  std::int32_t partition;
  std::int64_t offset;
  // Kafka record timestamp (producer create time unless the topic uses log-append time).
  std::optional<std::chrono::system_clock::time_point> timestamp;
  // The record's process span, active on this thread during the call: add attributes.
  telemetry::Span& span;
  // For Outcome::deferred() only: take a copy and call done() once the record is handled (from
  // any thread). A deferred record whose every copy is dropped without done() is consumed again,
  // with what followed it on its partition (completion.h).
  Completion completion;
};

// The domain step: decides what becomes of one record (outcome.h).
using EventHandler = std::function<Outcome(const ConsumedEvent& record)>;

enum class PollResult {
  kIdle,          // nothing arrived within the timeout
  kHandled,       // a record was decoded and its outcome carried out (done, forward, deferred)
  kDeadLettered,  // a record failed decoding, was rejected, or its handler kept throwing:
                  // its dead letter is on the way
  kError,         // a consumer error (logged)
  kClosed,        // close() was called
};

class Consumer {
 public:
  // Subscribes to options.topics. `producer` sends forwarded events and dead letters and must
  // outlive the consumer. Throws ConfigError when librdkafka rejects the configuration or the
  // subscription (group.id and topics are required).
  Consumer(ConsumerOptions options, Producer& producer, telemetry::Tracer& tracer,
           telemetry::Registry& registry, telemetry::Logger& logger);
  // close().
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Waits up to `timeout` for one record and dispatches it; also stores offsets that became
  // ready and serves rebalances and statistics. Never throws.
  PollResult poll(std::chrono::milliseconds timeout, const EventHandler& handler) noexcept;

  // Waits for in-flight records (drain_timeout), stores and commits offsets, leaves the group.
  // Idempotent.
  void close() noexcept;

  // Readiness: a broker connection is up, at least one partition is assigned, and no output
  // waits for a retry.
  [[nodiscard]] bool connected() const noexcept;
  [[nodiscard]] std::size_t assigned_partitions() const noexcept;
  // The fatal error librdkafka raised (fatal_error.h); nullopt while none did.
  [[nodiscard]] std::optional<std::string> fatal_error() const;
  // `handler` runs once when a fatal error occurs, or at once when one already has.
  void on_fatal_error(FatalErrorHandler handler);
  // Records handed to handlers whose completion is still outstanding.
  [[nodiscard]] std::size_t in_flight() const;
  // The group's committed offset (next offset to consume) for a partition, asked from the group
  // coordinator; nullopt when nothing is committed or the query failed. For tools and tests.
  [[nodiscard]] std::optional<std::int64_t> committed_offset(std::string_view topic,
                                                             std::int32_t partition,
                                                             std::chrono::milliseconds timeout);

 private:
  struct Metrics;
  friend void testing::raise_fatal_error(Consumer&, std::string_view);
  friend class detail::RebalanceHandler;

  PollResult dispatch(RdKafka::Message& message, const EventHandler& handler);
  telemetry::Span start_process_span(std::string_view topic, std::int32_t partition,
                                     std::int64_t offset, const RecordView& view,
                                     const DecodeResult& decoded);
  Outcome run_handler(const EventHandler& handler, const ConsumedEvent& record);
  PollResult carry_out(Outcome outcome, const ConsumedEvent& record,
                       const detail::OriginalRecord& original,
                       std::chrono::steady_clock::time_point received);
  void store_ready_offsets();
  void on_assign(const std::vector<std::pair<std::string, std::int32_t>>& partitions);
  void on_revoke(const std::vector<std::pair<std::string, std::int32_t>>& partitions, bool lost);

  ConsumerOptions options_;
  DecodeOptions decode_options_;
  telemetry::Tracer& tracer_;
  telemetry::Logger& logger_;
  std::unique_ptr<Metrics> metrics_;
  ProcessingMetrics processing_;
  std::shared_ptr<detail::ResendingSender> sender_;  // shared with its delivery callbacks (weakly)
  std::unique_ptr<detail::DeadLetterWriter> dead_letters_;
  std::shared_ptr<detail::ConsumerLag> lag_;  // shared with the registry's collect callback
  std::unique_ptr<detail::OffsetTracker> tracker_;
  std::unique_ptr<detail::Redelivery> redelivery_;  // records whose completion was dropped
  std::unique_ptr<detail::ClientEvents> events_;
  std::unique_ptr<detail::RebalanceHandler> rebalance_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;  // after its callbacks: destroyed first
  std::vector<HeaderView> header_views_;              // reused per record
  std::atomic<std::size_t> assigned_{0};
  std::atomic<bool> closed_{false};  // read by readiness checks on other threads
};

}  // namespace edaobs::kafka
