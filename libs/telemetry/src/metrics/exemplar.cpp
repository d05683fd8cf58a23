#include "edaobs/telemetry/metrics/exemplar.h"

#include <bit>
#include <cstring>

namespace edaobs::telemetry {

void ExemplarSlot::store(const SpanContext& context, double value,
                         std::int64_t timestamp_ns) noexcept {
  std::uint32_t sequence = sequence_.load(std::memory_order_relaxed);
  if ((sequence & 1U) != 0 ||
      !sequence_.compare_exchange_strong(sequence, sequence + 1, std::memory_order_acq_rel,
                                         std::memory_order_relaxed)) {
    return;  // another writer is storing an equally fresh exemplar
  }
  std::uint64_t trace_high = 0;
  std::uint64_t trace_low = 0;
  std::uint64_t span = 0;
  std::memcpy(&trace_high, context.trace_id.bytes.data(), 8);
  std::memcpy(&trace_low, context.trace_id.bytes.data() + 8, 8);
  std::memcpy(&span, context.span_id.bytes.data(), 8);
  // Release stores: a reader that sees any of them also sees the odd sequence stored before,
  // so its second sequence load cannot match its first. (Plain moves on x86; no fences, which
  // also keeps ThreadSanitizer able to check this.)
  trace_high_.store(trace_high, std::memory_order_release);
  trace_low_.store(trace_low, std::memory_order_release);
  span_.store(span, std::memory_order_release);
  value_bits_.store(std::bit_cast<std::uint64_t>(value), std::memory_order_release);
  timestamp_ns_.store(timestamp_ns, std::memory_order_release);
  sequence_.store(sequence + 2, std::memory_order_release);
}

std::optional<Exemplar> ExemplarSlot::load() const noexcept {
  // Bounded: a scrape must not spin behind a writer forever; a missed exemplar is harmless.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint32_t before = sequence_.load(std::memory_order_acquire);
    if ((before & 1U) != 0) continue;
    // Acquire loads keep the second sequence load after them.
    const std::uint64_t trace_high = trace_high_.load(std::memory_order_acquire);
    const std::uint64_t trace_low = trace_low_.load(std::memory_order_acquire);
    const std::uint64_t span = span_.load(std::memory_order_acquire);
    const std::uint64_t value_bits = value_bits_.load(std::memory_order_acquire);
    const std::int64_t timestamp_ns = timestamp_ns_.load(std::memory_order_acquire);
    if (sequence_.load(std::memory_order_relaxed) != before) continue;
    if (timestamp_ns == 0) return std::nullopt;
    Exemplar exemplar;
    std::memcpy(exemplar.trace_id.bytes.data(), &trace_high, 8);
    std::memcpy(exemplar.trace_id.bytes.data() + 8, &trace_low, 8);
    std::memcpy(exemplar.span_id.bytes.data(), &span, 8);
    exemplar.value = std::bit_cast<double>(value_bits);
    exemplar.timestamp_ns = timestamp_ns;
    return exemplar;
  }
  return std::nullopt;
}

}  // namespace edaobs::telemetry
