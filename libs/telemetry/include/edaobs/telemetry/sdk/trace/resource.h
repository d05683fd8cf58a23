#pragma once
// The OpenTelemetry resource: who produced the telemetry (service.name, service.version,
// service.instance.id, telemetry.sdk.*, plus OTEL_RESOURCE_ATTRIBUTES).
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/telemetry/trace/attributes.h"

namespace edaobs::telemetry {

inline constexpr std::string_view kTelemetrySdkName = "edaobs";
inline constexpr std::string_view kTelemetrySdkVersion = "0.1.0";
// The instrumentation scope name every span of this library is reported under.
inline constexpr std::string_view kInstrumentationScopeName = "edaobs";

struct Resource {
  OwnedAttributes attributes{};

  [[nodiscard]] std::optional<AttributeValueView> find(std::string_view key) const noexcept;
  // Sets or replaces an attribute, keeping insertion order otherwise.
  void set(std::string_view key, AttributeValue value);
};

// Builds the resource: `extra` (e.g. parsed OTEL_RESOURCE_ATTRIBUTES) first, then the explicit
// service fields override it (service.version/instance id only when non-empty), then
// telemetry.sdk.*.
[[nodiscard]] Resource make_resource(std::string_view service_name,
                                     std::string_view service_version,
                                     std::string_view service_instance_id,
                                     const std::vector<std::pair<std::string, std::string>>& extra);

// A random UUID (version 4) string, the usual service.instance.id.
[[nodiscard]] std::string random_uuid();

}  // namespace edaobs::telemetry
