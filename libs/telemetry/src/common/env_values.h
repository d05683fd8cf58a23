#pragma once
// Reading OTEL_* settings strictly, one way for every options reader of the library: a variable
// that is set but blank counts as unset, surrounding blanks are ignored, and a bad value throws
// ConfigError (edaobs/core/config_error.h) naming the variable.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/core/config_error.h"
#include "edaobs/core/text.h"

namespace edaobs::telemetry::detail {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// The process environment as an EnvLookup (the value is copied: a later setenv may free it).
[[nodiscard]] std::optional<std::string> process_env(std::string_view name);

[[nodiscard]] ConfigError bad_value(std::string_view variable, std::string_view value,
                                    std::string_view expected);
// The variable's value, or nullopt when unset or blank.
[[nodiscard]] std::optional<std::string> read(const EnvLookup& lookup, std::string_view name);
// An integer >= min_value (and <= max_value).
[[nodiscard]] std::uint64_t parse_unsigned(std::string_view variable, std::string_view raw,
                                           std::uint64_t min_value,
                                           std::uint64_t max_value = UINT64_MAX);
// Milliseconds >= min_value that fit a nanosecond time point.
[[nodiscard]] std::chrono::milliseconds parse_millis(std::string_view variable,
                                                     std::string_view raw, std::uint64_t min_value);

}  // namespace edaobs::telemetry::detail
