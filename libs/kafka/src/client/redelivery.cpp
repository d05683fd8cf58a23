#include "client/redelivery.h"

#include <algorithm>
#include <memory>

#include "client/rdkafka_config.h"

namespace edaobs::kafka::detail {

Redelivery::Redelivery(telemetry::Registry& registry, telemetry::Logger& logger)
    : redeliveries_(registry.counter(
          "kafka_consumer_redeliveries_total",
          "Times a partition was consumed again from an earlier offset because a handler dropped a "
          "record's completion without done().",
          {"topic"})),
      logger_(logger) {}

void Redelivery::rewind(RdKafka::KafkaConsumer& consumer, OffsetTracker& tracker) {
  for (const ReadyOffset& at : tracker.take_abandoned()) {
    const std::unique_ptr<RdKafka::TopicPartition> position(
        RdKafka::TopicPartition::create(at.topic, at.partition, at.offset));
    // Asynchronous (timeout 0): the poll thread never waits; the seek flushes what was already
    // fetched for the partition, so the next record seen is the one at `at.offset`.
    const RdKafka::ErrorCode code = consumer.seek(*position, 0);
    auto entry = std::find_if(rewound_.begin(), rewound_.end(), [&](const Rewound& r) {
      return r.topic == at.topic && r.partition == at.partition;
    });
    if (entry == rewound_.end()) {
      rewound_.push_back({at.topic, at.partition, at.offset, 1});
    } else {
      entry->times = entry->offset == at.offset ? entry->times + 1 : 1;
      entry->offset = at.offset;
    }
    redeliveries_.with({at.topic}).inc();
    logger_.error(
        "a record's completion was dropped without done(); consuming its partition again from "
        "there",
        {{"topic", at.topic},
         {"partition", at.partition},
         {"offset", at.offset},
         {"seek",
          code == RdKafka::ERR_NO_ERROR ? std::string_view("started") : detail::error_name(code)}});
  }
}

bool Redelivery::exhausted(std::string_view topic, std::int32_t partition, std::int64_t offset) {
  if (rewound_.empty()) return false;
  const auto entry = std::find_if(rewound_.begin(), rewound_.end(), [&](const Rewound& r) {
    return r.partition == partition && r.offset == offset && r.topic == topic;
  });
  if (entry == rewound_.end() || entry->times < kAttempts) return false;
  rewound_.erase(entry);
  return true;
}

}  // namespace edaobs::kafka::detail
