#include "edaobs/telemetry/trace/span_context.h"

#include <algorithm>

namespace edaobs::telemetry {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

template <std::size_t N>
void write_hex_bytes(const std::array<std::uint8_t, N>& bytes, char* out) noexcept {
  for (std::uint8_t b : bytes) {
    *out++ = kHexDigits[b >> 4];
    *out++ = kHexDigits[b & 0x0f];
  }
}

template <std::size_t N>
bool any_nonzero(const std::array<std::uint8_t, N>& bytes) noexcept {
  return std::any_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b != 0; });
}

const SpanContext kInvalidContext{};
// The active context is a pointer to a context owned by a live scope (stack discipline), so
// reading it costs one thread-local load and never copies or allocates.
thread_local const SpanContext* t_active = &kInvalidContext;

}  // namespace

bool TraceId::valid() const noexcept { return any_nonzero(bytes); }
void TraceId::write_hex(char* out) const noexcept { write_hex_bytes(bytes, out); }
std::string TraceId::hex() const {
  std::string s(32, '0');
  write_hex(s.data());
  return s;
}

bool SpanId::valid() const noexcept { return any_nonzero(bytes); }
void SpanId::write_hex(char* out) const noexcept { write_hex_bytes(bytes, out); }
std::string SpanId::hex() const {
  std::string s(16, '0');
  write_hex(s.data());
  return s;
}

const SpanContext& active_span_context() noexcept { return *t_active; }

ActiveContextScope::ActiveContextScope(const SpanContext& context) noexcept : previous_(t_active) {
  t_active = &context;
}

ActiveContextScope::~ActiveContextScope() { t_active = previous_; }

}  // namespace edaobs::telemetry
