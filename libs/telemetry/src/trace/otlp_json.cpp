#include "edaobs/telemetry/sdk/trace/otlp_json.h"

#include <algorithm>

#include "json_writer.h"

namespace edaobs::telemetry {
namespace {

using detail::JsonWriter;

// OTLP SpanFlags: bit 8 says whether bit 9 (the context is remote) is known.
constexpr std::uint32_t kContextHasIsRemote = 0x100;
constexpr std::uint32_t kContextIsRemote = 0x200;

std::uint32_t otlp_flags(std::uint8_t trace_flags, bool is_remote) {
  return std::uint32_t{trace_flags} | kContextHasIsRemote | (is_remote ? kContextIsRemote : 0U);
}

void write_any_value(JsonWriter& w, const AttributeValueView& value) {
  w.begin_object();
  std::visit(
      [&w](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          w.member("boolValue", v);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          w.key("intValue");
          w.integer_string(v);
        } else if constexpr (std::is_same_v<T, double>) {
          w.member("doubleValue", v);
        } else {
          w.member("stringValue", v);
        }
      },
      value);
  w.end_object();
}

void write_key_value(JsonWriter& w, std::string_view key, const AttributeValueView& value) {
  w.begin_object();
  w.member("key", key);
  w.key("value");
  write_any_value(w, value);
  w.end_object();
}

void write_attributes(JsonWriter& w, const AttributeList& attributes,
                      const AttributeLimits& limits) {
  const std::size_t kept = std::min(attributes.size(), limits.count);
  w.key("attributes");
  w.begin_array();
  for (std::size_t i = 0; i < kept; ++i) {
    const AttributeKeyValue kv = attributes[i];
    write_key_value(w, kv.key, limited(kv.value, limits));
  }
  w.end_array();
  const std::size_t dropped = attributes.dropped() + (attributes.size() - kept);
  if (dropped > 0) {
    w.member("droppedAttributesCount", static_cast<std::uint64_t>(dropped));
  }
}

// Links and the resource: no count limit here (links carry few; the resource is exempt).
void write_attributes(JsonWriter& w, const OwnedAttributes& attributes,
                      const AttributeLimits& limits) {
  w.key("attributes");
  w.begin_array();
  for (const auto& [key, value] : attributes) {
    write_key_value(w, key, limited(view_of(value), limits));
  }
  w.end_array();
}

template <std::size_t N>
void write_hex_member(JsonWriter& w, const char (&key)[N], const TraceId& id) {
  char hex[32];
  id.write_hex(hex);
  w.member(key, std::string_view(hex, sizeof(hex)));
}

template <std::size_t N>
void write_hex_member(JsonWriter& w, const char (&key)[N], const SpanId& id) {
  char hex[16];
  id.write_hex(hex);
  w.member(key, std::string_view(hex, sizeof(hex)));
}

void write_events(JsonWriter& w, const SpanData& span, const AttributeLimits& limits) {
  w.key("events");
  w.begin_array();
  for (const SpanEvent& event : span.events) {
    w.begin_object();
    w.key("timeUnixNano");
    w.integer_string(event.time_unix_nano);
    w.member("name", event.name);
    write_attributes(w, event.attributes, limits);
    w.end_object();
  }
  w.end_array();
}

void write_links(JsonWriter& w, const SpanData& span, const AttributeLimits& limits) {
  w.key("links");
  w.begin_array();
  for (const SpanLink& link : span.links) {
    w.begin_object();
    write_hex_member(w, "traceId", link.context.trace_id);
    write_hex_member(w, "spanId", link.context.span_id);
    if (!link.context.trace_state.empty()) {
      w.member("traceState", link.context.trace_state);
    }
    write_attributes(w, link.attributes, limits);
    w.member("flags", otlp_flags(link.context.trace_flags, link.context.is_remote));
    w.end_object();
  }
  w.end_array();
}

void write_span(JsonWriter& w, const SpanData& span, const AttributeLimits& limits) {
  w.begin_object();
  write_hex_member(w, "traceId", span.context.trace_id);
  write_hex_member(w, "spanId", span.context.span_id);
  if (!span.context.trace_state.empty()) {
    w.member("traceState", span.context.trace_state);
  }
  if (span.parent_span_id.valid()) {
    write_hex_member(w, "parentSpanId", span.parent_span_id);
  }
  w.member("flags", otlp_flags(span.context.trace_flags, span.parent_is_remote));
  w.member("name", span.name);
  // OTLP SpanKind: 0 is UNSPECIFIED, then INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER.
  w.member("kind", static_cast<int>(span.kind) + 1);
  w.key("startTimeUnixNano");
  w.integer_string(span.start_unix_nano);
  w.key("endTimeUnixNano");
  w.integer_string(span.end_unix_nano);
  write_attributes(w, span.attributes, limits);

  write_events(w, span, limits);
  if (span.dropped_events > 0) {
    w.member("droppedEventsCount", span.dropped_events);
  }

  write_links(w, span, limits);
  if (span.dropped_links > 0) {
    w.member("droppedLinksCount", span.dropped_links);
  }

  w.key("status");
  w.begin_object();
  if (!span.status_message.empty()) {
    w.member("message", span.status_message);
  }
  w.member("code", static_cast<int>(span.status_code));
  w.end_object();
  w.end_object();
}

}  // namespace

void append_otlp_traces_json(std::string& out, const Resource& resource, SpanBatch spans,
                             const AttributeLimits& limits) {
  JsonWriter w(out);
  w.begin_object();
  w.key("resourceSpans");
  w.begin_array();
  w.begin_object();

  w.key("resource");
  w.begin_object();
  write_attributes(w, resource.attributes, AttributeLimits{});
  w.end_object();

  w.key("scopeSpans");
  w.begin_array();
  w.begin_object();
  w.key("scope");
  w.begin_object();
  w.member("name", kInstrumentationScopeName);
  w.member("version", kTelemetrySdkVersion);
  w.end_object();
  w.key("spans");
  w.begin_array();
  for (const auto& span : spans) {
    write_span(w, *span, limits);
  }
  w.end_array();
  w.end_object();
  w.end_array();

  w.end_object();
  w.end_array();
  w.end_object();
}

std::string encode_otlp_traces_json(const Resource& resource, SpanBatch spans,
                                    const AttributeLimits& limits) {
  std::string out;
  out.reserve(512 + spans.size() * 512);
  append_otlp_traces_json(out, resource, spans, limits);
  return out;
}

}  // namespace edaobs::telemetry
