// JSON log lines from hostile text: the message and field keys and values (record data, header
// values) go through the binary log record and the line formatter with masked keys, as on the
// logging worker; the escaping helper is checked on its own too.
//   field 1: the message, then key, value, key, value, ...; a key starting with '#' makes its
//   value a number (the value's first 8 bytes as a double, so NaN and Inf come up).
// Properties: the escaped string and every line parse as JSON (a string, an object).
#include <boost/json.hpp>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "common/json_escape.h"
#include "edaobs/telemetry/logs/log_field.h"
#include "fuzz_input.h"
#include "logs/log_line_formatter.h"
#include "logs/log_record.h"
#include "logs/record_buffer.h"

using namespace edaobs;
using namespace edaobs::telemetry;

namespace {

double as_double(std::string_view bytes) {
  double number = 0;
  if (bytes.empty()) return number;  // an empty view's data() may be null, which memcpy forbids
  std::memcpy(&number, bytes.data(), std::min(bytes.size(), sizeof number));
  return number;
}

void check_escaped_string(std::string_view text) {
  std::string literal;
  append_json_string(literal, text);
  boost::json::error_code ec;
  const boost::json::value parsed = boost::json::parse(literal, ec);
  if (ec || !parsed.is_string()) edaobs::fuzz::property_failed();
}

void check_line(std::string_view msg, const std::vector<LogField>& fields) {
  RecordBuffer record;
  encode_log_record(record, msg, fields, SpanContext{}, 256);
  DecodedRecord decoded;
  if (!decode_log_record(std::string_view(record.data(), record.size()), decoded)) edaobs::fuzz::property_failed();
  static const LogLineFormatter formatter("fuzz", {"password", "token"});
  std::string line;
  formatter.format(line, LogLevel::kInfo, std::chrono::system_clock::time_point{}, "fuzz/x.cpp", 1, decoded);
  if (line.empty() || line.back() != '\n') edaobs::fuzz::property_failed();
  boost::json::error_code ec;
  const boost::json::value parsed = boost::json::parse(std::string_view(line).substr(0, line.size() - 1), ec);
  if (ec || !parsed.is_object()) edaobs::fuzz::property_failed();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  edaobs::fuzz::FuzzInput input(data, size);
  const std::string_view msg = input.field();
  check_escaped_string(msg);
  std::vector<LogField> fields;
  while (!input.empty() && fields.size() < 16) {
    const std::string_view key = input.field();
    const std::string_view value = input.field();
    if (!key.empty() && key.front() == '#') {
      fields.emplace_back(key, as_double(value));
    } else {
      fields.emplace_back(key, value);
    }
  }
  check_line(msg, fields);
  return 0;
}
