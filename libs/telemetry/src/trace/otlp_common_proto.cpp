#include "otlp_common_proto.h"

#include <type_traits>
#include <variant>

#include "edaobs/telemetry/sdk/trace/resource.h"

namespace edaobs::telemetry::detail::otlp {
namespace {

// int64 is encoded as its two's complement bit pattern (negative values take 10 bytes).
std::uint64_t int64_bits(std::int64_t v) { return static_cast<std::uint64_t>(v); }

// The AnyValue payload size; `text` is the scan of a string value (unused otherwise).
std::size_t any_value_size(const AttributeValueView& value, const Utf8Scan& text) {
  return std::visit(
      [&text](const auto& v) -> std::size_t {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          return 2;
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return 1 + varint_size(int64_bits(v));
        } else if constexpr (std::is_same_v<T, double>) {
          return 9;
        } else {
          return length_delimited_size(any_value::kString, text.encoded_size);
        }
      },
      value);
}

}  // namespace

void write_key_value(ProtoWriter& w, std::uint32_t tag, std::string_view key,
                     const AttributeValueView& value) {
  const Utf8Scan key_scan = scan_utf8(key);
  const auto* text = std::get_if<std::string_view>(&value);
  const Utf8Scan text_scan = text != nullptr ? scan_utf8(*text) : Utf8Scan{};
  const std::size_t value_size = any_value_size(value, text_scan);
  w.message_header(tag, length_delimited_size(key_value::kKey, key_scan.encoded_size) +
                            length_delimited_size(key_value::kValue, value_size));
  w.string_field(key_value::kKey, key, key_scan);
  w.message_header(key_value::kValue, value_size);
  std::visit(
      [&w, &text_scan](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) {
          w.varint_field(any_value::kBool, v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          w.varint_field(any_value::kInt, int64_bits(v));
        } else if constexpr (std::is_same_v<T, double>) {
          w.double_field(any_value::kDouble, v);
        } else {
          w.string_field(any_value::kString, v, text_scan);
        }
      },
      value);
}

void write_scope(ProtoWriter& w, std::uint32_t tag) {
  w.message_header(tag, length_delimited_size(scope::kName, kInstrumentationScopeName.size()) +
                            length_delimited_size(scope::kVersion, kTelemetrySdkVersion.size()));
  w.string_field(scope::kName, kInstrumentationScopeName);
  w.string_field(scope::kVersion, kTelemetrySdkVersion);
}

}  // namespace edaobs::telemetry::detail::otlp
