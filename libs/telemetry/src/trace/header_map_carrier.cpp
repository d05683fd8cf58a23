#include "edaobs/telemetry/trace/header_map_carrier.h"

namespace edaobs::telemetry {

std::optional<std::string_view> HeaderMapCarrier::get(std::string_view key) const {
  for (const auto& [name, value] : headers_) {
    if (iequals_ascii(name, key)) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

void HeaderMapCarrier::set(std::string_view key, std::string_view value) {
  for (auto& [name, existing] : headers_) {
    if (iequals_ascii(name, key)) {
      existing.assign(value);
      return;
    }
  }
  headers_.emplace_back(std::string(key), std::string(value));
}

}  // namespace edaobs::telemetry
