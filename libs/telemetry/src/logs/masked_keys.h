#pragma once
// The field keys whose values are written as "***" (LoggerOptions::masked_keys), compared ASCII
// case-insensitively. Shared by the JSON line and the OTLP record, so both mask the same fields.
#include <string>
#include <string_view>
#include <vector>

namespace edaobs::telemetry {

class MaskedKeys {
 public:
  static constexpr std::string_view kMask = "***";

  explicit MaskedKeys(const std::vector<std::string>& keys) {
    lower_.reserve(keys.size());
    for (const std::string& key : keys) {
      std::string lower;
      lower.reserve(key.size());
      for (char c : key) {
        lower.push_back(ascii_lower(c));
      }
      lower_.push_back(std::move(lower));
    }
  }

  [[nodiscard]] bool contains(std::string_view key) const noexcept {
    for (const std::string& masked : lower_) {
      if (masked.size() != key.size()) {
        continue;
      }
      bool same = true;
      for (std::size_t i = 0; i < key.size() && same; ++i) {
        same = ascii_lower(key[i]) == masked[i];
      }
      if (same) {
        return true;
      }
    }
    return false;
  }
  [[nodiscard]] bool empty() const noexcept { return lower_.empty(); }

 private:
  static char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }

  std::vector<std::string> lower_;
};

}  // namespace edaobs::telemetry
