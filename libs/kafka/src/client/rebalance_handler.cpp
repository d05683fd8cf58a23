#include "client/rebalance_handler.h"

#include "client/rdkafka_config.h"

namespace edaobs::kafka::detail {
namespace {

using PartitionList = std::vector<std::pair<std::string, std::int32_t>>;

PartitionList to_list(const std::vector<RdKafka::TopicPartition*>& partitions) {
  PartitionList list;
  list.reserve(partitions.size());
  for (const auto* partition : partitions)
    list.emplace_back(partition->topic(), partition->partition());
  return list;
}

}  // namespace

void RebalanceHandler::rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode code,
                                    std::vector<RdKafka::TopicPartition*>& partitions) {
  const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
  const PartitionList list = to_list(partitions);
  if (code == RdKafka::ERR__ASSIGN_PARTITIONS) {
    owner_.on_assign(list);
    // Readiness counts the partitions only once the assignment really took effect.
    const bool assigned =
        cooperative
            ? report(std::unique_ptr<RdKafka::Error>(consumer->incremental_assign(partitions)))
            : report(consumer->assign(partitions));
    if (assigned) owner_.assigned_.fetch_add(list.size(), std::memory_order_relaxed);
    return;
  }
  if (code != RdKafka::ERR__REVOKE_PARTITIONS) {
    logger_.error("kafka rebalance failed", {{"error", error_name(code)}});
  }
  // Revoke (or failure): finish and commit before the partitions go.
  owner_.on_revoke(list, consumer->assignment_lost());
  if (cooperative) {
    report(std::unique_ptr<RdKafka::Error>(consumer->incremental_unassign(partitions)));
  } else {
    report(consumer->unassign());
  }
}

bool RebalanceHandler::report(RdKafka::ErrorCode code) {
  if (code == RdKafka::ERR_NO_ERROR) return true;
  logger_.error("kafka (un)assign failed", {{"error", error_name(code)}});
  return false;
}

bool RebalanceHandler::report(const std::unique_ptr<RdKafka::Error>& error) {
  if (!error) return true;
  logger_.error("kafka incremental (un)assign failed", {{"error", error->name()}});
  return false;
}

}  // namespace edaobs::kafka::detail
