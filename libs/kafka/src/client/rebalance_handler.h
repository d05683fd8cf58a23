#pragma once
// librdkafka's rebalance callback for a Consumer: on assignment the partitions are tracked and,
// once the assignment took effect, counted for readiness; on revoke (or a failed rebalance) the
// consumer drains and commits them first. Eager and cooperative protocols alike.
#include <memory>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/kafka/client/consumer.h"
#include "edaobs/telemetry/logs/logger.h"

namespace edaobs::kafka::detail {

class RebalanceHandler final : public RdKafka::RebalanceCb {
 public:
  RebalanceHandler(Consumer& owner, telemetry::Logger& logger) : owner_(owner), logger_(logger) {}

  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                    std::vector<RdKafka::TopicPartition*>& partitions) override;

 private:
  bool report(RdKafka::ErrorCode code);
  bool report(const std::unique_ptr<RdKafka::Error>& error);

  Consumer& owner_;
  telemetry::Logger& logger_;
};

}  // namespace edaobs::kafka::detail
