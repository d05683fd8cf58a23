#include "proto_writer.h"

#include <algorithm>
#include <stdexcept>

#include "common/json_text.h"

namespace edaobs::telemetry::detail {
namespace {

// Enough for a batch of a few spans before the first growth.
constexpr std::size_t kInitialRoom = 16 * 1024;

constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
constexpr std::size_t kReplacementSize = 3;

bool eight_ascii_bytes(const unsigned char* p) noexcept {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return (word & 0x8080808080808080ULL) == 0;
}

// Calls on_valid(first, size) for each well-formed run and on_invalid() for each maximal
// ill-formed subpart, in order.
template <class OnValid, class OnInvalid>
void walk_utf8(std::string_view s, OnValid on_valid, OnInvalid on_invalid) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t run_start = 0;
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && eight_ascii_bytes(p + i)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    std::size_t invalid_length = 0;
    const std::size_t length = json_text::utf8_sequence_length(p + i, n - i, invalid_length);
    if (length > 0) {
      i += length;
      continue;
    }
    on_valid(run_start, i - run_start);
    on_invalid();
    i += invalid_length;
    run_start = i;
  }
  on_valid(run_start, n - run_start);
}

// Attribute keys and values are short and nearly always ASCII: one OR over the words, one test.
bool all_ascii(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p + i, sizeof word);
    high |= word;
  }
  for (; i < n; ++i) {
    high |= p[i];
  }
  return (high & 0x8080808080808080ULL) == 0;
}

}  // namespace

Utf8Scan scan_utf8(std::string_view s) noexcept {
  if (all_ascii(s)) {
    return {s.size(), true};
  }
  Utf8Scan scan;
  walk_utf8(
      s, [&](std::size_t, std::size_t size) { scan.encoded_size += size; },
      [&] {
        scan.encoded_size += kReplacementSize;
        scan.valid = false;
      });
  return scan;
}

void ProtoWriter::write_replacing_ill_formed(std::string_view s, std::size_t encoded_size) {
  ensure(encoded_size);
  walk_utf8(
      s,
      [&](std::size_t first, std::size_t size) {
        std::memcpy(cur_, s.data() + first, size);
        cur_ += size;
      },
      [&] {
        std::memcpy(cur_, kReplacementCharacter, kReplacementSize);
        cur_ += kReplacementSize;
      });
}

ProtoWriter::ProtoWriter(std::string& out) : out_(out) {
  const std::size_t used = out_.size();
  out_.resize(used + kInitialRoom);
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

ProtoWriter::~ProtoWriter() { out_.resize(written()); }

void ProtoWriter::grow(std::size_t n) {
  const std::size_t used = written();
  out_.resize(std::max(2 * out_.size(), used + n));
  cur_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void ProtoWriter::end_message(std::size_t length_at) {
  const std::size_t payload = written() - length_at - kLengthPlaceholderBytes;
  if (payload >> (7 * kLengthPlaceholderBytes) != 0) {
    throw std::length_error("protobuf submessage too large for its length placeholder");
  }
  char* p = out_.data() + length_at;
  for (std::size_t i = 0; i + 1 < kLengthPlaceholderBytes; ++i) {
    p[i] = static_cast<char>(static_cast<std::uint8_t>(payload >> (7 * i)) | 0x80U);
  }
  p[kLengthPlaceholderBytes - 1] =
      static_cast<char>(static_cast<std::uint8_t>(payload >> (7 * (kLengthPlaceholderBytes - 1))));
}

}  // namespace edaobs::telemetry::detail
