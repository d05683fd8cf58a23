#pragma once
// A minimal streaming JSON writer appending to a string. Strings are escaped per RFC 8259 and
// invalid UTF-8 is replaced with U+FFFD, because one bad byte (say, a binary Kafka key) would make
// the collector reject the whole batch.
#include <cstdint>
#include <string>
#include <string_view>

namespace edaobs::telemetry::detail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { separate(); out_.push_back('{'); need_comma_ = false; }
  void end_object() { out_.push_back('}'); need_comma_ = true; }
  void begin_array() { separate(); out_.push_back('['); need_comma_ = false; }
  void end_array() { out_.push_back(']'); need_comma_ = true; }
  void key(std::string_view k) {
    separate();
    write_escaped(k);
    out_.push_back(':');
    need_comma_ = false;
  }
  void string(std::string_view s) { separate(); write_escaped(s); need_comma_ = true; }
  void number(std::uint64_t v);
  void number(std::int64_t v);
  // Finite values as shortest round-trip numbers; NaN and infinities as the strings "NaN",
  // "Infinity", "-Infinity" (the proto3 JSON mapping OTLP uses).
  void number(double v);
  void boolean(bool v) { separate(); out_.append(v ? "true" : "false"); need_comma_ = true; }
  // A 64-bit integer as a decimal string (proto3 JSON for int64/fixed64).
  void integer_string(std::uint64_t v);
  void integer_string(std::int64_t v);

  // Convenience for "key": value members.
  template <typename T>
  void member(std::string_view k, const T& v) {
    key(k);
    write_value(v);
  }

 private:
  void separate() {
    if (need_comma_) {
      out_.push_back(',');
    }
  }
  void write_escaped(std::string_view s);
  void write_value(std::string_view v) { string(v); }
  void write_value(const std::string& v) { string(v); }
  void write_value(const char* v) { string(v); }
  void write_value(std::uint64_t v) { number(v); }
  void write_value(std::int64_t v) { number(v); }
  void write_value(std::uint32_t v) { number(std::uint64_t{v}); }
  void write_value(int v) { number(std::int64_t{v}); }
  void write_value(double v) { number(v); }
  void write_value(bool v) { boolean(v); }

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace edaobs::telemetry::detail
