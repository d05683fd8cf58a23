#include "client/consumer_lag.h"

namespace edaobs::kafka::detail {

void ConsumerLag::assign(std::string_view topic, std::int32_t partition) {
  const std::lock_guard lock(mutex_);
  lags_.insert_or_assign({std::string(topic), partition}, -1);
}

void ConsumerLag::revoke(std::string_view topic, std::int32_t partition) {
  const std::lock_guard lock(mutex_);
  lags_.erase({std::string(topic), partition});
}

void ConsumerLag::clear() {
  const std::lock_guard lock(mutex_);
  lags_.clear();
}

void ConsumerLag::update(const boost::json::object& statistics) {
  const auto* topics = statistics.if_contains("topics");
  if (topics == nullptr || !topics->is_object()) return;
  const std::lock_guard lock(mutex_);
  for (auto& [key, lag] : lags_) {
    const auto* topic = topics->get_object().if_contains(key.first);
    if (topic == nullptr || !topic->is_object()) continue;
    const auto* partitions = topic->get_object().if_contains("partitions");
    if (partitions == nullptr || !partitions->is_object()) continue;
    const auto* partition = partitions->get_object().if_contains(std::to_string(key.second));
    if (partition == nullptr || !partition->is_object()) continue;
    const auto* value = partition->get_object().if_contains("consumer_lag");
    if (value != nullptr && value->is_int64()) lag = value->get_int64();
  }
}

void ConsumerLag::collect(telemetry::CallbackSink& sink) const {
  const std::lock_guard lock(mutex_);
  for (const auto& [key, lag] : lags_) {
    if (lag < 0) continue;  // unknown until the first statistics after assignment
    const std::string partition = std::to_string(key.second);
    sink.gauge("kafka_consumer_lag",
               "Records between the committed offset and the partition's high watermark.",
               static_cast<double>(lag), {{"topic", key.first}, {"partition", partition}});
  }
}

std::int64_t ConsumerLag::lag(std::string_view topic, std::int32_t partition) const {
  const std::lock_guard lock(mutex_);
  const auto it = lags_.find({std::string(topic), partition});
  return it == lags_.end() ? -1 : it->second;
}

}  // namespace edaobs::kafka::detail
