#include "client/client_events.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "client/rdkafka_config.h"

namespace edaobs::kafka::detail {

ClientEvents::ClientEvents(std::string client_name, telemetry::Logger& logger,
                           telemetry::Counter& connection_errors, StatsListener stats_listener)
    : client_name_(std::move(client_name)),
      logger_(logger),
      connection_errors_(connection_errors),
      stats_listener_(std::move(stats_listener)) {}

bool ClientEvents::is_connection_error(RdKafka::ErrorCode code) noexcept {
  switch (code) {
    case RdKafka::ERR__TRANSPORT:
    case RdKafka::ERR__ALL_BROKERS_DOWN:
    case RdKafka::ERR__RESOLVE:
    case RdKafka::ERR__SSL:
    case RdKafka::ERR__AUTHENTICATION:
      return true;
    default:
      return false;
  }
}

void ClientEvents::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      on_error(event);
      break;
    case RdKafka::Event::EVENT_LOG:
      on_log(event);
      break;
    case RdKafka::Event::EVENT_STATS:
      on_stats(event.str());
      break;
    case RdKafka::Event::EVENT_THROTTLE:
      logger_.debug("kafka broker throttled the client", {{"client", client_name_},
                                                          {"broker", event.broker_name()},
                                                          {"throttle_ms", event.throttle_time()}});
      break;
  }
}

void ClientEvents::on_error(RdKafka::Event& event) {
  const RdKafka::ErrorCode code = event.err();
  const std::string text = event.str();
  if (is_connection_error(code)) {
    connection_errors_.inc();
    if (code == RdKafka::ERR__ALL_BROKERS_DOWN) broker_up_.store(false, std::memory_order_relaxed);
    if (const auto held = throttle_.admit(error_name(code))) {
      logger_.warn("kafka broker connection error", {{"client", client_name_},
                                                     {"error", error_name(code)},
                                                     {"detail", text},
                                                     {"repeats_held_back", *held}});
    }
    return;
  }
  if (event.fatal()) {
    on_fatal(code, text);
    return;
  }
  if (const auto held = throttle_.admit(error_name(code))) {
    logger_.warn("kafka client error", {{"client", client_name_},
                                        {"error", error_name(code)},
                                        {"detail", text},
                                        {"repeats_held_back", *held}});
  }
}

void ClientEvents::on_fatal(RdKafka::ErrorCode code, const std::string& text) {
  logger_.error("kafka client fatal error: the client cannot keep its guarantees and stops",
                {{"client", client_name_}, {"error", error_name(code)}, {"detail", text}});
  FatalErrorHandler handler;
  std::string reason;
  {
    std::lock_guard lock(fatal_mutex_);
    if (fatal_.load(std::memory_order_relaxed)) return;  // librdkafka raises one fatal error
    fatal_reason_ = std::string(error_name(code)) + ": " + text;
    reason = fatal_reason_;
    handler = fatal_error_handler_;
    fatal_.store(true, std::memory_order_release);
  }
  if (handler) handler(reason);
}

std::string ClientEvents::fatal_reason() const {
  std::lock_guard lock(fatal_mutex_);
  return fatal_reason_;
}

void ClientEvents::on_fatal_error(FatalErrorHandler handler) {
  std::string reason;
  {
    std::lock_guard lock(fatal_mutex_);
    fatal_error_handler_ = handler;
    if (!fatal_.load(std::memory_order_relaxed)) return;
    reason = fatal_reason_;
  }
  if (handler) handler(reason);
}

void ClientEvents::on_log(RdKafka::Event& event) {
  // Connection failures also arrive as error events (counted and logged there): keep their log
  // twin at debug so an outage does not log every failure twice.
  const std::string facility = event.fac();
  telemetry::LogLevel level = telemetry::LogLevel::kDebug;
  switch (event.severity()) {
    case RdKafka::Event::EVENT_SEVERITY_EMERG:
    case RdKafka::Event::EVENT_SEVERITY_ALERT:
    case RdKafka::Event::EVENT_SEVERITY_CRITICAL:
    case RdKafka::Event::EVENT_SEVERITY_ERROR:
      level = facility == "FAIL" ? telemetry::LogLevel::kDebug : telemetry::LogLevel::kError;
      break;
    case RdKafka::Event::EVENT_SEVERITY_WARNING:
      level = facility == "FAIL" ? telemetry::LogLevel::kDebug : telemetry::LogLevel::kWarn;
      break;
    case RdKafka::Event::EVENT_SEVERITY_NOTICE:
    case RdKafka::Event::EVENT_SEVERITY_INFO:
      level = telemetry::LogLevel::kInfo;
      break;
    case RdKafka::Event::EVENT_SEVERITY_DEBUG:
      break;
  }
  if (!logger_.enabled(level)) return;
  std::uint64_t held = 0;
  if (level >= telemetry::LogLevel::kWarn) {
    const auto admitted = throttle_.admit(facility);
    if (!admitted) return;
    held = *admitted;
  }
  const std::string text = event.str();
  const telemetry::LogField fields[] = {
      {"client", client_name_}, {"facility", facility}, {"repeats_held_back", held}};
  logger_.log(level, text, fields);
}

void ClientEvents::on_stats(const std::string& json) {
  boost::system::error_code ec;
  const boost::json::value stats = boost::json::parse(json, ec);
  if (ec || !stats.is_object()) return;
  const boost::json::object& root = stats.get_object();
  if (const auto* brokers = root.if_contains("brokers");
      brokers != nullptr && brokers->is_object()) {
    bool any_up = false;
    for (const auto& [name, broker] : brokers->get_object()) {
      const auto* state = broker.is_object() ? broker.get_object().if_contains("state") : nullptr;
      if (state != nullptr && state->is_string() && state->get_string() == "UP") any_up = true;
    }
    broker_up_.store(any_up, std::memory_order_relaxed);
  }
  if (stats_listener_) stats_listener_(root);
}

}  // namespace edaobs::kafka::detail
