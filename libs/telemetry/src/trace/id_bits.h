#pragma once
// Inline validity checks for ids on the hot path: two or one 64-bit loads instead of a call into
// a byte loop.
#include <cstdint>
#include <cstring>

#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry::detail {

inline bool nonzero(const TraceId& id) noexcept {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  std::memcpy(&hi, id.bytes.data(), 8);
  std::memcpy(&lo, id.bytes.data() + 8, 8);
  return (hi | lo) != 0;
}

inline bool nonzero(const SpanId& id) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, id.bytes.data(), 8);
  return v != 0;
}

inline bool is_valid(const SpanContext& context) noexcept {
  return nonzero(context.trace_id) && nonzero(context.span_id);
}

}  // namespace edaobs::telemetry::detail
