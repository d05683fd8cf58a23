#include "edaobs/telemetry/telemetry.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "edaobs/core/text.h"
#include "edaobs/telemetry/sdk/metrics/process_metrics.h"

#include "common/env_values.h"

namespace edaobs::telemetry {
namespace {

std::string env_or(std::string_view name, std::string fallback) {
  return detail::read(detail::process_env, name).value_or(std::move(fallback));
}

std::uint16_t port_from_env(std::string_view name, std::uint16_t fallback) {
  const auto text = detail::read(detail::process_env, name);
  if (!text) return fallback;
  return static_cast<std::uint16_t>(detail::parse_unsigned(name, trim(*text), 0, 65535));
}

// The memory the process may use: the cgroup v2 limit when one is set, else the machine's RAM.
// Exported as process_memory_limit_bytes so alerts can express memory as a fraction.
double memory_limit_bytes() {
  std::ifstream cgroup("/sys/fs/cgroup/memory.max");
  std::string value;
  if (cgroup >> value && value != "max") {
    double bytes = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), bytes);
    if (ec == std::errc{} && bytes > 0) return bytes;
  }
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  double kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit) {
    if (key == "MemTotal:") return kib * 1024.0;
  }
  return 0;
}

}  // namespace

TelemetryOptions TelemetryOptions::from_env(std::string service_name, std::string service_version,
                                            std::uint16_t http_port) {
  TelemetryOptions options;
  options.tracing = TracerProviderOptions::from_env();
  // OTEL_SERVICE_NAME (read into tracing) wins over the agent's default name.
  const bool name_from_env =
      !env_or("OTEL_SERVICE_NAME", "").empty() || options.tracing.service_name != "unknown_service";
  options.service_name = name_from_env ? options.tracing.service_name : std::move(service_name);
  options.tracing.service_name = options.service_name;
  if (options.tracing.service_version.empty()) options.tracing.service_version = service_version;
  options.service_version = options.tracing.service_version;

  LoggerOptions log_defaults;
  log_defaults.service = options.service_name;
  options.logging = LoggerOptions::from_env(log_defaults);
  options.logging.service = options.service_name;
  options.log_export = OtlpLogExporterOptions::from_env();

  // Loopback unless told otherwise: /metrics, /ready and the routes are not for the world.
  options.http.address = env_or("EDAOBS_HTTP_ADDRESS", "127.0.0.1");
  options.http.port = port_from_env("EDAOBS_HTTP_PORT", http_port);
  return options;
}

Telemetry::Telemetry(TelemetryOptions options) : Telemetry(std::move(options), nullptr, false) {}

Telemetry::Telemetry(TelemetryOptions options, std::unique_ptr<SpanExporter> exporter)
    : Telemetry(std::move(options), std::move(exporter), true) {}

Telemetry::Telemetry(TelemetryOptions options, std::unique_ptr<SpanExporter> exporter,
                     bool use_exporter)
    : options_(std::move(options)) {
  registry_ = std::make_unique<Registry>(ConstLabels{{"service", options_.service_name}});
  readiness_ = std::make_unique<Readiness>();
  liveness_ = std::make_unique<Readiness>(Readiness::WhenEmpty::kReady);
  options_.tracing.service_name = options_.service_name;
  options_.tracing.service_version = options_.service_version;
  tracing_ = use_exporter ? std::make_unique<TracerProvider>(options_.tracing, std::move(exporter))
                          : std::make_unique<TracerProvider>(options_.tracing);
  // Log records carry the same resource as the spans (service.instance.id included).
  if (options_.log_export.enabled && !options_.logging.otlp_exporter) {
    log_exporter_ = std::make_shared<OtlpLogExporter>(options_.log_export, tracing_->resource(),
                                                      options_.logging.masked_keys);
    options_.logging.otlp_exporter = log_exporter_;
  } else {
    log_exporter_ = options_.logging.otlp_exporter;
  }
  options_.logging.service = options_.service_name;
  logger_ = std::make_unique<Logger>(options_.logging);
  register_process_metrics(*registry_);
  register_self_metrics();
  http_ = std::make_unique<HttpServer>(options_.http, *registry_, *readiness_, *liveness_);
}

