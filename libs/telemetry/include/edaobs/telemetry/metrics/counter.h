#pragma once
// A monotonically increasing value. Updates are one relaxed atomic RMW and never allocate.
#include <atomic>
#include <bit>
#include <cstdint>
#include <optional>

#include "edaobs/telemetry/metrics/exemplar.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

// Whole-number increments (the common case: events, errors) go to an integer cell with one
// `lock xadd`, which never retries under contention and is exact beyond 2^53. Fractional
// increments (e.g. seconds of CPU) go to a second cell holding the bits of a double, updated by a
// compare-exchange loop. The exposed value is the sum of both cells.
// Aligned to a cache line so that counters cached by different threads do not false-share.
class alignas(64) Counter {
 public:
  Counter() noexcept = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void inc() noexcept { whole_.fetch_add(1, std::memory_order_relaxed); }
  // Adds `v`. Negative and NaN increments are ignored: a counter never goes down.
  void inc(double v) noexcept {
    // 2^53: below it every whole double converts to uint64 exactly. NaN fails the comparison.
    if (v >= 0.0 && v < 9007199254740992.0) {
      const auto whole = static_cast<std::uint64_t>(v);
      if (static_cast<double>(whole) == v) {
        whole_.fetch_add(whole, std::memory_order_relaxed);
        return;
      }
    } else if (!(v > 0.0)) {
      return;
    }
    add_fraction(v);
  }

  // Adds `v` and, when `exemplar` is valid and sampled, keeps it as the counter's OpenMetrics
  // exemplar (plain inc() never looks at the active span: it stays a single atomic add).
  void inc(double v, const SpanContext& exemplar) noexcept {
    inc(v);
    if (exemplar.sampled() && exemplar.valid() && v >= 0.0) store_exemplar(exemplar, v);
  }

  [[nodiscard]] double value() const noexcept {
    return static_cast<double>(whole_.load(std::memory_order_relaxed)) + fraction();
  }
  // Exact integer part, for exposition of large whole counts without rounding.
  [[nodiscard]] std::uint64_t whole_part() const noexcept {
    return whole_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] double fractional_part() const noexcept { return fraction(); }
  [[nodiscard]] std::optional<Exemplar> exemplar() const noexcept { return exemplar_.load(); }

 private:
  void add_fraction(double v) noexcept {
    std::uint64_t old_bits = fraction_bits_.load(std::memory_order_relaxed);
    while (!fraction_bits_.compare_exchange_weak(
        old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + v),
        std::memory_order_relaxed, std::memory_order_relaxed)) {
    }
  }
  void store_exemplar(const SpanContext& context, double v) noexcept;
  [[nodiscard]] double fraction() const noexcept {
    return std::bit_cast<double>(fraction_bits_.load(std::memory_order_relaxed));
  }

  std::atomic<std::uint64_t> whole_{0};
  std::atomic<std::uint64_t> fraction_bits_{0};  // bits of +0.0
  ExemplarSlot exemplar_;
};

}  // namespace edaobs::telemetry
