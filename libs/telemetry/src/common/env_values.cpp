#include "common/env_values.h"

#include <charconv>
#include <cstdlib>
#include <limits>

namespace edaobs::telemetry::detail {

std::optional<std::string> process_env(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ConfigError bad_value(std::string_view variable, std::string_view value,
                      std::string_view expected) {
  return ConfigError(variable,
                     "invalid value '" + std::string(value) + "' (" + std::string(expected) + ")");
}

std::optional<std::string> read(const EnvLookup& lookup, std::string_view name) {
  std::optional<std::string> value = lookup(name);
  if (value.has_value() && trim(*value).empty()) return std::nullopt;
  return value;
}

std::uint64_t parse_unsigned(std::string_view variable, std::string_view raw,
                             std::uint64_t min_value, std::uint64_t max_value) {
  const std::string_view value = trim(raw);
  std::uint64_t parsed = 0;
  const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (ec != std::errc{} || ptr != value.data() + value.size() || parsed < min_value ||
      parsed > max_value) {
    if (max_value == UINT64_MAX) {
      throw bad_value(
          variable, raw,
          min_value > 0 ? "expected a positive integer" : "expected a non-negative integer");
    }
    throw bad_value(variable, raw,
                    "expected an integer from " + std::to_string(min_value) + " to " +
                        std::to_string(max_value));
  }
  return parsed;
}

std::chrono::milliseconds parse_millis(std::string_view variable, std::string_view raw,
                                       std::uint64_t min_value) {
  const std::uint64_t ms = parse_unsigned(variable, raw, min_value);
  if (ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max() / 1'000'000)) {
    throw bad_value(variable, raw, "milliseconds out of range");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

}  // namespace edaobs::telemetry::detail
