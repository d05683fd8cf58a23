#pragma once
// One object that gives an agent all of its telemetry: tracer, metric registry, JSON logger and
// the HTTP endpoints (/metrics /health /ready). Built from the standard OTEL_* variables plus the
// agent's own settings; when it goes out of scope it stops the endpoints, exports the spans still
// queued and flushes the log, in that order, within a bounded time.
//
//   Telemetry telemetry(TelemetryOptions::from_env("enricher", "1.0.0", 8081));
//   ... wiring: clients, readiness checks, routes ...
//   const auto serving = telemetry.serve();  // last object of main(): destroyed first
//   Span span = telemetry.tracer().start_span("work");
//   telemetry.log().info("done", {{"event_id", id}});
//
// The endpoints answer only while the Serving handle lives. Made after the wiring and declared
// last, it stops the server before anything a readiness check, a route or a metric callback
// calls is destroyed; until then, during a drain, /metrics keeps answering.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "edaobs/telemetry/http/http_server.h"
#include "edaobs/telemetry/http/readiness.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"
#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/trace/tracer.h"

namespace edaobs::telemetry {

struct TelemetryOptions {
  std::string service_name;
  std::string service_version;
  TracerProviderOptions tracing;
  LoggerOptions logging;
  // Every log record also goes as OTLP to the Collector (off: enabled = false).
  OtlpLogExporterOptions log_export;
  HttpServerOptions http;
  // Upper bound for flushing spans and logs when the object is destroyed.
  std::chrono::milliseconds shutdown_timeout{5000};

  // Defaults for this agent, overridden by the standard variables: OTEL_SERVICE_NAME,
  // OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER[_ARG], OTEL_BSP_*,
  // OTEL_SDK_DISABLED, OTEL_LOGS_EXPORTER, OTEL_EXPORTER_OTLP_LOGS_*, OTEL_BLRP_*;
  // EDAOBS_LOG_LEVEL, EDAOBS_LOG_OUTPUT, EDAOBS_LOG_MASKED_KEYS,
  // EDAOBS_LOG_QUEUE_SIZE; EDAOBS_HTTP_ADDRESS, EDAOBS_HTTP_PORT. A bad value throws
  // ConfigError (edaobs/core/config_error.h) naming the variable.
  [[nodiscard]] static TelemetryOptions from_env(std::string service_name,
                                                 std::string service_version,
                                                 std::uint16_t http_port);
};

class Telemetry;

// RAII: the HTTP endpoints serve while it lives (Telemetry::serve()).
class [[nodiscard]] Serving {
 public:
  explicit Serving(Telemetry& telemetry) noexcept : telemetry_(&telemetry) {}
  ~Serving();
  Serving(Serving&& other) noexcept : telemetry_(std::exchange(other.telemetry_, nullptr)) {}
  Serving& operator=(Serving&&) = delete;
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;

 private:
  Telemetry* telemetry_;
};

class Telemetry {
 public:
  // Throws on bad options. The endpoints do not serve until serve().
  explicit Telemetry(TelemetryOptions options);
  // Same, exporting spans with `exporter` instead of OTLP/HTTP (tests).
  Telemetry(TelemetryOptions options, std::unique_ptr<SpanExporter> exporter);
  ~Telemetry();
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;
  Telemetry(Telemetry&&) = delete;
  Telemetry& operator=(Telemetry&&) = delete;

  [[nodiscard]] Tracer& tracer() noexcept { return tracing_->tracer(); }
  [[nodiscard]] Registry& metrics() noexcept { return *registry_; }
  [[nodiscard]] Logger& log() noexcept { return *logger_; }
  [[nodiscard]] Readiness& readiness() noexcept { return *readiness_; }
  // Liveness checks for GET /health: 503 while one fails (e.g. a client broken beyond repair),
  // so the supervisor restarts the agent. None registered: alive.
  [[nodiscard]] Readiness& liveness() noexcept { return *liveness_; }
  [[nodiscard]] HttpServer& http() noexcept { return *http_; }
  [[nodiscard]] TracerProvider& tracing() noexcept { return *tracing_; }
  // Null when OTLP logs are off (OTEL_LOGS_EXPORTER=none, OTEL_SDK_DISABLED=true).
  [[nodiscard]] OtlpLogExporter* log_exporter() noexcept { return log_exporter_.get(); }
  [[nodiscard]] const TelemetryOptions& options() const noexcept { return options_; }

  // Binds and starts the HTTP endpoints; they stop when the handle is destroyed. Throws
  // std::system_error when the address cannot be bound, std::logic_error when already serving.
  [[nodiscard]] Serving serve();
  // Stops the endpoints (idempotent); ~Serving and shutdown() call it.
  void stop_serving() noexcept;

  // Stops the endpoints, exports queued spans, flushes logs and exports the queued log records,
  // all within options().shutdown_timeout. Idempotent; the destructor calls it.
  void shutdown() noexcept;

 private:
  Telemetry(TelemetryOptions options, std::unique_ptr<SpanExporter> exporter, bool use_exporter);
  void register_self_metrics();

  TelemetryOptions options_;
  // Declaration order is teardown order reversed: the endpoints go first, the registry last.
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Readiness> readiness_;
  std::unique_ptr<Readiness> liveness_;
  std::shared_ptr<OtlpLogExporter> log_exporter_;  // null when OTLP logs are off
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<TracerProvider> tracing_;
  std::unique_ptr<HttpServer> http_;
  bool shut_down_ = false;
};

}  // namespace edaobs::telemetry
