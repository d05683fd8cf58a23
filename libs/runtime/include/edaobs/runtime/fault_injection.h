#pragma once
// Faults the processing agent can inject to exercise errors, latency and dead letters — off by
// default. Set at start-up by flags/environment, and at run time through an admin endpoint that
// exists only when explicitly enabled (EDAOBS_ADMIN_ENABLED=true):
//   GET  /admin/faults                      current settings as JSON
//   POST /admin/faults {"error_rate":0.2,"latency_ms":50,"poison_rate":0.01}
#include <atomic>
#include <chrono>

#include "edaobs/runtime/settings.h"
#include "edaobs/telemetry/http/http_server.h"

namespace edaobs::runtime {

struct FaultSettings {
  double error_rate = 0;                 // fraction of events whose processing fails ("injected")
  std::chrono::milliseconds latency{0};  // added to every event's processing
  double poison_rate = 0;                // fraction of events republished as malformed records
  bool admin_enabled = false;
};

[[nodiscard]] FaultSettings read_fault_settings(Settings& settings);

class FaultInjector {
 public:
  explicit FaultInjector(const FaultSettings& settings);
  // Adds /admin/faults when settings.admin_enabled; otherwise the route does not exist (404).
  void register_admin_routes(telemetry::HttpServer& server);

  // Each draws independently; thread-safe.
  [[nodiscard]] bool should_fail() noexcept;
  [[nodiscard]] bool should_poison() noexcept;
  void add_latency() const;  // sleeps on the calling (processing) thread: that is the fault

  [[nodiscard]] FaultSettings current() const noexcept;
  // Throws ConfigError naming the field for a value out of range.
  void apply_json(std::string_view body);

 private:
  std::atomic<double> error_rate_;
  std::atomic<std::int64_t> latency_ms_;
  std::atomic<double> poison_rate_;
  bool admin_enabled_;
};

}  // namespace edaobs::runtime
