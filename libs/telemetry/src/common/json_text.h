#pragma once
// Appending JSON text to a character buffer (anything with append(first, last) and push_back,
// e.g. std::string). Header-only so the hot path inlines it.
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace edaobs::telemetry::json_text {

// Appends [first, first + size). std::string gets its (pointer, count) overload: the iterator
// pair overload goes through replace(), whose aliasing checks cost more than the copy here.
template <class Buffer>
inline void append_bytes(Buffer& out, const char* first, std::size_t size) {
  if constexpr (std::is_same_v<Buffer, std::string>) {
    out.append(first, size);
  } else {
    out.append(first, first + size);
  }
}

template <class Buffer>
inline void append(Buffer& out, std::string_view text) {
  append_bytes(out, text.data(), text.size());
}

enum class ByteClass : std::uint8_t { kPlain, kEscape, kNonAscii };

// Printable ASCII other than '"' and '\\' is copied as is; everything else needs a look.
constexpr std::array<ByteClass, 256> make_byte_classes() {
  std::array<ByteClass, 256> classes{};
  for (std::size_t c = 0; c < 256; ++c) {
    if (c < 0x20 || c == '"' || c == '\\') {
      classes[c] = ByteClass::kEscape;
    } else if (c >= 0x80) {
      classes[c] = ByteClass::kNonAscii;
    } else {
      classes[c] = ByteClass::kPlain;
    }
  }
  return classes;
}
inline constexpr std::array<ByteClass, 256> kByteClasses = make_byte_classes();

// Length of the well-formed UTF-8 sequence at `p` (2..4 bytes, Unicode Table 3-7), or 0 when
// it is ill-formed; then `invalid_length` is the maximal subpart to replace with one U+FFFD.
inline std::size_t utf8_sequence_length(const unsigned char* p, std::size_t available,
                                        std::size_t& invalid_length) noexcept {
  const unsigned char lead = p[0];
  std::size_t continuation = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
  } else if (lead == 0xE0) {
    continuation = 2;
    low = 0xA0;  // no overlongs
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    continuation = 2;
  } else if (lead == 0xED) {
    continuation = 2;
    high = 0x9F;  // no surrogates
  } else if (lead == 0xF0) {
    continuation = 3;
    low = 0x90;  // no overlongs
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    continuation = 3;
  } else if (lead == 0xF4) {
    continuation = 3;
    high = 0x8F;  // nothing above U+10FFFF
  } else {
    invalid_length = 1;
    return 0;
  }
  for (std::size_t i = 1; i <= continuation; ++i) {
    if (i >= available || p[i] < low || p[i] > high) {
      invalid_length = i;
      return 0;
    }
    low = 0x80;
    high = 0xBF;
  }
  return continuation + 1;
}

template <class Buffer>
inline void append_control_escape(Buffer& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"':
      append(out, "\\\"");
      break;
    case '\\':
      append(out, "\\\\");
      break;
    case '\b':
      append(out, "\\b");
      break;
    case '\f':
      append(out, "\\f");
      break;
    case '\n':
      append(out, "\\n");
      break;
    case '\r':
      append(out, "\\r");
      break;
    case '\t':
      append(out, "\\t");
      break;
    default: {
      const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0x0F]};
      append_bytes(out, escaped, sizeof escaped);
    }
  }
}

// True when none of the 8 bytes at `p` needs a look: no control character, quote, backslash
// or non-ASCII byte. Classic SWAR tests, exact (no false "plain").
inline bool eight_plain_bytes(const unsigned char* p) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  const auto has_zero_byte = [&](std::uint64_t v) { return (v - kOnes) & ~v & kHighBits; };
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word & kHighBits;
  const std::uint64_t quote = has_zero_byte(word ^ (kOnes * '"'));
  const std::uint64_t backslash = has_zero_byte(word ^ (kOnes * '\\'));
  return ((word & kHighBits) | below_space | quote | backslash) == 0;
}

// Appends the escaped body of a JSON string (no quotes). Runs of plain bytes and of valid
// multi-byte sequences are copied in one append.
template <class Buffer>
inline void append_escaped(Buffer& out, std::string_view text) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = begin + text.size();
  const unsigned char* run = begin;
  const unsigned char* p = begin;
  const auto flush_run = [&] {
    if (run != p) {
      append_bytes(out, reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    }
  };
  while (p != end) {
    if (end - p >= 8 && eight_plain_bytes(p)) {
      p += 8;
      continue;
    }
    const ByteClass cls = kByteClasses[*p];
    if (cls == ByteClass::kPlain) {
      ++p;
      continue;
    }
    if (cls == ByteClass::kNonAscii) {
      std::size_t invalid_length = 0;
      const std::size_t valid =
          utf8_sequence_length(p, static_cast<std::size_t>(end - p), invalid_length);
      if (valid != 0) {
        p += valid;
        continue;
      }
      flush_run();
      append(out, "\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      p += invalid_length;
      run = p;
      continue;
    }
    flush_run();
    append_control_escape(out, *p);
    ++p;
    run = p;
  }
  flush_run();
}

// Ends a string value that was cut to LoggerOptions::max_value_bytes.
inline constexpr std::string_view kTruncatedMarker = "...[truncated]";

template <class Buffer>
inline void append_int(Buffer& out, std::int64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  append_bytes(out, digits, static_cast<std::size_t>(result.ptr - digits));
}

// Shortest round-trip form; JSON has no NaN or infinity, so those become null.
template <class Buffer>
inline void append_double(Buffer& out, double value) {
  if (!std::isfinite(value)) {
    append(out, "null");
    return;
  }
  char digits[32];
  const auto result = std::to_chars(digits, digits + sizeof digits, value);
  append_bytes(out, digits, static_cast<std::size_t>(result.ptr - digits));
}

}  // namespace edaobs::telemetry::json_text
