#pragma once
// Prometheus naming rules, checked once at registration.
#include <initializer_list>
#include <string>
#include <string_view>

namespace edaobs::telemetry::metrics_detail {

// [a-zA-Z_:][a-zA-Z0-9_:]*
[[nodiscard]] bool is_valid_metric_name(std::string_view name) noexcept;
// [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved for Prometheus itself).
[[nodiscard]] bool is_valid_label_name(std::string_view name) noexcept;

[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;
// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
[[nodiscard]] std::string repair_utf8(std::string_view text);

// The counter naming convention: the exposed name ends in `_total`.
[[nodiscard]] std::string counter_sample_name(std::string_view name);

// Throws std::invalid_argument with the parts joined. (Built by appending: GCC 12 reports a false
// -Wrestrict on chains of std::string operator+ at -O3.)
[[noreturn]] void throw_invalid(std::initializer_list<std::string_view> parts);

}  // namespace edaobs::telemetry::metrics_detail
