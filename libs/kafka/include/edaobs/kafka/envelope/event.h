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

#include "edaobs/core/expected.h"
#include "edaobs/core/header.h"

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

// Why a consumed record is not a valid event: the Failure reasons of decode(). They are stable
// and low-cardinality: the DLQ `dlq_reason` header, the `error` label of event_errors_total and
// the span's error.type; the Failure's detail says which header or what text was wrong.
namespace decode_reasons {
inline constexpr std::string_view kMissingHeader = "missing_header";     // absent or empty
inline constexpr std::string_view kBadSpecVersion = "bad_specversion";   // not "1.0"
inline constexpr std::string_view kBadContentType = "bad_content_type";  // not application/json
inline constexpr std::string_view kBadJson =
    "bad_json";  // not well-formed (or not an object, see DataShape)
inline constexpr std::string_view kOversized =
    "oversized";                                          // beyond DecodeOptions::max_record_bytes
inline constexpr std::string_view kBadTime = "bad_time";  // ce_time is not RFC 3339
}  // namespace decode_reasons

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

using DecodeResult = Expected<Event>;

// Strict decoding, checks in this order: size, required headers (ce_specversion, ce_id,
// ce_source, ce_type, ce_time, content-type), spec version, content type, time, JSON.
// Duplicate headers: the last one wins (Kafka semantics of "the" header value).
[[nodiscard]] DecodeResult decode(const RecordView& record, const DecodeOptions& options = {});

// The value of the last header named `key` (Kafka semantics of "the" header), if any.
[[nodiscard]] std::optional<std::string_view> last_header(std::span<const HeaderView> headers,
                                                          std::string_view key) noexcept;

}  // namespace edaobs::kafka
