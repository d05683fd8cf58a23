#pragma once
// The OTLP/HTTP protobuf encoding of an ExportTraceServiceRequest, written straight to the wire
// format with opentelemetry-proto's field numbers (no protobuf library): ids as bytes, times as
// fixed64, kind and status code as enum varints, flags as fixed32. Fields holding their proto3
// default are left out, except inside AnyValue's oneof, where the chosen member always is written.
#include <string>

#include "edaobs/telemetry/sdk/trace/attribute_limits.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/sdk/trace/span_exporter.h"

namespace edaobs::telemetry {

// Appends the request body for `spans` to `out` (so a caller can reuse one buffer).
// Span, event and link attributes obey `limits` (see attribute_limits.h).
void append_otlp_traces_protobuf(std::string& out, const Resource& resource, SpanBatch spans,
                                 const AttributeLimits& limits = {});
[[nodiscard]] std::string encode_otlp_traces_protobuf(const Resource& resource, SpanBatch spans,
                                                      const AttributeLimits& limits = {});

}  // namespace edaobs::telemetry
