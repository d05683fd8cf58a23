#pragma once
// The latest sampled trace that fell into one histogram bucket (OpenMetrics exemplar).
#include <atomic>
#include <cstdint>
#include <optional>

#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

struct Exemplar {
  TraceId trace_id;
  SpanId span_id;
  double value = 0.0;
  std::int64_t timestamp_ns = 0;  // wall clock, nanoseconds since the Unix epoch
};

// One exemplar behind a sequence lock. Writers never wait: a writer that finds the slot busy
// drops its exemplar, which is harmless because the concurrent writer stores one just as recent.
// Readers (scrapes) retry until they see a consistent copy. All fields are atomics so the
// lock-free protocol has no data race in the C++ memory model.
class ExemplarSlot {
 public:
  ExemplarSlot() noexcept = default;
  ExemplarSlot(const ExemplarSlot&) = delete;
  ExemplarSlot& operator=(const ExemplarSlot&) = delete;

  void store(const SpanContext& context, double value, std::int64_t timestamp_ns) noexcept;
  // nullopt when nothing was recorded yet (or, rarely, when writers kept the slot busy).
  [[nodiscard]] std::optional<Exemplar> load() const noexcept;

 private:
  std::atomic<std::uint32_t> sequence_{0};  // odd while a writer is inside
  std::atomic<std::uint64_t> trace_high_{0};
  std::atomic<std::uint64_t> trace_low_{0};
  std::atomic<std::uint64_t> span_{0};
  std::atomic<std::uint64_t> value_bits_{0};
  std::atomic<std::int64_t> timestamp_ns_{0};  // 0 means empty
};

}  // namespace edaobs::telemetry
