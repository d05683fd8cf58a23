#pragma once
// Reading OTEL_* settings strictly, one way for every options reader of the library: a variable
// that is set but blank counts as unset, surrounding blanks are ignored, and a bad value throws
// std::invalid_argument starting with the variable's name.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace edaobs::telemetry::detail {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

[[nodiscard]] std::string_view trim(std::string_view s) noexcept;
[[nodiscard]] std::string lowercase(std::string_view s);
[[nodiscard]] std::invalid_argument bad_value(std::string_view variable, std::string_view value,
                                              std::string_view expected);
// The variable's value, or nullopt when unset or blank.
[[nodiscard]] std::optional<std::string> read(const EnvLookup& lookup, std::string_view name);
// An integer >= min_value (and <= max_value).
[[nodiscard]] std::uint64_t parse_unsigned(std::string_view variable, std::string_view raw,
                                           std::uint64_t min_value,
                                           std::uint64_t max_value = UINT64_MAX);
// Milliseconds >= min_value that fit a nanosecond time point.
[[nodiscard]] std::chrono::milliseconds parse_millis(std::string_view variable, std::string_view raw,
                                                     std::uint64_t min_value);

}  // namespace edaobs::telemetry::detail
