#pragma once
// Records whose Completion a handler dropped without done(). Without this their partition would
// be frozen until a restart: offsets are stored only up to the first record not done, so nothing
// after it would ever be committed. Instead the partition is consumed again from its first record
// not done (at-least-once: what was in flight after it is handled twice), and a record dropped
// kAttempts times in a row is dead-lettered as "completion_abandoned" rather than looping.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"

#include "client/offset_tracker.h"

namespace edaobs::kafka::detail {

class Redelivery {
 public:
  static constexpr int kAttempts = 3;
  static constexpr std::string_view kReason = "completion_abandoned";

  Redelivery(telemetry::Registry& registry, telemetry::Logger& logger);

  // Seeks every partition with an abandoned record back to its first record not done and
  // restarts its tracking there. From the consumer's poll thread.
  void rewind(RdKafka::KafkaConsumer& consumer, OffsetTracker& tracker);
  // True when this record was consumed again kAttempts times for the same reason: dead-letter it
  // instead of handing it to the handler once more. Cheap when nothing was abandoned.
  [[nodiscard]] bool exhausted(std::string_view topic, std::int32_t partition, std::int64_t offset);

 private:
  struct Rewound {
    std::string topic;
    std::int32_t partition;
    std::int64_t offset;
    int times;
  };
  telemetry::Family<telemetry::Counter>& redeliveries_;
  telemetry::Logger& logger_;
  std::vector<Rewound> rewound_;  // one entry per partition that was rewound
};

}  // namespace edaobs::kafka::detail
