#include "logs/log_line_formatter.h"

#include <array>
#include <cstdint>
#include <variant>

#include "common/json_text.h"

namespace edaobs::telemetry {
namespace {

using json_text::append;

constexpr std::array<std::string_view, 4> kLevelFragments{
    R"(","level":"DEBUG","msg":")",
    R"(","level":"INFO","msg":")",
    R"(","level":"WARN","msg":")",
    R"(","level":"ERROR","msg":")",
};

// Keys set by the logger itself; a field with one of these names is renamed "field.<key>".
constexpr std::array<std::string_view, 7> kFixedKeys{"time",    "level",   "msg",   "trace_id",
                                                     "span_id", "service", "source"};
// Fields promoted to fixed positions (before source) when the caller passes them.
constexpr std::array<std::string_view, 3> kPromotedKeys{"event_id", "event_type", "duration_ms"};

void put_two_digits(char* out, unsigned value) noexcept {
  out[0] = static_cast<char>('0' + value / 10 % 10);
  out[1] = static_cast<char>('0' + value % 10);
}

// Formatting the date is the costly part of a timestamp; a thread keeps the last second's text.
struct SecondText {
  std::int64_t second = INT64_MIN;
  std::array<char, 19> text{};  // YYYY-MM-DDTHH:MM:SS
};
thread_local SecondText t_second_text;

void render_second(SecondText& cache, std::int64_t second) noexcept {
  using namespace std::chrono;
  const sys_seconds at{seconds{second}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<seconds> clock{at - day};
  const int year = static_cast<int>(date.year());
  const auto y = static_cast<unsigned>(year < 0 ? 0 : (year > 9999 ? 9999 : year));
  char* text = cache.text.data();
  put_two_digits(text, y / 100);
  put_two_digits(text + 2, y % 100);
  text[4] = '-';
  put_two_digits(text + 5, static_cast<unsigned>(date.month()));
  text[7] = '-';
  put_two_digits(text + 8, static_cast<unsigned>(date.day()));
  text[10] = 'T';
  put_two_digits(text + 11, static_cast<unsigned>(clock.hours().count()));
  text[13] = ':';
  put_two_digits(text + 14, static_cast<unsigned>(clock.minutes().count()));
  text[16] = ':';
  put_two_digits(text + 17, static_cast<unsigned>(clock.seconds().count()));
  cache.second = second;
}

void append_string_value(std::string& out, std::string_view text, bool truncated) {
  out.push_back('"');
  json_text::append_escaped(out, text);
  if (truncated) {
    append(out, json_text::kTruncatedMarker);
  }
  out.push_back('"');
}

}  // namespace

void append_rfc3339_millis(std::string& out, std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto millis_since_epoch = duration_cast<milliseconds>(time.time_since_epoch()).count();
  // Floor division so times before 1970 still get a 0..999 millisecond part.
  std::int64_t second = millis_since_epoch / 1000;
  std::int64_t millis = millis_since_epoch % 1000;
  if (millis < 0) {
    millis += 1000;
    --second;
  }
  SecondText& cache = t_second_text;
  if (cache.second != second) {
    render_second(cache, second);
  }
  out.append(cache.text.data(), cache.text.size());
  const auto ms = static_cast<unsigned>(millis);
  const char tail[5] = {'.', static_cast<char>('0' + ms / 100),
                        static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10),
                        'Z'};
  out.append(tail, 5);
}

LogLineFormatter::LogLineFormatter(std::string_view service,
                                   const std::vector<std::string>& masked_keys)
    : masked_(masked_keys) {
  service_fragment_ = R"(,"service":")";
  json_text::append_escaped(service_fragment_, service);
  service_fragment_.push_back('"');
}

void LogLineFormatter::append_field(std::string& out, const DecodedField& field) const {
  append(out, R"(,")");
  for (std::string_view fixed : kFixedKeys) {
    if (field.key == fixed) {
      append(out, "field.");
      break;
    }
  }
  json_text::append_escaped(out, field.key);
  append(out, R"(":)");
  if (!masked_.empty() && masked_.contains(field.key)) {
    out.push_back('"');
    append(out, MaskedKeys::kMask);
    out.push_back('"');
  } else if (const auto* text = std::get_if<std::string_view>(&field.value)) {
    append_string_value(out, *text, field.truncated);
  } else if (const auto* integer = std::get_if<std::int64_t>(&field.value)) {
    json_text::append_int(out, *integer);
  } else if (const auto* number = std::get_if<double>(&field.value)) {
    json_text::append_double(out, *number);
  } else {
    append(out, std::get<bool>(field.value) ? std::string_view("true") : std::string_view("false"));
  }
}

void LogLineFormatter::format(std::string& out, LogLevel level,
                              std::chrono::system_clock::time_point time, std::string_view file,
                              int line, const DecodedRecord& record) const {
  append(out, R"({"time":")");
  append_rfc3339_millis(out, time);
  append(out, kLevelFragments[static_cast<std::size_t>(level) & 3U]);
  json_text::append_escaped(out, record.msg);
  if (record.msg_truncated) {
    append(out, json_text::kTruncatedMarker);
  }
  out.push_back('"');

  if (record.has_context) {
    char hex[32];
    append(out, R"(,"trace_id":")");
    record.trace_id.write_hex(hex);
    out.append(hex, 32);
    append(out, R"(","span_id":")");
    record.span_id.write_hex(hex);
    out.append(hex, 16);
    out.push_back('"');
  }
  append(out, service_fragment_);

  const auto& fields = record.fields;
  constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);
  std::array<std::size_t, kPromotedKeys.size()> promoted{kAbsent, kAbsent, kAbsent};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    for (std::size_t k = 0; k < kPromotedKeys.size(); ++k) {
      if (promoted[k] == kAbsent && fields[i].key == kPromotedKeys[k]) {
        promoted[k] = i;
        break;
      }
    }
  }
  for (std::size_t index : promoted) {
    if (index != kAbsent) {
      append_field(out, fields[index]);
    }
  }

  if (const auto slash = file.rfind('/'); slash != std::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  append(out, R"(,"source":")");
  json_text::append_escaped(out, file);
  out.push_back(':');
  json_text::append_int(out, line);
  out.push_back('"');

  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i != promoted[0] && i != promoted[1] && i != promoted[2]) {
      append_field(out, fields[i]);
    }
  }
  append(out, "}\n");
}

}  // namespace edaobs::telemetry
