#pragma once
// The Kafka settings every agent shares, read from flags/environment (KAFKA_BROKERS, ...).
#include <string>

#include "edaobs/kafka/client/options.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/settings.h"

namespace edaobs::runtime {

struct KafkaSettings {
  kafka::ProducerOptions producer;
  kafka::ConsumerOptions consumer;             // without topics: the agent sets them
  kafka::LogEventPublisherOptions log_events;  // WARN/ERROR lines to observability.logs
};

// `service` names the client ids and the default consumer group.
[[nodiscard]] KafkaSettings read_kafka_settings(Settings& settings, const std::string& service);

}  // namespace edaobs::runtime
