#pragma once
// librdkafka's event callback for one client: counts broker connection errors, forwards
// librdkafka's own log lines and errors to the Logger, and reads the periodic statistics JSON
// for broker connectivity (and hands it on, e.g. for consumer lag).
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <librdkafka/rdkafkacpp.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/counter.h"

#include "client/log_throttle.h"

namespace edaobs::kafka::detail {

class ClientEvents final : public RdKafka::EventCb {
 public:
  using StatsListener = std::function<void(const boost::json::object& stats)>;
  using FatalErrorHandler = std::function<void(std::string_view reason)>;

  ClientEvents(std::string client_name, telemetry::Logger& logger,
               telemetry::Counter& connection_errors, StatsListener stats_listener = {});

  void event_cb(RdKafka::Event& event) override;

  // At least one broker connection is up, as far as the latest statistics, error events and
  // traffic tell.
  [[nodiscard]] bool broker_up() const noexcept {
    return broker_up_.load(std::memory_order_relaxed);
  }
  // Traffic (a delivery acknowledged, a record fetched) proves a broker is reachable.
  void note_broker_reachable() noexcept { broker_up_.store(true, std::memory_order_relaxed); }
  // librdkafka raised a fatal error (e.g. the idempotent producer lost its guarantees): the
  // client is unusable and must be recreated.
  [[nodiscard]] bool fatal() const noexcept { return fatal_.load(std::memory_order_acquire); }
  // "<error name>: <librdkafka's reason>" once fatal(); empty before.
  [[nodiscard]] std::string fatal_reason() const;
  // `handler` runs once when the fatal error occurs (on the thread that serves this client's
  // events), or at once when it already has.
  void on_fatal_error(FatalErrorHandler handler);
  // A fatal error that reached the client another way (a consumer sees it from consume()).
  void report_fatal(RdKafka::ErrorCode code, const std::string& text) { on_fatal(code, text); }

  // True for errors that mean a broker is unreachable (counted as connection errors).
  [[nodiscard]] static bool is_connection_error(RdKafka::ErrorCode code) noexcept;

 private:
  void on_error(RdKafka::Event& event);
  void on_log(RdKafka::Event& event);
  void on_stats(const std::string& json);
  void on_fatal(RdKafka::ErrorCode code, const std::string& text);

  std::string client_name_;
  telemetry::Logger& logger_;
  telemetry::Counter& connection_errors_;
  StatsListener stats_listener_;
  LogThrottle throttle_;  // WARN and above, per facility / error name
  std::atomic<bool> broker_up_{false};
  std::atomic<bool> fatal_{false};
  mutable std::mutex fatal_mutex_;
  std::string fatal_reason_;               // under fatal_mutex_
  FatalErrorHandler fatal_error_handler_;  // under fatal_mutex_
};

}  // namespace edaobs::kafka::detail
