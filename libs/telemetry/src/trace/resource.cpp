#include "edaobs/telemetry/sdk/trace/resource.h"

#include "edaobs/telemetry/sdk/trace/id_generator.h"

namespace edaobs::telemetry {

std::optional<AttributeValueView> Resource::find(std::string_view key) const noexcept {
  for (const auto& [k, v] : attributes) {
    if (k == key) {
      return view_of(v);
    }
  }
  return std::nullopt;
}

void Resource::set(std::string_view key, AttributeValue value) {
  for (auto& [k, v] : attributes) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  attributes.emplace_back(std::string(key), std::move(value));
}

Resource make_resource(std::string_view service_name, std::string_view service_version,
                       std::string_view service_instance_id,
                       const std::vector<std::pair<std::string, std::string>>& extra) {
  Resource resource;
  for (const auto& [key, value] : extra) {
    resource.set(key, value);
  }
  resource.set("service.name", std::string(service_name));
  if (!service_version.empty()) {
    resource.set("service.version", std::string(service_version));
  }
  if (!service_instance_id.empty()) {
    resource.set("service.instance.id", std::string(service_instance_id));
  }
  resource.set("telemetry.sdk.name", std::string(kTelemetrySdkName));
  resource.set("telemetry.sdk.language", std::string("cpp"));
  resource.set("telemetry.sdk.version", std::string(kTelemetrySdkVersion));
  return resource;
}

std::string random_uuid() {
  const std::uint64_t hi =
      (random_u64() & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  const std::uint64_t lo =
      (random_u64() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const std::uint64_t word = i < 16 ? hi : lo;
    const int shift = 60 - 4 * (i % 16);
    out.push_back(kHex[(word >> shift) & 0xf]);
    if (i == 7 || i == 11 || i == 15 || i == 19) {
      out.push_back('-');
    }
  }
  return out;
}

}  // namespace edaobs::telemetry
