#pragma once
// What became of the lines a Logger accepted or refused: dropped (queue full, encoding or write
// failure), taken by the worker but not yet written (they sit in the sink's batch), and
// written. Callers only touch `dropped`, and only when the queue is full.
#include <atomic>
#include <cstdint>

namespace edaobs::telemetry {

class LineCounters {
 public:
  void count_dropped(std::uint64_t lines) noexcept {
    dropped_.fetch_add(lines, std::memory_order_relaxed);
  }
  void add_unwritten(std::uint64_t lines) noexcept {
    unwritten_.fetch_add(lines, std::memory_order_relaxed);
  }
  // A batch was handed to the writer: its lines are now written, or dropped if the write failed.
  void settle_unwritten(std::uint64_t lines, bool written) noexcept {
    (written ? written_ : dropped_).fetch_add(lines, std::memory_order_relaxed);
    unwritten_.fetch_sub(lines, std::memory_order_relaxed);
  }

  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(); }
  [[nodiscard]] std::uint64_t written() const noexcept { return written_.load(); }
  [[nodiscard]] std::uint64_t unwritten() const noexcept { return unwritten_.load(); }

 private:
  alignas(64) std::atomic<std::uint64_t> dropped_{0};  // apart from the worker's counters
  alignas(64) std::atomic<std::uint64_t> unwritten_{0};
  std::atomic<std::uint64_t> written_{0};
};

}  // namespace edaobs::telemetry
