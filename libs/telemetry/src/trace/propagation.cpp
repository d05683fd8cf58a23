#include "edaobs/telemetry/trace/propagation.h"

#include <array>
#include <cstring>

#include "id_bits.h"

namespace edaobs::telemetry {
namespace {

constexpr std::uint8_t kNotHex = 0xff;

// Lowercase hex only: W3C Trace Context version 00 forbids uppercase.
constexpr std::array<std::uint8_t, 256> make_hex_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) {
    v = kNotHex;
  }
  for (int c = '0'; c <= '9'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kHexValue = make_hex_table();
constexpr char kHexDigits[] = "0123456789abcdef";

// The two lowercase hex characters of every byte value, so formatting is one copy per byte.
constexpr std::array<char, 512> make_hex_pairs() {
  std::array<char, 512> pairs{};
  for (std::size_t b = 0; b < 256; ++b) {
    pairs[2 * b] = kHexDigits[b >> 4];
    pairs[2 * b + 1] = kHexDigits[b & 0x0f];
  }
  return pairs;
}
constexpr std::array<char, 512> kHexPairs = make_hex_pairs();

template <std::size_t N>
void encode_hex(const std::array<std::uint8_t, N>& bytes, char* out) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    std::memcpy(out + 2 * i, kHexPairs.data() + 2 * std::size_t{bytes[i]}, 2);
  }
}

// Decodes 2*N lowercase hex chars into `out`; false on any other char. The early exit keeps GCC
// from vectorising this into a slower gather emulation.
template <std::size_t N>
bool decode_hex(const char* in, std::array<std::uint8_t, N>& out) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    const std::uint8_t hi = kHexValue[static_cast<unsigned char>(in[2 * i])];
    const std::uint8_t lo = kHexValue[static_cast<unsigned char>(in[2 * i + 1])];
    if (((hi | lo) & 0xf0) != 0) {  // kNotHex has the high bits set
      return false;
    }
    out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return true;
}

bool is_lcalpha(char c) noexcept { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_key_char(char c) noexcept {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '*' || c == '/';
}
bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_ows(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

bool all_key_chars(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_key_char(c)) {
      return false;
    }
  }
  return true;
}

// key = simple-key / multi-tenant-key
// simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// multi-tenant-key = tenant-id "@" system-id
// tenant-id = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// system-id = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
bool is_valid_key(std::string_view key) noexcept {
  const std::size_t at = key.find('@');
  if (at == std::string_view::npos) {
    return !key.empty() && key.size() <= 256 && is_lcalpha(key.front()) && all_key_chars(key);
  }
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= 241 &&
         (is_lcalpha(tenant.front()) || is_digit(tenant.front())) && all_key_chars(tenant) &&
         !system.empty() && system.size() <= 14 && is_lcalpha(system.front()) &&
         all_key_chars(system);
}

// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr;
// nblk-chr = %x21-2B / %x2D-3C / %x3E-7E  (no ',' and no '=')
bool is_valid_value(std::string_view value) noexcept {
  if (value.empty() || value.size() > 256 || value.back() == ' ') {
    return false;
  }
  for (char c : value) {
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
      return false;
    }
  }
  return true;
}

}  // namespace

TextMapCarrier::~TextMapCarrier() = default;

void format_traceparent(const SpanContext& context, char* out) noexcept {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  encode_hex(context.trace_id.bytes, out + 3);
  out[35] = '-';
  encode_hex(context.span_id.bytes, out + 36);
  out[52] = '-';
  std::memcpy(out + 53, kHexPairs.data() + 2 * std::size_t{context.trace_flags}, 2);
}

std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept {
  if (value.size() < kTraceparentSize) {
    return std::nullopt;
  }
  std::array<std::uint8_t, 1> version{};
  if (!decode_hex(value.data(), version) || version[0] == 0xff) {
    return std::nullopt;
  }
  if (version[0] == 0x00) {
    if (value.size() != kTraceparentSize) {
      return std::nullopt;
    }
  } else if (value.size() > kTraceparentSize && value[kTraceparentSize] != '-') {
    // A future version may append fields, but only after another '-'.
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  SpanContext context;
  std::array<std::uint8_t, 1> flags{};
  if (!decode_hex(value.data() + 3, context.trace_id.bytes) ||
      !decode_hex(value.data() + 36, context.span_id.bytes) ||
      !decode_hex(value.data() + 53, flags)) {
    return std::nullopt;
  }
  if (!detail::is_valid(context)) {
    return std::nullopt;
  }
  context.trace_flags = flags[0];
  context.is_remote = true;
  return context;
}

bool is_valid_tracestate(std::string_view value) noexcept {
  std::size_t members = 0;
  while (true) {
    const std::size_t comma = value.find(',');
    const std::string_view member = trim_ows(value.substr(0, comma));
    if (!member.empty()) {  // empty list members are allowed and do not count
      if (++members > kMaxTracestateMembers) {
        return false;
      }
      const std::size_t eq = member.find('=');
      if (eq == std::string_view::npos || !is_valid_key(member.substr(0, eq)) ||
          !is_valid_value(member.substr(eq + 1))) {
        return false;
      }
    }
    if (comma == std::string_view::npos) {
      return true;
    }
    value.remove_prefix(comma + 1);
  }
}

void inject(const SpanContext& context, TextMapCarrier& carrier) {
  if (!detail::is_valid(context)) {
    return;
  }
  char traceparent[kTraceparentSize];
  format_traceparent(context, traceparent);
  carrier.set(kTraceparentHeader, std::string_view(traceparent, kTraceparentSize));
  if (!context.trace_state.empty()) {
    carrier.set(kTracestateHeader, context.trace_state);
  }
}

std::optional<SpanContext> extract(const TextMapCarrier& carrier) {
  const std::optional<std::string_view> traceparent = carrier.get(kTraceparentHeader);
  if (!traceparent.has_value()) {
    return std::nullopt;
  }
  // Not trimmed: the W3C rules demand the exact length; HTTP parsers already strip OWS.
  std::optional<SpanContext> context = parse_traceparent(*traceparent);
  if (!context.has_value()) {
    return std::nullopt;
  }
  if (const std::optional<std::string_view> tracestate = carrier.get(kTracestateHeader)) {
    const std::string_view trimmed = trim_ows(*tracestate);
    if (!trimmed.empty() && is_valid_tracestate(trimmed)) {
      context->trace_state.assign(trimmed);
    }
  }
  return context;
}

}  // namespace edaobs::telemetry
