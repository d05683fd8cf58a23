#pragma once
// The binary form of one log call. The caller's thread captures everything that must be taken
// at the call site (message, fields, active span ids) into a compact record, with no escaping
// or number formatting, written straight into its queue slot (logs/record_queue.h); level, time
// and file:line travel beside it and reach the sink in spdlog's log_msg. The worker decodes the
// record and writes the JSON line.
//
// Layout (native byte order, produced and consumed by the same process):
//   u32 msg_len | u8 flags (1 = span ids follow, 2 = msg truncated) | u8 trace flags |
//   u16 field_count
//   [16 bytes trace id, 8 bytes span id]  msg bytes
//   field_count times: u8 type | u8 truncated | u16 key_len | u32 value_len | key | value
//   (value: string bytes, or 8 bytes of int64 / double / bool-as-int64)
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/logs/log_field.h"
#include "edaobs/telemetry/trace/span_context.h"

#include "logs/record_buffer.h"

namespace edaobs::telemetry {

// Appends the record for one call. String values (msg included) longer than max_value_bytes
// (0 = no limit) are cut at a UTF-8 boundary and flagged, so a record's size is bounded.
void encode_log_record(RecordBuffer& out, std::string_view msg, std::span<const LogField> fields,
                       const SpanContext& context, std::size_t max_value_bytes);

struct DecodedField {
  std::string_view key;
  LogValue value;
  bool truncated = false;
};

struct DecodedRecord {
  bool has_context = false;
  TraceId trace_id;
  SpanId span_id;
  std::uint8_t trace_flags = 0;  // W3C trace flags (bit 0: sampled) when has_context
  std::string_view msg;
  bool msg_truncated = false;
  std::vector<DecodedField> fields;  // reused between records by the worker
};

// False if `payload` is not a well-formed record (then `record` is unspecified).
bool decode_log_record(std::string_view payload, DecodedRecord& record);

// Longest prefix of `text` of at most `max_bytes` bytes that does not split a UTF-8 sequence.
std::size_t utf8_safe_cut(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace edaobs::telemetry
