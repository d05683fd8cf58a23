#pragma once
// Building librdkafka configuration objects; every rejection becomes a ConfigError naming the
// property.
#include <memory>
#include <string>
#include <string_view>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/kafka/client/options.h"

namespace edaobs::kafka::detail {

[[nodiscard]] std::unique_ptr<RdKafka::Conf> make_global_conf();

void set_property(RdKafka::Conf& conf, const std::string& name, const std::string& value);
void set_properties(RdKafka::Conf& conf, const Properties& properties);
void set_event_cb(RdKafka::Conf& conf, RdKafka::EventCb& callback);
void set_delivery_cb(RdKafka::Conf& conf, RdKafka::DeliveryReportCb& callback);
void set_rebalance_cb(RdKafka::Conf& conf, RdKafka::RebalanceCb& callback);

[[nodiscard]] std::string millis(std::chrono::milliseconds duration);

// librdkafka's symbolic error name ("_MSG_TIMED_OUT", "MSG_SIZE_TOO_LARGE"): low-cardinality,
// stable, good for error.type and metric labels.
[[nodiscard]] std::string_view error_name(RdKafka::ErrorCode code) noexcept;

}  // namespace edaobs::kafka::detail
