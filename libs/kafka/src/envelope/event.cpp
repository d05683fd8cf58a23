#include "edaobs/kafka/envelope/event.h"

#include <algorithm>
#include <array>

#include "edaobs/core/text.h"
#include "edaobs/kafka/envelope/rfc3339.h"

#include "envelope/json_validation.h"

namespace edaobs::kafka {
namespace {

namespace names = header_names;

bool is_envelope_or_trace_header(std::string_view key) noexcept {
  static constexpr std::array kReserved{
      names::kSpecVersion, names::kId,          names::kSource,
      names::kType,        names::kTime,        names::kSubject,
      names::kContentType, names::kTraceparent, names::kTracestate};
  return std::find(kReserved.begin(), kReserved.end(), key) != kReserved.end();
}

// Media type comparison ignores case and parameters: "Application/JSON; charset=utf-8" is JSON.
bool is_json_media_type(std::string_view content_type) noexcept {
  return iequals_ascii(trim(content_type.substr(0, content_type.find(';'))), kJsonContentType);
}

std::size_t record_bytes(const RecordView& record) noexcept {
  std::size_t total = record.value.size() + (record.key ? record.key->size() : 0U);
  for (const auto& header : record.headers) total += header.key.size() + header.value.size();
  return total;
}

}  // namespace

EncodedRecord encode(const Event& event) {
  EncodedRecord record;
  if (event.key) {
    record.key = event.key;
  } else if (event.subject) {
    record.key = event.subject;
  }
  record.value = event.data;
  record.headers.reserve(7 + event.extra_headers.size());
  record.headers.push_back(
      {std::string(names::kSpecVersion), std::string(kCloudEventsSpecVersion)});
  record.headers.push_back({std::string(names::kId), event.id});
  record.headers.push_back({std::string(names::kSource), event.source});
  record.headers.push_back({std::string(names::kType), event.type});
  record.headers.push_back({std::string(names::kTime), event.time});
  if (event.subject) record.headers.push_back({std::string(names::kSubject), *event.subject});
  record.headers.push_back({std::string(names::kContentType), std::string(kJsonContentType)});
  record.headers.insert(record.headers.end(), event.extra_headers.begin(),
                        event.extra_headers.end());
  return record;
}

std::optional<std::string_view> last_header(std::span<const HeaderView> headers,
                                            std::string_view key) noexcept {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->key == key) return it->value;
  }
  return std::nullopt;
}

DecodeResult decode(const RecordView& record, const DecodeOptions& options) {
  namespace reasons = decode_reasons;
  const auto fail = [](std::string_view reason, std::string detail) {
    return unexpected(std::string(reason), std::move(detail));
  };

  if (const std::size_t bytes = record_bytes(record); bytes > options.max_record_bytes) {
    return fail(reasons::kOversized, std::to_string(bytes) + " bytes exceed the limit of " +
                                         std::to_string(options.max_record_bytes));
  }

  static constexpr std::array kRequired{names::kSpecVersion, names::kId,   names::kSource,
                                        names::kType,        names::kTime, names::kContentType};
  std::array<std::string_view, kRequired.size()> values{};
  for (std::size_t i = 0; i < kRequired.size(); ++i) {
    const auto value = last_header(record.headers, kRequired[i]);
    if (!value || value->empty()) {
      return fail(reasons::kMissingHeader,
                  "header " + std::string(kRequired[i]) + " is missing or empty");
    }
    values[i] = *value;
  }
  const auto& [spec_version, id, source, type, time, content_type] = values;

  if (spec_version != kCloudEventsSpecVersion) {
    return fail(reasons::kBadSpecVersion, "ce_specversion is '" + std::string(spec_version) + "'");
  }
  if (!is_json_media_type(content_type)) {
    return fail(reasons::kBadContentType, "content-type is '" + std::string(content_type) + "'");
  }
  if (!parse_rfc3339(time)) {
    return fail(reasons::kBadTime, "ce_time '" + std::string(time) + "' is not RFC 3339");
  }
  const detail::JsonCheck json = detail::check_json(record.value);
  if (json.kind == detail::JsonKind::kInvalid) return fail(reasons::kBadJson, json.error);
  if (json.kind != detail::JsonKind::kObject && options.data_shape == DataShape::kJsonObject) {
    return fail(reasons::kBadJson, "data is not a JSON object");
  }

  Event event;
  event.id = id;
  event.source = source;
  event.type = type;
  event.time = time;
  if (const auto subject = last_header(record.headers, names::kSubject)) event.subject = *subject;
  event.data = record.value;
  // Only a key that differs from the subject is kept, so encode(decode(r)) keys r the same way.
  if (record.key && (!event.subject || *record.key != *event.subject)) event.key = *record.key;
  for (const auto& header : record.headers) {
    if (!is_envelope_or_trace_header(header.key)) {
      event.extra_headers.push_back({std::string(header.key), std::string(header.value)});
    }
  }
  return event;
}

}  // namespace edaobs::kafka
