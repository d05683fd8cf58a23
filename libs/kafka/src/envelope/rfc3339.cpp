#include "edaobs/kafka/envelope/rfc3339.h"

#include <array>
#include <cstdio>

namespace edaobs::kafka {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly `width` digits at `pos`; false when any of them is not a digit.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) noexcept {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

bool expect(std::string_view text, std::size_t pos, char c) noexcept {
  return pos < text.size() && text[pos] == c;
}

// True when `utc` plus a fraction of a second is a system_clock time point (libstdc++ counts
// nanoseconds in 64 bits: from 1677-09-21 to 2262-04-11).
bool fits_system_clock(std::chrono::sys_seconds utc) noexcept {
  using namespace std::chrono;
  const auto earliest = ceil<seconds>(system_clock::time_point::min()) + seconds{1};
  const auto latest = floor<seconds>(system_clock::time_point::max()) - seconds{1};
  return utc >= earliest && utc <= latest;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) noexcept {
  using namespace std::chrono;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;  // NOLINT: one date
  if (!read_digits(text, 0, 4, year) || !expect(text, 4, '-') || !read_digits(text, 5, 2, month) ||
      !expect(text, 7, '-') || !read_digits(text, 8, 2, day) ||
      !(expect(text, 10, 'T') || expect(text, 10, 't')) || !read_digits(text, 11, 2, hour) ||
      !expect(text, 13, ':') || !read_digits(text, 14, 2, minute) || !expect(text, 16, ':') ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;

  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (expect(text, pos, '.')) {
    ++pos;
    const std::size_t start = pos;
    std::int64_t scale = 100'000'000;
    while (pos < text.size() && is_digit(text[pos])) {
      fraction_ns += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;  // "." needs at least one digit
  }

  int offset_minutes = 0;
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    ++pos;
  } else if (expect(text, pos, '+') || expect(text, pos, '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    int offset_hour = 0, offset_minute = 0;  // NOLINT: one offset
    if (!read_digits(text, pos + 1, 2, offset_hour) || !expect(text, pos + 3, ':') ||
        !read_digits(text, pos + 4, 2, offset_minute) || offset_hour > 23 || offset_minute > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (offset_hour * 60 + offset_minute);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  // Whole seconds first: years such as 0001 or 9999 fit in seconds but not in the clock's
  // 64-bit nanoseconds, where adding them up would overflow.
  const sys_seconds utc =
      sys_days{date} + hours{hour} + minutes{minute} + seconds{second} - minutes{offset_minutes};
  if (!fits_system_clock(utc)) return std::nullopt;
  return time_point_cast<system_clock::duration>(utc) +
         duration_cast<system_clock::duration>(nanoseconds{fraction_ns});
}

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto micros = time_point_cast<microseconds>(time);
  const auto day_point = floor<days>(micros);
  const year_month_day date{day_point};
  const hh_mm_ss<microseconds> clock{micros - day_point};
  std::array<char, 40> buffer{};
  const int written = std::snprintf(
      buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02lld.%06lldZ",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
      static_cast<int>(clock.minutes().count()), static_cast<long long>(clock.seconds().count()),
      static_cast<long long>(clock.subseconds().count()));
  return std::string(buffer.data(), written > 0 ? static_cast<std::size_t>(written) : 0U);
}

}  // namespace edaobs::kafka
