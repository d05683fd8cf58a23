#pragma once
// One structured field of a log line: `{"event_id", id}`, `{"attempt", 3}`, `{"ok", true}`,
// `{"duration_ms", elapsed}` (a std::chrono::duration becomes milliseconds as a double).
#include <chrono>
#include <concepts>
#include <cstdint>
#include <limits>
#include <string_view>
#include <variant>

namespace edaobs::telemetry {

using LogValue = std::variant<std::string_view, std::int64_t, double, bool>;

// Key and string value are views: they need to live only until the log call returns, because
// the call copies them before it returns.
struct LogField {
  std::string_view key;
  LogValue value;

  LogField(std::string_view field_key, std::string_view text) noexcept
      : key(field_key), value(text) {}
  // Without this overload a string literal would pick the bool constructor.
  LogField(std::string_view field_key, const char* text) noexcept
      : key(field_key), value(std::string_view(text != nullptr ? text : "")) {}
  LogField(std::string_view field_key, bool flag) noexcept : key(field_key), value(flag) {}

  // Any integer type; unsigned values above INT64_MAX are kept as a double (JSON has one
  // number type, and consumers parse large integers as doubles anyway).
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  LogField(std::string_view field_key, T number) noexcept
      : key(field_key), value(integer_value(number)) {}

  template <std::floating_point T>
  LogField(std::string_view field_key, T number) noexcept
      : key(field_key), value(static_cast<double>(number)) {}

  template <class Rep, class Period>
  LogField(std::string_view field_key, std::chrono::duration<Rep, Period> elapsed) noexcept
      : key(field_key), value(std::chrono::duration<double, std::milli>(elapsed).count()) {}

 private:
  template <std::integral T>
  static LogValue integer_value(T number) noexcept {
    if constexpr (std::is_unsigned_v<T> && sizeof(T) >= sizeof(std::int64_t)) {
      if (number > static_cast<T>(std::numeric_limits<std::int64_t>::max())) {
        return static_cast<double>(number);
      }
    }
    return static_cast<std::int64_t>(number);
  }
};

}  // namespace edaobs::telemetry
