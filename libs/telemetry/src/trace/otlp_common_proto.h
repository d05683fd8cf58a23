#pragma once
// What the OTLP traces and logs protobuf encoders share: the field numbers of opentelemetry-proto's
// common/v1 and resource/v1 messages (checked against the official Python bindings'
// descriptors), and the KeyValue/AnyValue and InstrumentationScope writers.
#include <cstdint>
#include <string_view>

#include "edaobs/telemetry/trace/attributes.h"

#include "proto_writer.h"

namespace edaobs::telemetry::detail::otlp {

inline constexpr auto kLen = WireType::kLengthDelimited;

namespace resource_fields {
inline constexpr std::uint32_t kAttributes = proto_tag(1, kLen);
}  // namespace resource_fields
namespace scope {
inline constexpr std::uint32_t kName = proto_tag(1, kLen);
inline constexpr std::uint32_t kVersion = proto_tag(2, kLen);
}  // namespace scope
namespace key_value {
inline constexpr std::uint32_t kKey = proto_tag(1, kLen);
inline constexpr std::uint32_t kValue = proto_tag(2, kLen);
}  // namespace key_value
namespace any_value {
inline constexpr std::uint32_t kString = proto_tag(1, kLen);
inline constexpr std::uint32_t kBool = proto_tag(2, WireType::kVarint);
inline constexpr std::uint32_t kInt = proto_tag(3, WireType::kVarint);
inline constexpr std::uint32_t kDouble = proto_tag(4, WireType::kFixed64);
}  // namespace any_value

// A KeyValue field `tag` holding `key` and `value` as an AnyValue, with exact, minimal lengths
// (sizes are computed first, they are cheap). The oneof member is written even when it holds
// its default (false, 0, "").
void write_key_value(ProtoWriter& w, std::uint32_t tag, std::string_view key,
                     const AttributeValueView& value);

// The InstrumentationScope field `tag`: the edaobs scope name and the SDK version.
void write_scope(ProtoWriter& w, std::uint32_t tag);

}  // namespace edaobs::telemetry::detail::otlp
