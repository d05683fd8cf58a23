// OtlpLogExporterOptions::from_env: the OTEL_* variables that configure the log exporter, with
// the same strictness as the trace exporter's (a typo fails at startup).
#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "edaobs/core/config_error.h"
#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"
#include "edaobs/telemetry/sdk/trace/tracer_provider.h"

#include "common/env_values.h"

namespace edaobs::telemetry {
namespace {

using detail::bad_value;
using detail::parse_millis;
using detail::parse_unsigned;
using detail::read;

using Lookup = std::function<std::optional<std::string>(std::string_view)>;

void check_endpoint(std::string_view variable, const std::string& url) {
  try {
    (void)parse_http_endpoint(url);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(variable, e.what());
  }
}

}  // namespace

OtlpLogExporterOptions OtlpLogExporterOptions::from_env() { return from_env(detail::process_env); }

namespace {

// OTEL_SDK_DISABLED, OTEL_LOGS_EXPORTER.
void read_switches(const detail::EnvLookup& lookup, OtlpLogExporterOptions& options) {
  if (auto v = read(lookup, "OTEL_SDK_DISABLED")) {
    const std::string value = to_lower_ascii(trim(*v));
    if (value == "true") {
      options.enabled = false;
    } else if (value != "false") {
      throw bad_value("OTEL_SDK_DISABLED", *v, "expected true or false");
    }
  }
  if (auto v = read(lookup, "OTEL_LOGS_EXPORTER")) {
    const std::string exporter = to_lower_ascii(trim(*v));
    if (exporter == "none") {
      options.enabled = false;
    } else if (exporter != "otlp") {
      throw bad_value("OTEL_LOGS_EXPORTER", *v, "supported: otlp, none");
    }
  }
}

// OTEL_EXPORTER_OTLP_[LOGS_]{ENDPOINT,HEADERS,TIMEOUT,PROTOCOL,COMPRESSION}.
void read_exporter(const detail::EnvLookup& lookup, OtlpLogExporterOptions& options) {
  if (auto v = read(lookup, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")) {
    options.endpoint = std::string(trim(*v));
    check_endpoint("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", options.endpoint);
  } else if (auto base = read(lookup, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
    options.endpoint = otlp_logs_url_from_base(trim(*base));
    check_endpoint("OTEL_EXPORTER_OTLP_ENDPOINT", options.endpoint);
  }
  for (const char* name : {"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS"}) {
    if (auto v = read(lookup, name)) {
      for (auto& header : parse_key_value_list(name, *v)) {
        options.headers.push_back({std::move(header.first), std::move(header.second)});
      }
    }
  }
  if (auto v = read(lookup, "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT")) {
    options.timeout = parse_millis("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", *v, 1);
  } else if (auto t = read(lookup, "OTEL_EXPORTER_OTLP_TIMEOUT")) {
    options.timeout = parse_millis("OTEL_EXPORTER_OTLP_TIMEOUT", *t, 1);
  }
  // The signal-specific variable wins, so a general http/json meant for traces can be overridden.
  {
    const char* name = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL";
    std::optional<std::string> v = read(lookup, name);
    if (!v) {
      name = "OTEL_EXPORTER_OTLP_PROTOCOL";
      v = read(lookup, name);
    }
    if (v && to_lower_ascii(trim(*v)) != "http/protobuf") {
      throw bad_value(
          name, *v, "logs are sent as http/protobuf only (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL wins)");
    }
  }
  for (const char* name :
       {"OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION"}) {
    if (auto v = read(lookup, name)) {
      const std::string compression = to_lower_ascii(trim(*v));
      if (compression == "gzip") {
        options.compression = OtlpCompression::kGzip;
      } else if (compression == "none") {
        options.compression = OtlpCompression::kNone;
      } else {
        throw bad_value(name, *v, "supported: gzip, none");
      }
    }
  }
}

// OTEL_BLRP_*.
void read_batching(const detail::EnvLookup& lookup, OtlpLogExporterOptions& options) {
  // The ring's slots are preallocated: beyond this they alone would cost hundreds of megabytes.
  constexpr std::uint64_t kMaxQueue = 1U << 20;
  if (auto v = read(lookup, "OTEL_BLRP_MAX_QUEUE_SIZE")) {
    options.max_queue_size =
        static_cast<std::size_t>(parse_unsigned("OTEL_BLRP_MAX_QUEUE_SIZE", *v, 1, kMaxQueue));
  }
  if (auto v = read(lookup, "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE")) {
    options.max_export_batch_size = static_cast<std::size_t>(
        parse_unsigned("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", *v, 1, options.max_queue_size));
  }
  if (options.max_export_batch_size > options.max_queue_size) {
    options.max_export_batch_size =
        options.max_queue_size;  // a smaller queue set alone caps the batch
  }
  if (auto v = read(lookup, "OTEL_BLRP_SCHEDULE_DELAY")) {
    options.schedule_delay = parse_millis("OTEL_BLRP_SCHEDULE_DELAY", *v, 0);
  }
  if (auto v = read(lookup, "OTEL_BLRP_EXPORT_TIMEOUT")) {
    options.export_timeout = parse_millis("OTEL_BLRP_EXPORT_TIMEOUT", *v, 1);
  }
}

}  // namespace

OtlpLogExporterOptions OtlpLogExporterOptions::from_env(const Lookup& lookup) {
  OtlpLogExporterOptions options;
  read_switches(lookup, options);
  read_exporter(lookup, options);
  read_batching(lookup, options);
  return options;
}

}  // namespace edaobs::telemetry
