#pragma once
// The event envelope: CloudEvents 1.0 in Kafka binary content mode (docs/architecture.md §4.1).
//   ce_specversion=1.0, ce_id, ce_source, ce_type, ce_time (RFC 3339), optional ce_subject,
//   content-type: application/json, the data as the record value, key = subject by default.
// Trace context (traceparent/tracestate) travels in the same headers but is not part of the
// event: the producer injects it and the consumer extracts it (see header_carrier.h).
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "edaobs/kafka/common/expected.h"
#include "edaobs/kafka/envelope/header.h"

namespace edaobs::kafka {

namespace header_names {
inline constexpr std::string_view kSpecVersion = "ce_specversion";
inline constexpr std::string_view kId = "ce_id";
inline constexpr std::string_view kSource = "ce_source";
inline constexpr std::string_view kType = "ce_type";
inline constexpr std::string_view kTime = "ce_time";
inline constexpr std::string_view kSubject = "ce_subject";
inline constexpr std::string_view kContentType = "content-type";
inline constexpr std::string_view kTraceparent = "traceparent";
inline constexpr std::string_view kTracestate = "tracestate";
}  // namespace header_names

inline constexpr std::string_view kCloudEventsSpecVersion = "1.0";
inline constexpr std::string_view kJsonContentType = "application/json";

struct Event {
  std::string id;
  std::string source;
  std::string type;
  std::string time;  // RFC 3339, see rfc3339.h
  std::optional<std::string> subject;
  std::string data;  // JSON text
  // Headers carried along that are not envelope attributes (CloudEvents extensions such as
  // ce_tenant, application headers). Decoding fills it with every non-envelope, non-trace header.
  HeaderList extra_headers;
  // Record key; when unset the subject is the key (ordering per subject), and without a subject
  // the record has no key (librdkafka spreads such records over partitions). Decoding sets it
  // only when the record key differs from the subject.
  std::optional<std::string> key;

  friend bool operator==(const Event&, const Event&) = default;
};

struct EncodedRecord {
  std::optional<std::string> key;
  std::string value;
  HeaderList headers;
};

[[nodiscard]] EncodedRecord encode(const Event& event);

// Why a consumed record is not a valid event. The names (to_string) are stable: they become the
// `error` label of event_errors_total and the prefix of the DLQ `dlq_reason` header.
enum class DecodeErrorCode {
  kMissingHeader,   // a required header is absent or empty (detail = header name)
  kBadSpecVersion,  // ce_specversion is not "1.0"
  kBadContentType,  // content-type is not application/json (parameters such as charset allowed)
  kBadJson,         // the value is not well-formed JSON (or not an object, see DataShape)
  kOversized,       // key + value + headers exceed DecodeOptions::max_record_bytes
  kBadTime,         // ce_time is not an RFC 3339 timestamp
};
[[nodiscard]] std::string_view to_string(DecodeErrorCode code) noexcept;

struct DecodeError {
  DecodeErrorCode code;
  std::string detail;  // header name for kMissingHeader, otherwise human-readable text
  // Best effort, from the headers, for metric labels of a record that failed ("" when absent).
  std::string event_type;
  std::string source;

  // "missing_header:ce_id" for a missing header, otherwise to_string(code): the DLQ reason.
  [[nodiscard]] std::string reason() const;
};

// A consumed record, borrowed. Null key = no key.
struct RecordView {
  std::optional<std::string_view> key;
  std::string_view value;
  std::span<const HeaderView> headers;
};

// What `data` must be. Events in this platform carry structured payloads that the agents read
// and enrich, so the default demands a JSON object; kAnyJsonValue accepts any JSON text
// (CloudEvents itself allows any value for application/json).
enum class DataShape { kJsonObject, kAnyJsonValue };

struct DecodeOptions {
  std::size_t max_record_bytes = 1024 * 1024;
  DataShape data_shape = DataShape::kJsonObject;
};

using DecodeResult = Expected<Event, DecodeError>;

// Strict decoding, checks in this order: size, required headers (ce_specversion, ce_id,
// ce_source, ce_type, ce_time, content-type), spec version, content type, time, JSON.
// Duplicate headers: the last one wins (Kafka semantics of "the" header value).
[[nodiscard]] DecodeResult decode(const RecordView& record, const DecodeOptions& options = {});

}  // namespace edaobs::kafka
