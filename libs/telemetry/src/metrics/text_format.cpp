#include "metrics/text_format.h"

#include <array>
#include <charconv>
#include <cmath>

namespace edaobs::telemetry::metrics_detail {

void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
        break;
    }
  }
}

void append_label_pair(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out += "=\"";
  append_label_value(out, value);
  out += '"';
}

void append_help(std::string& out, std::string_view help, ExpositionFormat format) {
  const bool escape_quote = format == ExpositionFormat::kOpenMetrics100;
  for (const char c : help) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '"':
        if (escape_quote) {
          out += "\\\"";
        } else {
          out += c;
        }
        break;
      default:
        out += c;
        break;
    }
  }
}

void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  std::array<char, 32> buf;  // the shortest round-trip form of a double fits in 24 chars
  const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), result.ptr);
}

void append_uint(std::string& out, std::uint64_t v) {
  std::array<char, 24> buf;
  const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), result.ptr);
}

void append_metadata(std::string& out, ExpositionFormat format, MetricType type,
                     std::string_view exposed_name, std::string_view help) {
  std::string_view meta_name = exposed_name;
  if (format == ExpositionFormat::kOpenMetrics100 && type == MetricType::kCounter &&
      meta_name.ends_with("_total")) {
    meta_name.remove_suffix(std::string_view("_total").size());
  }
  out += "# HELP ";
  out.append(meta_name);
  out += ' ';
  append_help(out, help, format);
  out += "\n# TYPE ";
  out.append(meta_name);
  switch (type) {
    case MetricType::kCounter:
      out += " counter\n";
      break;
    case MetricType::kGauge:
      out += " gauge\n";
      break;
    case MetricType::kHistogram:
      out += " histogram\n";
      break;
  }
}

void append_le(std::string& out, double bound, ExpositionFormat format) {
  const std::size_t start = out.size();
  append_double(out, bound);
  if (format != ExpositionFormat::kOpenMetrics100 || !std::isfinite(bound)) return;
  if (out.find_first_of(".e", start) == std::string::npos) out += ".0";
}

void append_exemplar(std::string& out, const Exemplar& exemplar) {
  std::array<char, 32> trace_hex;
  std::array<char, 16> span_hex;
  exemplar.trace_id.write_hex(trace_hex.data());
  exemplar.span_id.write_hex(span_hex.data());
  out += " # {trace_id=\"";
  out.append(trace_hex.data(), trace_hex.size());
  out += "\",span_id=\"";
  out.append(span_hex.data(), span_hex.size());
  out += "\"} ";
  append_double(out, exemplar.value);
  out += ' ';
  // Seconds with millisecond precision, written from integers so nothing rounds.
  const std::int64_t millis = exemplar.timestamp_ns / 1'000'000;
  append_uint(out, static_cast<std::uint64_t>(millis / 1000));
  out += '.';
  const auto frac = static_cast<std::uint64_t>(millis % 1000);
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
}

}  // namespace edaobs::telemetry::metrics_detail
