#pragma once
// The field keys whose values are written as "***" (LoggerOptions::masked_keys), compared ASCII
// case-insensitively. Shared by the JSON line and the OTLP record, so both mask the same fields.
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/core/text.h"

namespace edaobs::telemetry {

class MaskedKeys {
 public:
  static constexpr std::string_view kMask = "***";

  explicit MaskedKeys(const std::vector<std::string>& keys) {
    lower_.reserve(keys.size());
    for (const std::string& key : keys) lower_.push_back(to_lower_ascii(key));
  }

  [[nodiscard]] bool contains(std::string_view key) const noexcept {
    for (const std::string& masked : lower_) {
      if (iequals_ascii(masked, key)) return true;
    }
    return false;
  }
  [[nodiscard]] bool empty() const noexcept { return lower_.empty(); }

 private:
  std::vector<std::string> lower_;
};

}  // namespace edaobs::telemetry
