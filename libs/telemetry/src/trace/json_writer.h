#pragma once
// A minimal streaming JSON writer appending to a string. Strings are escaped per RFC 8259 and
// invalid UTF-8 is replaced with U+FFFD, because one bad byte (say, a binary Kafka key) would make
// the collector reject the whole batch.
//
// It writes through a raw cursor into room reserved ahead in the string (grown geometrically)
// instead of push_back/append per token: encoding spans is the export thread's main cost. The
// string holds the written text, and only that, once the writer is destroyed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace edaobs::telemetry::detail {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out);
  ~JsonWriter();  // trims the string to what was written
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // A field name of our own (a literal): copied as is, no escaping needed.
  template <std::size_t N>
  void key(const char (&k)[N]) {
    static_assert(N > 1, "a JSON key must not be empty");
    ensure(N + 3);
    separate();
    *cur_++ = '"';
    std::memcpy(cur_, k, N - 1);
    cur_ += N - 1;
    *cur_++ = '"';
    *cur_++ = ':';
    need_comma_ = false;
  }
  void string(std::string_view s) {
    separate_escaped(s);
    need_comma_ = true;
  }
  void number(std::uint64_t v);
  void number(std::int64_t v);
  // Finite values as shortest round-trip numbers; NaN and infinities as the strings "NaN",
  // "Infinity", "-Infinity" (the proto3 JSON mapping OTLP uses).
  void number(double v);
  void boolean(bool v) { raw_token(v ? std::string_view("true") : std::string_view("false")); }
  // A 64-bit integer as a decimal string (proto3 JSON for int64/fixed64).
  void integer_string(std::uint64_t v);
  void integer_string(std::int64_t v);

  // Convenience for "key": value members.
  template <std::size_t N, typename T>
  void member(const char (&k)[N], const T& v) {
    key(k);
    write_value(v);
  }

 private:
  // Room for the longest token a call writes: a separator plus the token.
  void ensure(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) {
      grow(n);
    }
  }
  void grow(std::size_t n);
  void separate() {
    if (need_comma_) {
      *cur_++ = ',';
    }
  }
  void open(char c) {
    ensure(2);
    separate();
    *cur_++ = c;
    need_comma_ = false;
  }
  void close(char c) {
    ensure(1);
    *cur_++ = c;
    need_comma_ = true;
  }
  void raw_token(std::string_view text);
  void separate_escaped(std::string_view s);  // separator, then the quoted, escaped string
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
  char* cur_ = nullptr;  // next byte to write, inside out_
  char* end_ = nullptr;  // end of the reserved room (out_'s current size)
  bool need_comma_ = false;
};

}  // namespace edaobs::telemetry::detail
