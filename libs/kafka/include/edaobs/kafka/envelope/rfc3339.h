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
// A time the clock cannot hold (with libstdc++'s 64-bit nanoseconds: before 1677-09-21 or after
// 2262-04-11, e.g. years 0001 and 9999) is rejected, never wrapped around.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_rfc3339(
    std::string_view text) noexcept;

// Formats as UTC with microseconds: 2024-05-01T12:00:00.123456Z.
[[nodiscard]] std::string format_rfc3339(std::chrono::system_clock::time_point time);

}  // namespace edaobs::kafka
