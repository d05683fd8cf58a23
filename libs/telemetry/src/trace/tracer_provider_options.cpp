// TracerProviderOptions::from_env: the OTEL_* environment variables of the OpenTelemetry SDK
// configuration specification, validated strictly (a typo should fail at startup, not silently
// fall back to a default).
#include <charconv>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#include "edaobs/core/config_error.h"
#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"
#include "edaobs/telemetry/sdk/trace/tracer_provider.h"

#include "common/env_values.h"

namespace edaobs::telemetry {
namespace {

using detail::bad_value;
using detail::parse_millis;
using detail::parse_unsigned;
using detail::read;

using Lookup = std::function<std::optional<std::string>(std::string_view)>;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view variable, std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    const int hi = i + 2 < raw.size() ? hex_digit(raw[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_digit(raw[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      throw bad_value(variable, raw, "bad percent-encoding");
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// A non-empty value of `name`, or nullopt when unset or empty (both mean "default").
bool parse_bool(std::string_view variable, std::string_view raw) {
  const std::string_view value = trim(raw);
  if (iequals_ascii(value, "true")) return true;
  if (iequals_ascii(value, "false")) return false;
  throw bad_value(variable, raw, "expected true or false");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_key_value_list(std::string_view variable,
                                                                      std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    const std::string_view member = trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    if (member.empty()) {
      continue;
    }
    const std::size_t eq = member.find('=');
    if (eq == std::string_view::npos) {
      throw bad_value(variable, member, "expected key=value");
    }
    const std::string_view key = trim(member.substr(0, eq));
    if (key.empty()) {
      throw bad_value(variable, member, "empty key");
    }
    out.emplace_back(percent_decode(variable, key),
                     percent_decode(variable, trim(member.substr(eq + 1))));
  }
  return out;
}

TracerProviderOptions TracerProviderOptions::from_env() { return from_env(detail::process_env); }

namespace {

// OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER.
void read_sdk_switches(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  if (auto v = read(lookup, "OTEL_SDK_DISABLED")) {
    options.enabled = !parse_bool("OTEL_SDK_DISABLED", *v);
  }
  if (auto v = read(lookup, "OTEL_TRACES_EXPORTER")) {
    const std::string exporter = to_lower_ascii(trim(*v));
    if (exporter == "none") {
      options.enabled = false;
    } else if (exporter != "otlp") {
      throw bad_value("OTEL_TRACES_EXPORTER", *v, "supported: otlp, none");
    }
  }
}

// OTEL_RESOURCE_ATTRIBUTES (service.* among them), OTEL_SERVICE_NAME.
void read_resource(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  if (auto v = read(lookup, "OTEL_RESOURCE_ATTRIBUTES")) {
    options.resource_attributes = parse_key_value_list("OTEL_RESOURCE_ATTRIBUTES", *v);
    for (const auto& [key, value] : options.resource_attributes) {
      if (key == "service.name") {
        options.service_name = value;
      } else if (key == "service.version") {
        options.service_version = value;
      } else if (key == "service.instance.id") {
        options.service_instance_id = value;
      }
    }
  }
  if (auto v = read(lookup, "OTEL_SERVICE_NAME")) {
    options.service_name = std::string(trim(*v));
  }
}

// OTEL_EXPORTER_OTLP_[TRACES_]{ENDPOINT,HEADERS,TIMEOUT,PROTOCOL,COMPRESSION}.
void read_otlp_exporter(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  if (auto v = read(lookup, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
    options.otlp_traces_endpoint = std::string(trim(*v));
    try {
      (void)parse_http_endpoint(options.otlp_traces_endpoint);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", e.what());
    }
  } else if (auto base = read(lookup, "OTEL_EXPORTER_OTLP_ENDPOINT")) {
    options.otlp_traces_endpoint = otlp_traces_url_from_base(trim(*base));
    try {
      (void)parse_http_endpoint(options.otlp_traces_endpoint);
    } catch (const std::invalid_argument& e) {
      throw ConfigError("OTEL_EXPORTER_OTLP_ENDPOINT", e.what());
    }
  }
  for (const char* name : {"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"}) {
    if (auto v = read(lookup, name)) {
      for (auto& header : parse_key_value_list(name, *v)) {
        options.otlp_headers.push_back({std::move(header.first), std::move(header.second)});
      }
    }
  }
  if (auto v = read(lookup, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")) {
    options.otlp_timeout = parse_millis("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", *v, 1);
  } else if (auto t = read(lookup, "OTEL_EXPORTER_OTLP_TIMEOUT")) {
    options.otlp_timeout = parse_millis("OTEL_EXPORTER_OTLP_TIMEOUT", *t, 1);
  }
  // The signal-specific variable wins over the general one (read second, it overrides).
  for (const char* name : {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"}) {
    if (auto v = read(lookup, name)) {
      const std::string protocol = to_lower_ascii(trim(*v));
      if (protocol == "http/protobuf") {
        options.otlp_protocol = OtlpProtocol::kHttpProtobuf;
      } else if (protocol == "http/json") {
        options.otlp_protocol = OtlpProtocol::kHttpJson;
      } else {
        throw bad_value(name, *v, "supported: http/protobuf (the default), http/json; grpc is not");
      }
    }
  }
  for (const char* name :
       {"OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"}) {
    if (auto v = read(lookup, name)) {
      const std::string compression = to_lower_ascii(trim(*v));
      if (compression == "gzip") {
        options.otlp_compression = OtlpCompression::kGzip;
      } else if (compression == "none") {
        options.otlp_compression = OtlpCompression::kNone;
      } else {
        throw bad_value(name, *v, "supported: gzip, none");
      }
    }
  }
}

// OTEL_[SPAN_]ATTRIBUTE_{VALUE_LENGTH,COUNT}_LIMIT.
void read_attribute_limits(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  for (const char* name :
       {"OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT"}) {
    if (auto v = read(lookup, name)) {
      options.attribute_limits.value_length = static_cast<std::size_t>(parse_unsigned(name, *v, 0));
    }
  }
  for (const char* name : {"OTEL_ATTRIBUTE_COUNT_LIMIT", "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT"}) {
    if (auto v = read(lookup, name)) {
      const std::uint64_t count = parse_unsigned(name, *v, 0);
      // Spans record at most this many (their storage is sized for it); more cannot be exported.
      if (count > AttributeList::kDefaultCountLimit) {
        throw bad_value(name, *v, "at most 128, the number of attributes a span records");
      }
      options.attribute_limits.count = static_cast<std::size_t>(count);
    }
  }
}

// OTEL_TRACES_SAMPLER[_ARG].
void read_sampler(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  const std::optional<std::string> sampler_arg = read(lookup, "OTEL_TRACES_SAMPLER_ARG");
  if (auto v = read(lookup, "OTEL_TRACES_SAMPLER")) {
    options.sampler = SamplerOptions::parse(
        to_lower_ascii(trim(*v)),
        sampler_arg ? std::optional<std::string_view>(trim(*sampler_arg)) : std::nullopt);
  }
}

// OTEL_BSP_*.
void read_batch(const detail::EnvLookup& lookup, TracerProviderOptions& options) {
  if (auto v = read(lookup, "OTEL_BSP_MAX_QUEUE_SIZE")) {
    options.batch.max_queue_size =
        static_cast<std::size_t>(parse_unsigned("OTEL_BSP_MAX_QUEUE_SIZE", *v, 1));
  }
  if (auto v = read(lookup, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")) {
    options.batch.max_export_batch_size =
        static_cast<std::size_t>(parse_unsigned("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", *v, 1));
    if (options.batch.max_export_batch_size > options.batch.max_queue_size) {
      throw bad_value("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", *v,
                      "must not exceed OTEL_BSP_MAX_QUEUE_SIZE");
    }
  }
  if (auto v = read(lookup, "OTEL_BSP_SCHEDULE_DELAY")) {
    options.batch.schedule_delay = parse_millis("OTEL_BSP_SCHEDULE_DELAY", *v, 0);
  }
  if (auto v = read(lookup, "OTEL_BSP_EXPORT_TIMEOUT")) {
    options.batch.export_timeout = parse_millis("OTEL_BSP_EXPORT_TIMEOUT", *v, 1);
  }
}

}  // namespace

TracerProviderOptions TracerProviderOptions::from_env(const Lookup& lookup) {
  TracerProviderOptions options;
  read_sdk_switches(lookup, options);
  read_resource(lookup, options);
  read_otlp_exporter(lookup, options);
  read_attribute_limits(lookup, options);
  read_sampler(lookup, options);
  read_batch(lookup, options);
  return options;
}

}  // namespace edaobs::telemetry
