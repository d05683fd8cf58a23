#pragma once
// Accounting shared by the Logger (callers) and its sink (the spdlog worker): lines in flight
// (accepted, not yet taken by the worker), lines taken but not yet written, lines written and
// dropped, and a way for flush() to wait until everything accepted has been written.
//
// Callers reserve a slot before queueing a line and the worker releases it when it takes the
// line, so at most `capacity` lines are ever queued. A caller that finds no free slot drops its
// line at once (discard-newest), which keeps every log call non-blocking. The reservation never
// over-counts, not even for a moment, so the worker's "that was the last queued line" is exact.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace edaobs::telemetry {

class LineFlow {
 public:
  explicit LineFlow(std::size_t capacity) noexcept : capacity_(capacity) {}

  // False (and the line counted as dropped) when `capacity` lines are already in flight.
  bool try_reserve() noexcept {
    std::size_t current = in_flight_.load(std::memory_order_relaxed);
    do {
      if (current >= capacity_) {
        count_dropped(1);
        return false;
      }
    } while (!in_flight_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel,
                                               std::memory_order_relaxed));
    return true;
  }

  // Gives a slot back; true when nothing is in flight any more.
  bool release() noexcept { return in_flight_.fetch_sub(1, std::memory_order_acq_rel) == 1; }

  // Worker side: lines taken from the queue but not yet written (they sit in the batch).
  void add_unwritten(std::uint64_t lines) noexcept { unwritten_.fetch_add(lines); }
  void settle_unwritten(std::uint64_t lines, bool written) noexcept {
    (written ? written_ : dropped_).fetch_add(lines, std::memory_order_relaxed);
    unwritten_.fetch_sub(lines);
  }

  // Wakes flush() waiters if everything accepted has been written or dropped. Called by the
  // worker after it changed the counters.
  void notify_if_idle() {
    if (idle_waiters_.load() > 0 && idle()) {
      { const std::lock_guard lock(idle_mutex_); }
      idle_.notify_all();
    }
  }

  bool wait_idle(std::chrono::steady_clock::time_point deadline) {
    idle_waiters_.fetch_add(1);
    bool reached = false;
    {
      std::unique_lock lock(idle_mutex_);
      reached = idle_.wait_until(lock, deadline, [this] { return idle(); });
    }
    idle_waiters_.fetch_sub(1);
    return reached;
  }

  void count_dropped(std::uint64_t lines) noexcept {
    dropped_.fetch_add(lines, std::memory_order_relaxed);
  }

  [[nodiscard]] bool idle() const noexcept { return in_flight_.load() == 0 && unwritten_.load() == 0; }
  [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_.load(); }
  [[nodiscard]] std::uint64_t unwritten() const noexcept { return unwritten_.load(); }
  [[nodiscard]] std::uint64_t written() const noexcept { return written_.load(); }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(); }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> in_flight_{0};
  std::atomic<std::uint64_t> unwritten_{0};
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<int> idle_waiters_{0};
  std::mutex idle_mutex_;
  std::condition_variable idle_;
};

}  // namespace edaobs::telemetry
