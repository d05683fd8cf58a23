#pragma once
// What a finished span hands to the processor and the exporter. SpanData objects are recycled
// (span -> queue -> exporter -> back to a producer thread) with their buffers, which is what keeps
// the sampled hot path free of allocations once warm.
#include <cstdint>
#include <string>
#include <vector>

#include "edaobs/telemetry/trace/attributes.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

// Values match the OTLP SpanKind enum minus one (OTLP reserves 0 for "unspecified").
enum class SpanKind : std::uint8_t { kInternal, kServer, kClient, kProducer, kConsumer };
// Values match the OTLP Status.code enum.
enum class StatusCode : std::uint8_t { kUnset, kOk, kError };

struct SpanLink {
  SpanContext context{};
  OwnedAttributes attributes{};
};

struct SpanEvent {
  std::string name{};
  std::uint64_t time_unix_nano = 0;
  AttributeList attributes{};
};

struct SpanData {
  // OpenTelemetry's default limits for events and links per span.
  static constexpr std::size_t kMaxEvents = 128;
  static constexpr std::size_t kMaxLinks = 128;

  SpanContext context;
  SpanId parent_span_id;  // all zeros for a root span
  bool parent_is_remote = false;
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  std::uint64_t start_unix_nano = 0;
  std::uint64_t end_unix_nano = 0;
  AttributeList attributes;
  std::vector<SpanEvent> events;
  std::vector<SpanLink> links;
  StatusCode status_code = StatusCode::kUnset;
  std::string status_message;
  std::uint32_t dropped_events = 0;
  std::uint32_t dropped_links = 0;

  // Back to the empty state, keeping buffer capacity (bounded, see the .cpp) for reuse.
  void reset() noexcept;
};

}  // namespace edaobs::telemetry
