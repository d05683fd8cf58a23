#pragma once
// RFC 3339 timestamps (CloudEvents `time`): strict parsing and UTC formatting.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace edaobs::kafka {

// Parses `YYYY-MM-DD"T"hh:mm:ss[.frac](Z|+hh:mm|-hh:mm)` (case-insensitive T/Z, as RFC 3339
// allows). Rejects out-of-range fields and impossible dates (2023-02-29). A leap second (:60) is
// accepted and normalised into the next minute. Fractions beyond nanoseconds are truncated.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_rfc3339(
    std::string_view text) noexcept;

// Formats as UTC with microseconds: 2024-05-01T12:00:00.123456Z.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace edaobs::kafka
