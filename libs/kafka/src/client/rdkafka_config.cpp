#include "client/rdkafka_config.h"

#include <librdkafka/rdkafka.h>

#include "edaobs/core/config_error.h"

namespace edaobs::kafka::detail {

std::unique_ptr<RdKafka::Conf> make_global_conf() {
  return std::unique_ptr<RdKafka::Conf>(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
}

void set_property(RdKafka::Conf& conf, const std::string& name, const std::string& value) {
  std::string error;
  if (conf.set(name, value, error) != RdKafka::Conf::CONF_OK)
    throw ConfigError(name, "rejected by librdkafka: " + error);
}

void set_properties(RdKafka::Conf& conf, const Properties& properties) {
  for (const auto& [name, value] : properties) set_property(conf, name, value);
}

void set_event_cb(RdKafka::Conf& conf, RdKafka::EventCb& callback) {
  std::string error;
  if (conf.set("event_cb", &callback, error) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("event_cb", error);
  }
}

void set_delivery_cb(RdKafka::Conf& conf, RdKafka::DeliveryReportCb& callback) {
  std::string error;
  if (conf.set("dr_cb", &callback, error) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("dr_cb", error);
  }
}

void set_rebalance_cb(RdKafka::Conf& conf, RdKafka::RebalanceCb& callback) {
  std::string error;
  if (conf.set("rebalance_cb", &callback, error) != RdKafka::Conf::CONF_OK) {
    throw ConfigError("rebalance_cb", error);
  }
}

std::string millis(std::chrono::milliseconds duration) { return std::to_string(duration.count()); }

std::string_view error_name(RdKafka::ErrorCode code) noexcept {
  const char* name = rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(code));
  return name != nullptr ? std::string_view(name) : std::string_view("UNKNOWN");
}

}  // namespace edaobs::kafka::detail