Telemetry::~Telemetry() { shutdown(); }

Serving::~Serving() {
  if (telemetry_ != nullptr) telemetry_->stop_serving();
}

Serving Telemetry::serve() {
  http_->start();
  return Serving(*this);
}

void Telemetry::stop_serving() noexcept {
  try {
    http_->stop();
  } catch (...) {
    // Stopping is best effort: it runs from destructors.
  }
}

void Telemetry::shutdown() noexcept {
  if (shut_down_) return;
  shut_down_ = true;
  stop_serving();
  const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_timeout;
  const auto remaining = [&] {
    return std::max(std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now()),
                    std::chrono::milliseconds(0));
  };
  try {
    if (!tracing_->shutdown(options_.shutdown_timeout)) {
      logger_->warn("span export did not finish before the shutdown timeout",
                    {{"timeout_ms", options_.shutdown_timeout}});
    }
  } catch (...) {
    // Shutdown is best effort and must not throw from a destructor.
  }
  // The lines must reach the log exporter before it makes its last pass.
  logger_->flush(remaining());
  if (log_exporter_) {
    try {
      (void)log_exporter_->shutdown(remaining());
    } catch (...) {
    }
  }
}

void Telemetry::register_self_metrics() {
  const double limit = memory_limit_bytes();
  registry_->add_collect_callback([this, limit](CallbackSink& sink) {
    const TracerStats spans = tracing_->stats();
    sink.counter("telemetry_spans_started_total", "Recording spans started.",
                 static_cast<double>(spans.spans_started));
    sink.counter("telemetry_spans_exported_total", "Spans accepted by the OTLP endpoint.",
                 static_cast<double>(spans.spans_exported));
    sink.counter("telemetry_spans_dropped_total",
                 "Spans dropped because the export queue was full or closed.",
                 static_cast<double>(spans.spans_dropped));
    sink.counter(
        "telemetry_spans_failed_total",
        "Spans in batches whose export failed, or rejected by the endpoint (partial success).",
        static_cast<double>(spans.spans_failed));
    sink.counter("telemetry_export_failures_total", "Failed span export calls (batches).",
                 static_cast<double>(spans.export_failures));
    sink.gauge("telemetry_span_queue_size", "Spans waiting in the export queue.",
               static_cast<double>(spans.queue_size));
    const LoggerStats logs = logger_->stats();
    sink.counter("telemetry_log_lines_written_total", "Log lines written.",
                 static_cast<double>(logs.lines_written));
    sink.counter("telemetry_log_lines_dropped_total",
                 "Log lines dropped because the log queue was full or the write failed.",
                 static_cast<double>(logs.lines_dropped));
    const LogExportStats exported = log_exporter_ ? log_exporter_->stats() : LogExportStats{};
    sink.counter("telemetry_log_records_exported_total",
                 "Log records accepted by the OTLP endpoint.",
                 static_cast<double>(exported.exported));
    sink.counter("telemetry_log_records_dropped_total",
                 "Log records not sent over OTLP because the export queue was full or closed.",
                 static_cast<double>(exported.dropped));
    sink.counter("telemetry_log_records_failed_total",
                 "Log records in OTLP batches whose export failed or that the endpoint rejected.",
                 static_cast<double>(exported.failed));
    sink.counter("telemetry_log_export_failures_total", "Failed OTLP log export calls (batches).",
                 static_cast<double>(exported.export_failures));
    sink.gauge("telemetry_log_record_queue_size", "Log records waiting in the OTLP export queue.",
               static_cast<double>(exported.queue_size));
    if (limit > 0) {
      sink.gauge("process_memory_limit_bytes",
                 "Memory the process may use: the cgroup limit, else the machine's RAM.", limit);
    }
  });
}

}  // namespace edaobs::telemetry
