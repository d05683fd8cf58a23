#include "edaobs/telemetry/sdk/trace/tracer_provider.h"

#include <stdexcept>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"

namespace edaobs::telemetry {
namespace {

Resource resource_for(const TracerProviderOptions& options) {
  const std::string instance_id =
      options.service_instance_id.empty() ? random_uuid() : options.service_instance_id;
  return make_resource(options.service_name, options.service_version, instance_id,
                       options.resource_attributes);
}

}  // namespace

TracerProvider::TracerProvider(const TracerProviderOptions& options)
    : options_(options), resource_(resource_for(options)) {
  std::unique_ptr<SpanExporter> exporter;
  if (options_.enabled) {
    exporter = std::make_unique<OtlpHttpExporter>(
        OtlpHttpExporterOptions{
            .endpoint = options_.otlp_traces_endpoint,
            .protocol = options_.otlp_protocol,
            .compression = options_.otlp_compression,
            .attribute_limits = options_.attribute_limits,
            .headers = options_.otlp_headers,
            .timeout = options_.otlp_timeout,
        },
        resource_);
  }
  start(std::move(exporter));
}

TracerProvider::TracerProvider(const TracerProviderOptions& options,
                               std::unique_ptr<SpanExporter> exporter)
    : options_(options), resource_(resource_for(options)) {
  start(std::move(exporter));
}

void TracerProvider::start(std::unique_ptr<SpanExporter> exporter) {
  if (options_.enabled) {
    if (!exporter) {
      throw std::invalid_argument("TracerProvider: exporter is null");
    }
    processor_ = std::make_unique<BatchSpanProcessor>(options_.batch, std::move(exporter));
  }
  tracer_ = std::make_unique<Tracer>(options_.sampler, processor_.get());
}

TracerProvider::~TracerProvider() { shutdown(); }

bool TracerProvider::force_flush(std::chrono::milliseconds timeout) {
  return processor_ ? processor_->force_flush(timeout) : true;
}

bool TracerProvider::shutdown(std::chrono::milliseconds timeout) {
  return processor_ ? processor_->shutdown(timeout) : true;
}

TracerStats TracerProvider::stats() const noexcept {
  // spans_started is read last: a span ends after it starts, so started >= ended still holds.
  TracerStats stats = processor_ ? processor_->stats() : TracerStats{};
  stats.spans_started = tracer_->spans_started();
  return stats;
}

}  // namespace edaobs::telemetry
