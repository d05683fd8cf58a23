#pragma once
// A value that goes up and down. set() is one atomic store; inc()/dec() a compare-exchange loop
// on the bits of a double. Never allocates.
#include <atomic>
#include <bit>
#include <cstdint>

namespace edaobs::telemetry {

class alignas(64) Gauge {
 public:
  Gauge() noexcept = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void set(double v) noexcept {
    bits_.store(std::bit_cast<std::uint64_t>(v), std::memory_order_relaxed);
  }
  void inc(double v = 1.0) noexcept { add(v); }
  void dec(double v = 1.0) noexcept { add(-v); }
  // Sets the gauge to the current wall-clock time in seconds since the Unix epoch.
  void set_to_current_time() noexcept;

  [[nodiscard]] double value() const noexcept {
    return std::bit_cast<double>(bits_.load(std::memory_order_relaxed));
  }

 private:
  void add(double v) noexcept {
    std::uint64_t old_bits = bits_.load(std::memory_order_relaxed);
    while (!bits_.compare_exchange_weak(
        old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + v),
        std::memory_order_relaxed, std::memory_order_relaxed)) {
    }
  }

  std::atomic<std::uint64_t> bits_{0};  // bits of +0.0
};

}  // namespace edaobs::telemetry
