#include "logs/otlp_logs_protobuf.h"

#include <variant>

#include "common/json_text.h"
#include "trace/otlp_common_proto.h"

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
namespace any_value = detail::otlp::any_value;

// Field numbers from opentelemetry-proto (collector/logs/v1, logs/v1, common/v1, resource/v1),
// checked against the official Python bindings' descriptors.
namespace request {
constexpr std::uint32_t kResourceLogs = proto_tag(1, kLen);
}  // namespace request
namespace resource_logs {
constexpr std::uint32_t kResource = proto_tag(1, kLen);
constexpr std::uint32_t kScopeLogs = proto_tag(2, kLen);
}  // namespace resource_logs
namespace scope_logs {
constexpr std::uint32_t kScope = proto_tag(1, kLen);
constexpr std::uint32_t kLogRecords = proto_tag(2, kLen);
}  // namespace scope_logs
namespace log_record {
constexpr std::uint32_t kTime = proto_tag(1, WireType::kFixed64);
constexpr std::uint32_t kSeverityNumber = proto_tag(2, WireType::kVarint);
constexpr std::uint32_t kSeverityText = proto_tag(3, kLen);
constexpr std::uint32_t kBody = proto_tag(5, kLen);
constexpr std::uint32_t kAttributes = proto_tag(6, kLen);
constexpr std::uint32_t kFlags = proto_tag(8, WireType::kFixed32);
constexpr std::uint32_t kTraceId = proto_tag(9, kLen);
constexpr std::uint32_t kSpanId = proto_tag(10, kLen);
constexpr std::uint32_t kObservedTime = proto_tag(11, WireType::kFixed64);
}  // namespace log_record
constexpr std::string_view kCodeFilepath = "code.filepath";
constexpr std::string_view kCodeLineno = "code.lineno";

std::uint64_t unix_nanos(std::chrono::system_clock::time_point time) {
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
  return nanos < 0 ? 0 : static_cast<std::uint64_t>(nanos);
}

}  // namespace

std::uint32_t otlp_severity_number(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return 5;
    case LogLevel::kInfo:
      return 9;
    case LogLevel::kWarn:
      return 13;
    case LogLevel::kError:
      return 17;
  }
  return 0;
}

OtlpLogsProtobufWriter::OtlpLogsProtobufWriter(std::string& out, const Resource& resource,
                                               const MaskedKeys& masked)
    : masked_(masked), writer_((out.clear(), out)) {
  ProtoWriter& w = writer_;
  resource_logs_at_ = w.begin_message(request::kResourceLogs);
  const std::size_t resource_at = w.begin_message(resource_logs::kResource);
  for (const auto& [key, value] : resource.attributes) {
    write_key_value(w, resource_fields::kAttributes, key, view_of(value));
  }
  w.end_message(resource_at);
  scope_logs_at_ = w.begin_message(resource_logs::kScopeLogs);
  write_scope(w, scope_logs::kScope);
}

OtlpLogsProtobufWriter::~OtlpLogsProtobufWriter() {
  if (!finished_) {
    try {
      finish();
    } catch (...) {
      // Only an oversized message could throw; the body is then discarded by its owner.
    }
  }
}

void OtlpLogsProtobufWriter::finish() {
  finished_ = true;
  writer_.end_message(scope_logs_at_);
  writer_.end_message(resource_logs_at_);
}

void OtlpLogsProtobufWriter::write_string_value(std::uint32_t tag, std::string_view text,
                                                bool truncated) {
  if (truncated) {
    scratch_.assign(text);
    scratch_.append(json_text::kTruncatedMarker);
    text = scratch_;
  }
  const Utf8Scan scan = scan_utf8(text);
  writer_.message_header(tag, length_delimited_size(any_value::kString, scan.encoded_size));
  writer_.string_field(any_value::kString, text, scan);
}

void OtlpLogsProtobufWriter::add(const OtlpLogRecordInput& input) {
  ProtoWriter& w = writer_;
  const DecodedRecord& record = *input.record;
  const std::size_t at = w.begin_message(scope_logs::kLogRecords);
  const std::uint64_t time = unix_nanos(input.time);
  w.fixed64_field(log_record::kTime, time);
  w.varint_field(log_record::kSeverityNumber, otlp_severity_number(input.level));
  w.string_field(log_record::kSeverityText, to_string(input.level));
  write_string_value(log_record::kBody, record.msg, record.msg_truncated);

  for (const DecodedField& field : record.fields) {
    if (!masked_.empty() && masked_.contains(field.key)) {
      write_key_value(w, log_record::kAttributes, field.key, AttributeValueView(MaskedKeys::kMask));
    } else if (const auto* text = std::get_if<std::string_view>(&field.value)) {
      std::string_view value = *text;
      if (field.truncated) {
        scratch_.assign(value);
        scratch_.append(json_text::kTruncatedMarker);
        value = scratch_;
      }
      write_key_value(w, log_record::kAttributes, field.key, AttributeValueView(value));
    } else if (const auto* integer = std::get_if<std::int64_t>(&field.value)) {
      write_key_value(w, log_record::kAttributes, field.key, AttributeValueView(*integer));
    } else if (const auto* number = std::get_if<double>(&field.value)) {
      write_key_value(w, log_record::kAttributes, field.key, AttributeValueView(*number));
    } else {
      write_key_value(w, log_record::kAttributes, field.key,
                      AttributeValueView(std::get<bool>(field.value)));
    }
  }
  write_key_value(w, log_record::kAttributes, kCodeFilepath,
                  AttributeValueView(std::string_view(input.file)));
  write_key_value(w, log_record::kAttributes, kCodeLineno,
                  AttributeValueView(static_cast<std::int64_t>(input.line)));

  if (record.has_context) {
    w.fixed32_field(log_record::kFlags, record.trace_flags);
    w.bytes_field(log_record::kTraceId, record.trace_id.bytes.data(), record.trace_id.bytes.size());
    w.bytes_field(log_record::kSpanId, record.span_id.bytes.data(), record.span_id.bytes.size());
  }
  w.fixed64_field(log_record::kObservedTime, time);
  w.end_message(at);
  ++records_;
}

}  // namespace edaobs::telemetry
