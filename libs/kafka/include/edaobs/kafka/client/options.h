#pragma once
// What producers and consumers are built from. Every field has a working default except the
// brokers (and the group and topics of a consumer). `properties` are raw librdkafka settings
// applied last, so they can override anything the library sets (a rejected one throws
// ConfigError naming it).
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "edaobs/kafka/envelope/event.h"

namespace edaobs::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// How a record's key — and the event's subject, which is the key by default — appears on spans
// (messaging.kafka.message.key, event.subject). Keys are often customer or order ids: exported
// spans leave the process, so by default only a hash goes (spans of one key still group).
// kHashed is FNV-1a 64 in hex: it correlates, it does not anonymise a guessable key.
enum class KeyOnSpans { kOff, kHashed, kPlain };

// Records above this many bytes (key + value + headers) are dead-lettered as `oversized`.
inline constexpr std::size_t kDefaultMaxRecordBytes = 1024 * 1024;
// What a dead letter adds to the record it carries (dlq_* headers, detail truncated to 512 B).
inline constexpr std::size_t kDeadLetterHeadroomBytes = 16 * 1024;

struct ProducerOptions {
  std::string brokers = "127.0.0.1:9092";
  std::string client_id = "edaobs-producer";
  // Broker connectivity for connected() comes from librdkafka statistics at this interval
  // (plus error events in between). 0 disables statistics.
  std::chrono::milliseconds statistics_interval{2000};
  // message.timeout.ms: how long librdkafka keeps retrying a record (e.g. while the broker is
  // down) before reporting its delivery as failed.
  std::chrono::milliseconds delivery_timeout{30000};
  // How long send() waits for room when librdkafka's local queue is full before failing; 0
  // fails at once, so send() never blocks (what a caller answering a client needs).
  std::chrono::milliseconds queue_full_timeout{2000};
  // message.max.bytes of the client (0 keeps librdkafka's 1000000). The default is the
  // consumer's record limit plus room for the dead-letter headers, so that any record a consumer
  // accepts can be dead-lettered whole.
  std::size_t max_message_bytes = kDefaultMaxRecordBytes + kDeadLetterHeadroomBytes;
  // How long the destructor lets outstanding records finish before purging them.
  std::chrono::milliseconds close_timeout{10000};
  KeyOnSpans key_on_spans = KeyOnSpans::kHashed;
  Properties properties;
};

struct ConsumerOptions {
  std::string brokers = "127.0.0.1:9092";
  std::string client_id = "edaobs-consumer";
  std::string group_id;
  std::vector<std::string> topics;
  // false: the process span is the child of the producer's context (one trace across agents).
  // true: the process span starts a new trace and links to the producer's context.
  bool link_mode = false;
  // Records above this many bytes (key + value + headers) are dead-lettered as `oversized`.
  std::size_t max_message_bytes = kDefaultMaxRecordBytes;
  DataShape data_shape = DataShape::kJsonObject;
  std::chrono::milliseconds statistics_interval{2000};  // consumer lag and connectivity; 0 = off
  std::chrono::milliseconds commit_interval{1000};      // auto.commit.interval.ms
  // On revoke and close: how long to wait for in-flight records to complete before the
  // partitions go (records still in flight then are redelivered to the next owner).
  std::chrono::milliseconds drain_timeout{10000};
  std::string dlq_suffix = ".dlq";
  KeyOnSpans key_on_spans = KeyOnSpans::kHashed;
  Properties properties;
};

}  // namespace edaobs::kafka
