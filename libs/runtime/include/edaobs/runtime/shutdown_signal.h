#pragma once
// Turns SIGINT/SIGTERM into an orderly stop request. Construct it first thing in main(), before
// any thread starts: it blocks the two signals for every thread created afterwards and waits for
// them on one dedicated thread, so no work ever runs inside a signal handler.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

namespace edaobs::runtime {

class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;
  ShutdownSignal(ShutdownSignal&&) = delete;
  ShutdownSignal& operator=(ShutdownSignal&&) = delete;

  [[nodiscard]] bool requested() const noexcept { return requested_.load(std::memory_order_acquire); }
  // Blocks until a stop is requested or the timeout passes; returns requested().
  bool wait_for(std::chrono::milliseconds timeout);
  void wait();
  // Requests a stop from inside the program (e.g. a fatal error in a worker).
  void request() noexcept;
  // The signal that caused the stop (0 when requested from inside).
  [[nodiscard]] int signal_number() const noexcept { return signal_.load(); }

 private:
  sigset_t signals_{};
  std::atomic<bool> requested_{false};
  std::atomic<int> signal_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::thread waiter_;
};

}  // namespace edaobs::runtime
