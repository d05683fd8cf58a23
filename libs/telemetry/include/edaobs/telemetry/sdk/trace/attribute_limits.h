#pragma once
// The OpenTelemetry attribute limits, applied where spans are encoded for export: string values
// longer than value_length are truncated (never inside a UTF-8 sequence), and a span's attributes
// beyond count are left out and added to its dropped_attributes_count. So one huge value (say, a
// header copied into an attribute) cannot make the Collector refuse a whole batch. The resource
// is exempt, as the specification says.
#include <cstddef>
#include <limits>
#include <string_view>
#include <variant>

#include "edaobs/telemetry/trace/attributes.h"

namespace edaobs::telemetry {

struct AttributeLimits {
  // OTEL_[SPAN_]ATTRIBUTE_COUNT_LIMIT; spans record at most AttributeList::kDefaultCountLimit.
  std::size_t count = AttributeList::kDefaultCountLimit;
  // OTEL_[SPAN_]ATTRIBUTE_VALUE_LENGTH_LIMIT, in bytes; the default is no limit.
  std::size_t value_length = std::numeric_limits<std::size_t>::max();
};

// `s` cut to at most `limit` bytes, backing off to the start of a UTF-8 sequence.
[[nodiscard]] inline std::string_view truncate_utf8(std::string_view s,
                                                    std::size_t limit) noexcept {
  if (s.size() <= limit) {
    return s;
  }
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  return s.substr(0, cut);
}

[[nodiscard]] inline AttributeValueView limited(const AttributeValueView& value,
                                                const AttributeLimits& limits) noexcept {
  if (const auto* text = std::get_if<std::string_view>(&value)) {
    return truncate_utf8(*text, limits.value_length);
  }
  return value;
}

}  // namespace edaobs::telemetry
