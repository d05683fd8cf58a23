#include "json_writer.h"

#include <charconv>
#include <cmath>

#include "edaobs/telemetry/logs/json_escape.h"

namespace edaobs::telemetry::detail {
namespace {

// Appends the decimal digits of an integer, without allocating.
template <typename Integer>
void append_decimal(std::string& out, Integer v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

}  // namespace

// One escaping routine for every JSON the library writes (logs and OTLP alike).
void JsonWriter::write_escaped(std::string_view s) {
  out_.push_back('"');
  append_json_escaped(out_, s);
  out_.push_back('"');
}

void JsonWriter::number(std::uint64_t v) {
  separate();
  append_decimal(out_, v);
  need_comma_ = true;
}

void JsonWriter::number(std::int64_t v) {
  separate();
  append_decimal(out_, v);
  need_comma_ = true;
}

void JsonWriter::number(double v) {
  if (std::isnan(v)) {
    string("NaN");
    return;
  }
  if (std::isinf(v)) {
    string(v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  separate();
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, end);
  need_comma_ = true;
}

void JsonWriter::integer_string(std::uint64_t v) {
  separate();
  out_.push_back('"');
  append_decimal(out_, v);
  out_.push_back('"');
  need_comma_ = true;
}

void JsonWriter::integer_string(std::int64_t v) {
  separate();
  out_.push_back('"');
  append_decimal(out_, v);
  out_.push_back('"');
  need_comma_ = true;
}

}  // namespace edaobs::telemetry::detail
