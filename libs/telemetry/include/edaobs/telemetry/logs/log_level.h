#pragma once
// Severity of a log line and its parsing from configuration (env or flag).
#include <cstdint>
#include <string_view>

namespace edaobs::telemetry {

enum class LogLevel : std::uint8_t { kDebug, kInfo, kWarn, kError };

// "DEBUG", "INFO", "WARN" or "ERROR": the spelling the JSON `level` field uses.
[[nodiscard]] std::string_view to_string(LogLevel level) noexcept;

// Parses "debug", "info", "warn" or "error" (any case). Throws ConfigError whose
// message names `setting_name` (e.g. "EDAOBS_LOG_LEVEL" or "--log-level") on anything else.
[[nodiscard]] LogLevel parse_log_level(std::string_view text, std::string_view setting_name);

}  // namespace edaobs::telemetry
