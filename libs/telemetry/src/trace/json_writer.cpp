#include "json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/json_text.h"

namespace edaobs::telemetry::detail {
namespace {

// Enough for a batch of a few spans before the first growth.
constexpr std::size_t kInitialRoom = 16 * 1024;
// The escaped form of a byte is at most 6 bytes ("\u00XX"; U+FFFD takes 3 for at least 1).
constexpr std::size_t kMaxEscapedBytesPerByte = 6;

// json_text's buffer interface over the writer's cursor; the caller has ensured the room.
struct Cursor {
  char*& at;
  void append(const char* first, const char* last) noexcept {
    const auto n = static_cast<std::size_t>(last - first);
    std::memcpy(at, first, n);
    at += n;
  }
  void push_back(char c) noexcept { *at++ = c; }
};

}  // namespace

JsonWriter::JsonWriter(std::string& out) : out_(out) {
  const std::size_t used = out_.size();
  out_.resize(used + kInitialRoom);
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

JsonWriter::~JsonWriter() { out_.resize(static_cast<std::size_t>(cur_ - out_.data())); }

void JsonWriter::grow(std::size_t n) {
  const auto used = static_cast<std::size_t>(cur_ - out_.data());
  out_.resize(std::max(2 * out_.size(), used + n));
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void JsonWriter::raw_token(std::string_view text) {
  ensure(text.size() + 1);
  separate();
  std::memcpy(cur_, text.data(), text.size());
  cur_ += text.size();
  need_comma_ = true;
}

// One escaping routine for every JSON the library writes (logs and OTLP alike).
void JsonWriter::separate_escaped(std::string_view s) {
  ensure(3 + kMaxEscapedBytesPerByte * s.size());
  separate();
  *cur_++ = '"';
  Cursor cursor{cur_};
  json_text::append_escaped(cursor, s);
  *cur_++ = '"';
}

void JsonWriter::number(std::uint64_t v) {
  ensure(24);
  separate();
  cur_ = std::to_chars(cur_, end_, v).ptr;
  need_comma_ = true;
}

void JsonWriter::number(std::int64_t v) {
  ensure(24);
  separate();
  cur_ = std::to_chars(cur_, end_, v).ptr;
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
  ensure(32);
  separate();
  cur_ = std::to_chars(cur_, end_, v).ptr;
  need_comma_ = true;
}

void JsonWriter::integer_string(std::uint64_t v) {
  ensure(24);
  separate();
  *cur_++ = '"';
  cur_ = std::to_chars(cur_, end_, v).ptr;
  *cur_++ = '"';
  need_comma_ = true;
}

void JsonWriter::integer_string(std::int64_t v) {
  ensure(24);
  separate();
  *cur_++ = '"';
  cur_ = std::to_chars(cur_, end_, v).ptr;
  *cur_++ = '"';
  need_comma_ = true;
}

}  // namespace edaobs::telemetry::detail
