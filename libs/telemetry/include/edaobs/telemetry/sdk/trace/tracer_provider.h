#pragma once
// Owns the tracing pipeline: sampler + tracer, batch span processor (one worker thread, bounded
// queue) and exporter (OTLP/HTTP, protobuf by default, unless one is injected). Configured from
// the standard OTEL_* variables. Shuts down (flushing what is queued) when destroyed; every Span
// must have ended by then.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edaobs/telemetry/sdk/trace/batch_span_processor.h"
#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/sdk/trace/sampler.h"
#include "edaobs/telemetry/sdk/trace/span_exporter.h"
#include "edaobs/telemetry/sdk/trace/tracer_stats.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/tracer.h"

namespace edaobs::telemetry {

struct TracerProviderOptions {
  std::string service_name = "unknown_service";
  std::string service_version{};
  std::string service_instance_id{};  // empty: a random UUID per provider
  std::vector<std::pair<std::string, std::string>> resource_attributes{};
  SamplerOptions sampler{};  // default parentbased_always_on
  std::string otlp_traces_endpoint = "http://localhost:4318/v1/traces";  // full URL
  OtlpProtocol otlp_protocol = OtlpProtocol::kHttpProtobuf;
  OtlpCompression otlp_compression = OtlpCompression::kNone;
  AttributeLimits attribute_limits{};  // applied when spans are exported
  HeaderList otlp_headers{};
  std::chrono::milliseconds otlp_timeout{10000};  // one export attempt
  BatchSpanProcessorOptions batch{};
  // false: no worker, no exporter; spans never record and pass the parent context through.
  bool enabled = true;

  // Reads, over the defaults above:
  //   OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES (k=v,k=v, percent-decoded; service.name,
  //   service.version and service.instance.id in it fill the fields above),
  //   OTEL_EXPORTER_OTLP_ENDPOINT (base URL, "/v1/traces" appended),
  //   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is, wins), OTEL_EXPORTER_OTLP_[TRACES_]HEADERS,
  //   OTEL_EXPORTER_OTLP_[TRACES_]TIMEOUT (ms), OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL
  //   (http/protobuf, the default, or http/json; grpc is refused),
  //   OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION (gzip or none, the default),
  //   OTEL_[SPAN_]ATTRIBUTE_VALUE_LENGTH_LIMIT (bytes; default none) and
  //   OTEL_[SPAN_]ATTRIBUTE_COUNT_LIMIT (1..128, default 128), the SPAN_ form winning,
  //   OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG, OTEL_BSP_MAX_QUEUE_SIZE,
  //   OTEL_BSP_MAX_EXPORT_BATCH_SIZE, OTEL_BSP_SCHEDULE_DELAY (ms), OTEL_BSP_EXPORT_TIMEOUT (ms),
  //   OTEL_SDK_DISABLED (true/false), OTEL_TRACES_EXPORTER (otlp or none).
  // Unset or empty variables keep the default. A bad value throws std::invalid_argument whose
  // message starts with the variable's name.
  static TracerProviderOptions from_env();
  // The same, reading variables through `lookup` (tests).
  static TracerProviderOptions from_env(
      const std::function<std::optional<std::string>(std::string_view)>& lookup);
};

class TracerProvider {
 public:
  // Exports with OTLP/HTTP (otlp_protocol, otlp_compression). Throws std::invalid_argument for
  // bad options (e.g. https://).
  explicit TracerProvider(const TracerProviderOptions& options);
  // Exports with `exporter` (tests, custom sinks).
  TracerProvider(const TracerProviderOptions& options, std::unique_ptr<SpanExporter> exporter);
  ~TracerProvider();
  TracerProvider(const TracerProvider&) = delete;
  TracerProvider& operator=(const TracerProvider&) = delete;

  [[nodiscard]] Tracer& tracer() noexcept { return *tracer_; }
  // Exports everything ended before the call; false on timeout. True when disabled.
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Idempotent: exports what is queued, stops the worker, closes the exporter. Spans ending
  // afterwards are dropped (and counted). False if the timeout cut the export short.
  bool shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  [[nodiscard]] TracerStats stats() const noexcept;
  [[nodiscard]] const Resource& resource() const noexcept { return resource_; }
  [[nodiscard]] const TracerProviderOptions& options() const noexcept { return options_; }

 private:
  void start(std::unique_ptr<SpanExporter> exporter);

  TracerProviderOptions options_;
  Resource resource_;
  std::unique_ptr<BatchSpanProcessor> processor_;  // null when disabled
  std::unique_ptr<Tracer> tracer_;
};

// Parses "k1=v1,k2=v2" with percent-decoded values (the OTEL_RESOURCE_ATTRIBUTES and
// OTEL_EXPORTER_OTLP_HEADERS format). Empty members are skipped. Throws std::invalid_argument
// starting with `variable` on a member without '=', an empty key or a bad %-escape.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_key_value_list(
    std::string_view variable, std::string_view value);

}  // namespace edaobs::telemetry
