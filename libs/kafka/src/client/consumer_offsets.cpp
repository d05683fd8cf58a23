// The consumer's offsets: storing those whose records are complete, and handing partitions over
// on a rebalance (drain the moving partitions' in-flight records, store, commit).
#include <algorithm>
#include <chrono>
#include <memory>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/kafka/client/consumer.h"

#include "client/consumer_lag.h"
#include "client/offset_tracker.h"
#include "client/rdkafka_config.h"
#include "client/resending_sender.h"

namespace edaobs::kafka {

void Consumer::store_ready_offsets() {
  const std::vector<detail::ReadyOffset> ready = tracker_->take_ready();
  if (ready.empty()) return;
  std::vector<std::unique_ptr<RdKafka::TopicPartition>> owned;
  std::vector<RdKafka::TopicPartition*> partitions;
  owned.reserve(ready.size());
  partitions.reserve(ready.size());
  for (const auto& entry : ready) {
    owned.emplace_back(RdKafka::TopicPartition::create(entry.topic, entry.partition, entry.offset));
    partitions.push_back(owned.back().get());
  }
  if (const RdKafka::ErrorCode code = consumer_->offsets_store(partitions);
      code != RdKafka::ERR_NO_ERROR) {
    logger_.debug("kafka offsets not stored", {{"error", detail::error_name(code)}});
  }
}

void Consumer::on_assign(const std::vector<std::pair<std::string, std::int32_t>>& partitions) {
  for (const auto& [topic, partition] : partitions) {
    tracker_->assign(topic, partition);
    lag_->assign(topic, partition);
  }
  logger_.info("kafka partitions assigned",
               {{"group", options_.group_id}, {"partitions", partitions.size()}});
}

void Consumer::on_revoke(const std::vector<std::pair<std::string, std::int32_t>>& partitions,
                         bool lost) {
  const auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  logger_.info("kafka partitions revoking; draining in-flight records",
               {{"group", options_.group_id},
                {"partitions", partitions.size()},
                {"in_flight", tracker_->pending()},
                {"lost", lost}});
  // Outputs waiting for a retry are re-sent while we wait: they are what the drain waits for.
  bool idle = false;
  while (!idle && std::chrono::steady_clock::now() < deadline) {
    idle = tracker_->wait_idle(partitions, std::min(deadline, std::chrono::steady_clock::now() +
                                                                  std::chrono::milliseconds(100)));
    if (!idle) sender_->resend_due();
  }
  if (!idle) {
    logger_.warn("in-flight records not finished before their partitions were revoked",
                 {{"group", options_.group_id}, {"in_flight", tracker_->pending()}});
  }
  store_ready_offsets();
  if (!lost) {
    const RdKafka::ErrorCode code = consumer_->commitSync();
    if (code != RdKafka::ERR_NO_ERROR && code != RdKafka::ERR__NO_OFFSET) {
      logger_.warn("kafka commit on revoke failed", {{"error", detail::error_name(code)}});
    }
  }
  for (const auto& [topic, partition] : partitions) {
    tracker_->revoke(topic, partition);
    lag_->revoke(topic, partition);
  }
  const std::size_t current = assigned_.load(std::memory_order_relaxed);
  assigned_.store(current > partitions.size() ? current - partitions.size() : 0,
                  std::memory_order_relaxed);
  logger_.info("kafka partitions revoked",
               {{"group", options_.group_id}, {"partitions", partitions.size()}, {"lost", lost}});
}

}  // namespace edaobs::kafka
