#pragma once
// The OTLP/HTTP JSON encoding of an ExportTraceServiceRequest (opentelemetry-proto's JSON
// mapping): lowerCamelCase field names, trace and span ids as lowercase hex, enums as integers,
// 64-bit integers (timestamps, intValue) as decimal strings.
#include <string>

#include "edaobs/telemetry/sdk/trace/attribute_limits.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/sdk/trace/span_exporter.h"

namespace edaobs::telemetry {

// Appends the request body for `spans` to `out` (so a caller can reuse one buffer).
// Span, event and link attributes obey `limits` (see attribute_limits.h).
void append_otlp_traces_json(std::string& out, const Resource& resource, SpanBatch spans,
                             const AttributeLimits& limits = {});
[[nodiscard]] std::string encode_otlp_traces_json(const Resource& resource, SpanBatch spans,
                                                  const AttributeLimits& limits = {});

}  // namespace edaobs::telemetry
