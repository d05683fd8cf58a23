// The Kafka and ingest settings refuse values that would let a record or a client wait forever.
#include "edaobs/runtime/kafka_settings.h"

#include <gtest/gtest.h>

#include "edaobs/runtime/event_ingest.h"

namespace edaobs::runtime {
namespace {

using namespace std::chrono_literals;

// The ConfigError message of reading the publisher's settings from `environment`, or "".
std::string config_error(std::map<std::string, std::string> environment) {
  Settings settings({}, std::move(environment));
  try {
    const KafkaSettings kafka = read_kafka_settings(settings, "publisher");
    static_cast<void>(read_ingest_options(settings, "events.raw", kafka.producer));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(KafkaSettings, ZeroDeliveryTimeoutIsRefusedNamingTheSetting) {
  for (const char* zero : {"0", "0s", "0ms"}) {
    const std::string error = config_error({{"EDAOBS_DELIVERY_TIMEOUT", zero}});
    EXPECT_NE(error.find("EDAOBS_DELIVERY_TIMEOUT"), std::string::npos) << zero << ": " << error;
    EXPECT_NE(error.find("--delivery-timeout"), std::string::npos) << error;
  }
  EXPECT_EQ(config_error({{"EDAOBS_DELIVERY_TIMEOUT", "10s"}}), "");
}

TEST(KafkaSettings, TheKeyOnSpansIsHashedUnlessSetToOffOrPlain) {
  Settings defaults({}, {});
  EXPECT_EQ(read_kafka_settings(defaults, "enricher").consumer.key_on_spans,
            kafka::KeyOnSpans::kHashed);
  Settings plain({}, {{"EDAOBS_SPAN_MESSAGE_KEY", "plain"}});
  const KafkaSettings kafka = read_kafka_settings(plain, "enricher");
  EXPECT_EQ(kafka.producer.key_on_spans, kafka::KeyOnSpans::kPlain);
  EXPECT_EQ(kafka.consumer.key_on_spans, kafka::KeyOnSpans::kPlain);
  const std::string error = config_error({{"EDAOBS_SPAN_MESSAGE_KEY", "clear"}});
  EXPECT_NE(error.find("EDAOBS_SPAN_MESSAGE_KEY"), std::string::npos) << error;
}

TEST(KafkaSettings, IngestTimeoutDefaultsToFiveSecondsWithinTheDeliveryTimeout) {
  Settings settings({}, {});
  const KafkaSettings kafka = read_kafka_settings(settings, "publisher");
  const IngestOptions ingest = read_ingest_options(settings, "events.raw", kafka.producer);
  EXPECT_EQ(ingest.timeout, 5s);
  EXPECT_EQ(ingest.topic, "events.raw");
  const kafka::ProducerOptions producer = ingest_producer_options(kafka.producer, ingest.timeout);
  EXPECT_EQ(producer.delivery_timeout, 4s) << "reported failed before the client is answered";
  EXPECT_EQ(producer.queue_full_timeout, 0ms) << "never waits for room";
}

TEST(KafkaSettings, IngestTimeoutOutsideItsBoundsIsRefusedNamingTheSetting) {
  const std::string longer =
      config_error({{"EDAOBS_DELIVERY_TIMEOUT", "10s"}, {"EDAOBS_INGEST_TIMEOUT", "11s"}});
  EXPECT_NE(longer.find("EDAOBS_INGEST_TIMEOUT"), std::string::npos) << longer;
  EXPECT_NE(longer.find("EDAOBS_DELIVERY_TIMEOUT"), std::string::npos) << longer;
  const std::string shorter = config_error({{"EDAOBS_INGEST_TIMEOUT", "1s"}});
  EXPECT_NE(shorter.find("--ingest-timeout"), std::string::npos) << shorter;
  EXPECT_EQ(config_error({{"EDAOBS_DELIVERY_TIMEOUT", "10s"}, {"EDAOBS_INGEST_TIMEOUT", "10s"}}),
            "");
}

}  // namespace
}  // namespace edaobs::runtime
