#include "edaobs/runtime/kafka_settings.h"

namespace edaobs::runtime {

KafkaSettings read_kafka_settings(Settings& settings, const std::string& service) {
  KafkaSettings kafka;
  const std::string brokers =
      settings.text("brokers", "KAFKA_BROKERS", "127.0.0.1:9092", "Kafka bootstrap servers");
  kafka.producer.brokers = brokers;
  kafka.producer.client_id = service;
  kafka.consumer.brokers = brokers;
  kafka.consumer.client_id = service;
  kafka.consumer.group_id =
      settings.text("group", "KAFKA_GROUP_ID", "edaobs-" + service, "consumer group id");
  kafka.consumer.link_mode = settings.boolean(
      "link-mode", "EDAOBS_TRACE_LINK_MODE", false,
      "start a new trace per consumed event, linked to the producer's, instead of continuing it");
  // The consumer creates its input topic if it is missing, so an agent becomes ready whatever
  // the start-up order of the chain (the broker must allow auto-creation, as ours does).
  kafka.consumer.properties.push_back({"allow.auto.create.topics", "true"});
  kafka.producer.delivery_timeout =
      settings.millis("delivery-timeout", "EDAOBS_DELIVERY_TIMEOUT", std::chrono::seconds(30),
                      "how long a record may wait for the broker before its delivery fails");
  if (kafka.producer.delivery_timeout.count() == 0) {
    // librdkafka reads message.timeout.ms=0 as "retry forever": nothing would ever fail.
    throw ConfigError(setting_name("delivery-timeout", "EDAOBS_DELIVERY_TIMEOUT"),
                      "'0' would let a record wait for the broker forever; give a bound, e.g. 30s");
  }
  const std::string key_on_spans = settings.text(
      "span-message-key", "EDAOBS_SPAN_MESSAGE_KEY", "hashed",
      "how a record's key and the event subject appear on spans: off, hashed (FNV-1a) or plain");
  if (key_on_spans == "off") {
    kafka.producer.key_on_spans = kafka.consumer.key_on_spans = kafka::KeyOnSpans::kOff;
  } else if (key_on_spans == "plain") {
    kafka.producer.key_on_spans = kafka.consumer.key_on_spans = kafka::KeyOnSpans::kPlain;
  } else if (key_on_spans != "hashed") {
    throw ConfigError(setting_name("span-message-key", "EDAOBS_SPAN_MESSAGE_KEY"),
                      "'" + key_on_spans + "' is not one of off, hashed, plain");
  }
  kafka.log_events.brokers = brokers;
  kafka.log_events.client_id = service + "-log-events";
  kafka.log_events.source = service;
  kafka.log_events.topic = settings.text("log-events-topic", "EDAOBS_LOG_EVENTS_TOPIC",
                                         "observability.logs", "topic for WARN/ERROR log events");
  kafka.consumer.commit_interval = settings.millis(
      "commit-interval", "EDAOBS_COMMIT_INTERVAL", std::chrono::seconds(1),
      "how often handled offsets are committed; after a crash about this much input is consumed "
      "again (the duplicates' bound)");
  const std::string instance_id = settings.text(
      "group-instance-id", "KAFKA_GROUP_INSTANCE_ID", "",
      "static group membership: a restarted instance with the same id gets its partitions back "
      "at once, without waiting for the session timeout (unique per running instance)");
  if (!instance_id.empty()) kafka.consumer.properties.push_back({"group.instance.id", instance_id});
  // A member that stops heartbeating (killed, or its broker was away) holds its partitions for
  // the session timeout: 10 s instead of librdkafka's 45 s bounds how long a rebalance after a
  // crash or a broker restart waits for it.
  kafka.consumer.properties.push_back({"session.timeout.ms", "10000"});
  kafka.consumer.properties.push_back({"heartbeat.interval.ms", "3000"});
  // A revoke waits as long as an output may still be delivered, so the partition is not handed
  // over while the republished event of one of its records can still land.
  kafka.consumer.drain_timeout = kafka.producer.delivery_timeout + std::chrono::seconds(2);
  return kafka;
}

}  // namespace edaobs::runtime
