#include "edaobs/telemetry/trace/header_map_carrier.h"

namespace edaobs::telemetry {

bool iequals_ascii(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x + ('a' - 'A'));
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y + ('a' - 'A'));
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

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
