#pragma once
// Random trace and span ids from a per-thread xoshiro256** generator seeded from
// std::random_device: no locks, a few nanoseconds per id, never all zeros.
#include <cstdint>

#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

[[nodiscard]] TraceId generate_trace_id() noexcept;
[[nodiscard]] SpanId generate_span_id() noexcept;
// 64 random bits from the same per-thread generator (also used for retry jitter).
[[nodiscard]] std::uint64_t random_u64() noexcept;

}  // namespace edaobs::telemetry
