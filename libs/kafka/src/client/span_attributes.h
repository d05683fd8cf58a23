#pragma once
// OpenTelemetry messaging semantic conventions (current names) and the event.* attributes.
#include <optional>
#include <string_view>

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

inline void set_event_attributes(telemetry::Span& span, const EventAttributes& event) noexcept {
  if (!span.is_recording()) return;
  if (!event.id.empty()) span.set_attribute(attr::kEventId, event.id);
  if (!event.type.empty()) span.set_attribute(attr::kEventType, event.type);
  if (!event.source.empty()) span.set_attribute(attr::kEventSource, event.source);
  if (event.subject) span.set_attribute(attr::kEventSubject, *event.subject);
}

}  // namespace edaobs::kafka::detail
