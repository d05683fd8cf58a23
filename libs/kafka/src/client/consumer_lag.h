#pragma once
// Consumer lag per assigned partition, read from librdkafka statistics
// (topics.<t>.partitions.<p>.consumer_lag) and exposed at scrape time as
// kafka_consumer_lag{topic,partition}. Shared between the consumer (writes) and the registry's
// collect callback (reads), which may outlive the consumer.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>

#include "edaobs/telemetry/sdk/metrics/callback_sink.h"

namespace edaobs::kafka::detail {

class ConsumerLag {
 public:
  void assign(std::string_view topic, std::int32_t partition);
  void revoke(std::string_view topic, std::int32_t partition);
  void clear();
  void update(const boost::json::object& statistics);
  void collect(telemetry::CallbackSink& sink) const;
  // -1 while unknown.
  [[nodiscard]] std::int64_t lag(std::string_view topic, std::int32_t partition) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> lags_;  // assigned partitions
};

}  // namespace edaobs::kafka::detail
