#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"

#include <algorithm>

#include "otlp_common_proto.h"
#include "proto_writer.h"

namespace edaobs::telemetry {
namespace {

using detail::length_delimited_size;
using detail::proto_tag;
using detail::ProtoWriter;
using detail::scan_utf8;
using detail::Utf8Scan;
using detail::varint_size;
using detail::WireType;

using detail::otlp::kLen;
using detail::otlp::write_key_value;
using detail::otlp::write_scope;
namespace resource_fields = detail::otlp::resource_fields;

// Field numbers from opentelemetry-proto (collector/trace/v1, trace/v1, common/v1, resource/v1).
namespace request {
constexpr std::uint32_t kResourceSpans = proto_tag(1, kLen);
}  // namespace request
namespace resource_spans {
constexpr std::uint32_t kResource = proto_tag(1, kLen);
constexpr std::uint32_t kScopeSpans = proto_tag(2, kLen);
}  // namespace resource_spans
namespace scope_spans {
constexpr std::uint32_t kScope = proto_tag(1, kLen);
constexpr std::uint32_t kSpans = proto_tag(2, kLen);
}  // namespace scope_spans
namespace span {
constexpr std::uint32_t kTraceId = proto_tag(1, kLen);
constexpr std::uint32_t kSpanId = proto_tag(2, kLen);
constexpr std::uint32_t kTraceState = proto_tag(3, kLen);
constexpr std::uint32_t kParentSpanId = proto_tag(4, kLen);
constexpr std::uint32_t kName = proto_tag(5, kLen);
constexpr std::uint32_t kKind = proto_tag(6, WireType::kVarint);
constexpr std::uint32_t kStartTime = proto_tag(7, WireType::kFixed64);
constexpr std::uint32_t kEndTime = proto_tag(8, WireType::kFixed64);
constexpr std::uint32_t kAttributes = proto_tag(9, kLen);
constexpr std::uint32_t kDroppedAttributes = proto_tag(10, WireType::kVarint);
constexpr std::uint32_t kEvents = proto_tag(11, kLen);
constexpr std::uint32_t kDroppedEvents = proto_tag(12, WireType::kVarint);
constexpr std::uint32_t kLinks = proto_tag(13, kLen);
constexpr std::uint32_t kDroppedLinks = proto_tag(14, WireType::kVarint);
constexpr std::uint32_t kStatus = proto_tag(15, kLen);
constexpr std::uint32_t kFlags = proto_tag(16, WireType::kFixed32);
}  // namespace span
namespace event {
constexpr std::uint32_t kTime = proto_tag(1, WireType::kFixed64);
constexpr std::uint32_t kName = proto_tag(2, kLen);
constexpr std::uint32_t kAttributes = proto_tag(3, kLen);
constexpr std::uint32_t kDroppedAttributes = proto_tag(4, WireType::kVarint);
}  // namespace event
namespace link {
constexpr std::uint32_t kTraceId = proto_tag(1, kLen);
constexpr std::uint32_t kSpanId = proto_tag(2, kLen);
constexpr std::uint32_t kTraceState = proto_tag(3, kLen);
constexpr std::uint32_t kAttributes = proto_tag(4, kLen);
// 5 is dropped_attributes_count, never written: link attributes have no count limit.
constexpr std::uint32_t kFlags = proto_tag(6, WireType::kFixed32);
}  // namespace link
namespace status {
constexpr std::uint32_t kMessage = proto_tag(2, kLen);
constexpr std::uint32_t kCode = proto_tag(3, WireType::kVarint);
}  // namespace status
// OTLP SpanFlags: bit 8 says whether bit 9 (the context is remote) is known.
constexpr std::uint32_t kContextHasIsRemote = 0x100;
constexpr std::uint32_t kContextIsRemote = 0x200;

std::uint32_t otlp_flags(std::uint8_t trace_flags, bool is_remote) {
  return std::uint32_t{trace_flags} | kContextHasIsRemote | (is_remote ? kContextIsRemote : 0U);
}

void write_attributes(ProtoWriter& w, std::uint32_t tag, std::uint32_t dropped_tag,
                      const AttributeList& attributes, const AttributeLimits& limits) {
  const std::size_t kept = std::min(attributes.size(), limits.count);
  for (std::size_t i = 0; i < kept; ++i) {
    const AttributeKeyValue kv = attributes[i];
    write_key_value(w, tag, kv.key, limited(kv.value, limits));
  }
  const std::size_t dropped = attributes.dropped() + (attributes.size() - kept);
  if (dropped > 0) {
    w.varint_field(dropped_tag, dropped);
  }
}

// Links and the resource: no count limit here (links carry few; the resource is exempt).
void write_attributes(ProtoWriter& w, std::uint32_t tag, const OwnedAttributes& attributes,
                      const AttributeLimits& limits) {
  for (const auto& [key, value] : attributes) {
    write_key_value(w, tag, key, limited(view_of(value), limits));
  }
}

void write_event(ProtoWriter& w, const SpanEvent& e, const AttributeLimits& limits) {
  const std::size_t at = w.begin_message(span::kEvents);
  w.fixed64_field(event::kTime, e.time_unix_nano);
  w.string_field(event::kName, e.name);
  write_attributes(w, event::kAttributes, event::kDroppedAttributes, e.attributes, limits);
  w.end_message(at);
}

void write_link(ProtoWriter& w, const SpanLink& l, const AttributeLimits& limits) {
  const std::size_t at = w.begin_message(span::kLinks);
  w.bytes_field(link::kTraceId, l.context.trace_id.bytes.data(), l.context.trace_id.bytes.size());
  w.bytes_field(link::kSpanId, l.context.span_id.bytes.data(), l.context.span_id.bytes.size());
  if (!l.context.trace_state.empty()) {
    w.string_field(link::kTraceState, l.context.trace_state);
  }
  write_attributes(w, link::kAttributes, l.attributes, limits);
  w.fixed32_field(link::kFlags, otlp_flags(l.context.trace_flags, l.context.is_remote));
  w.end_message(at);
}

void write_status(ProtoWriter& w, const SpanData& s) {
  const auto code = static_cast<std::uint32_t>(s.status_code);
  const Utf8Scan message_scan = scan_utf8(s.status_message);
  const std::size_t message_size =
      s.status_message.empty() ? 0
                               : length_delimited_size(status::kMessage, message_scan.encoded_size);
  const std::size_t code_size = code == 0 ? 0 : 1 + varint_size(code);
  w.message_header(span::kStatus, message_size + code_size);
  if (message_size > 0) {
    w.string_field(status::kMessage, s.status_message, message_scan);
  }
  if (code_size > 0) {
    w.varint_field(status::kCode, code);
  }
}

void write_span(ProtoWriter& w, const SpanData& s, const AttributeLimits& limits) {
  const std::size_t at = w.begin_message(scope_spans::kSpans);
  w.bytes_field(span::kTraceId, s.context.trace_id.bytes.data(), s.context.trace_id.bytes.size());
  w.bytes_field(span::kSpanId, s.context.span_id.bytes.data(), s.context.span_id.bytes.size());
  if (!s.context.trace_state.empty()) {
    w.string_field(span::kTraceState, s.context.trace_state);
  }
  if (s.parent_span_id.valid()) {
    w.bytes_field(span::kParentSpanId, s.parent_span_id.bytes.data(),
                  s.parent_span_id.bytes.size());
  }
  w.string_field(span::kName, s.name);
  // OTLP SpanKind: 0 is UNSPECIFIED, then INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER.
  w.varint_field(span::kKind, static_cast<std::uint32_t>(s.kind) + 1);
  w.fixed64_field(span::kStartTime, s.start_unix_nano);
  w.fixed64_field(span::kEndTime, s.end_unix_nano);
  write_attributes(w, span::kAttributes, span::kDroppedAttributes, s.attributes, limits);
  for (const SpanEvent& e : s.events) {
    write_event(w, e, limits);
  }
  if (s.dropped_events > 0) {
    w.varint_field(span::kDroppedEvents, s.dropped_events);
  }
  for (const SpanLink& l : s.links) {
    write_link(w, l, limits);
  }
  if (s.dropped_links > 0) {
    w.varint_field(span::kDroppedLinks, s.dropped_links);
  }
  write_status(w, s);
  w.fixed32_field(span::kFlags, otlp_flags(s.context.trace_flags, s.parent_is_remote));
  w.end_message(at);
}

}  // namespace

void append_otlp_traces_protobuf(std::string& out, const Resource& resource, SpanBatch spans,
                                 const AttributeLimits& limits) {
  ProtoWriter w(out);
  const std::size_t resource_spans_at = w.begin_message(request::kResourceSpans);

  const std::size_t resource_at = w.begin_message(resource_spans::kResource);
  write_attributes(w, resource_fields::kAttributes, resource.attributes, AttributeLimits{});
  w.end_message(resource_at);

  const std::size_t scope_spans_at = w.begin_message(resource_spans::kScopeSpans);
  write_scope(w, scope_spans::kScope);
  for (const auto& s : spans) {
    write_span(w, *s, limits);
  }
  w.end_message(scope_spans_at);

  w.end_message(resource_spans_at);
}

std::string encode_otlp_traces_protobuf(const Resource& resource, SpanBatch spans,
                                        const AttributeLimits& limits) {
  std::string out;
  out.reserve(512 + spans.size() * 512);
  append_otlp_traces_protobuf(out, resource, spans, limits);
  return out;
}

}  // namespace edaobs::telemetry
