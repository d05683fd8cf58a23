#pragma once
// OpenTelemetry messaging semantic conventions (current names) and the event.* attributes.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "edaobs/kafka/client/options.h"
#include "edaobs/telemetry/trace/span.h"

namespace edaobs::kafka::detail {

namespace attr {
inline constexpr std::string_view kSystem = "messaging.system";
inline constexpr std::string_view kOperationName = "messaging.operation.name";
inline constexpr std::string_view kOperationType = "messaging.operation.type";
inline constexpr std::string_view kDestination = "messaging.destination.name";
inline constexpr std::string_view kPartition = "messaging.destination.partition.id";
inline constexpr std::string_view kOffset = "messaging.kafka.offset";
inline constexpr std::string_view kMessageKey = "messaging.kafka.message.key";
inline constexpr std::string_view kConsumerGroup = "messaging.consumer.group.name";
inline constexpr std::string_view kClientId = "messaging.client.id";
inline constexpr std::string_view kEventId = "event.id";
inline constexpr std::string_view kEventType = "event.type";
inline constexpr std::string_view kEventSource = "event.source";
inline constexpr std::string_view kEventSubject = "event.subject";
}  // namespace attr

struct EventAttributes {
  std::string_view id;
  std::string_view type;
  std::string_view source;
  std::optional<std::string_view> subject;
};

// `value` as KeyOnSpans says: nothing, "fnv1a:<16 hex>" (written on the stack: no allocation),
// or as it is.
inline void set_key_attribute(telemetry::Span& span, std::string_view name, std::string_view value,
                              KeyOnSpans policy) noexcept {
  if (policy == KeyOnSpans::kOff) return;
  if (policy == KeyOnSpans::kPlain) {
    span.set_attribute(name, value);
    return;
  }
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (const char c : value) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV prime
  }
  constexpr std::string_view kPrefix = "fnv1a:";
  constexpr std::string_view kHex = "0123456789abcdef";
  std::array<char, kPrefix.size() + 16> text{};
  kPrefix.copy(text.data(), kPrefix.size());
  for (std::size_t i = 0; i < 16; ++i) {
    text[kPrefix.size() + i] = kHex[(hash >> (60 - 4 * i)) & 0xFU];
  }
  span.set_attribute(name, std::string_view(text.data(), text.size()));
}

inline void set_event_attributes(telemetry::Span& span, const EventAttributes& event,
                                 KeyOnSpans subject_policy) noexcept {
  if (!span.is_recording()) return;
  if (!event.id.empty()) span.set_attribute(attr::kEventId, event.id);
  if (!event.type.empty()) span.set_attribute(attr::kEventType, event.type);
  if (!event.source.empty()) span.set_attribute(attr::kEventSource, event.source);
  if (event.subject) set_key_attribute(span, attr::kEventSubject, *event.subject, subject_policy);
}

}  // namespace edaobs::kafka::detail
