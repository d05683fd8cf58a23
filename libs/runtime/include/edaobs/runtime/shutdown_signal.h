#pragma once
// Turns SIGINT/SIGTERM into an orderly stop request, within a bounded time. Construct it first
// thing in main(), before any thread starts: it blocks the signals for every thread created
// afterwards and waits for them on one dedicated thread, so no work ever runs inside a signal
// handler.
//
// The first SIGINT/SIGTERM requests the stop (drain, commit, flush, export). From then on:
//   - a second SIGINT/SIGTERM ends the process at once (exit status 128 + signal);
//   - if the orderly stop has not finished within the deadline (set_deadline(); 0 = none), the
//     process is ended with exit status 124, so that neither a consumer close against a broker
//     that is gone nor a full stderr pipe can hang it past the grace period of its supervisor
//     (compose's stop_grace_period, Kubernetes' terminationGracePeriodSeconds).
// Either way one JSON line says why on stderr, written directly (the logger may be the thing
// that is stuck).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

#include "edaobs/runtime/settings.h"

namespace edaobs::runtime {

class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();
  ShutdownSignal(const ShutdownSignal&) = delete;
  ShutdownSignal& operator=(const ShutdownSignal&) = delete;
  ShutdownSignal(ShutdownSignal&&) = delete;
  ShutdownSignal& operator=(ShutdownSignal&&) = delete;

  [[nodiscard]] bool requested() const noexcept {
    return requested_.load(std::memory_order_acquire);
  }
  // Blocks until a stop is requested or the timeout passes; returns requested().
  bool wait_for(std::chrono::milliseconds timeout);
  void wait();
  // Requests a stop from inside the program.
  void request() noexcept;
  // Requests the stop because the agent cannot go on (e.g. a Kafka client's fatal error): the
  // same orderly stop, held to the same deadline, and exit_status() becomes `status` (the first
  // failure's status wins).
  void request_failure(int status) noexcept;
  // What main() returns after the orderly stop: 0, or the status of request_failure().
  [[nodiscard]] int exit_status() const noexcept { return exit_status_.load(); }
  // The signal that caused the stop (0 when requested from inside).
  [[nodiscard]] int signal_number() const noexcept { return signal_.load(); }
  // How long the orderly stop may take once a signal arrived (0: no limit).
  void set_deadline(std::chrono::milliseconds deadline) noexcept {
    deadline_ms_.store(deadline.count());
  }

 private:
  void watch_the_stop();

  sigset_t signals_{};
  std::atomic<bool> requested_{false};
  std::atomic<bool> finished_{false};
  std::atomic<int> signal_{0};
  std::atomic<int> exit_status_{0};
  std::atomic<std::chrono::milliseconds::rep> deadline_ms_{0};
  std::mutex mutex_;
  std::condition_variable changed_;
  std::thread waiter_;
};

// The agents' shutdown deadline setting (--shutdown-timeout / EDAOBS_SHUTDOWN_TIMEOUT, default
// 25 s: inside the 30 s grace period compose and Kubernetes give by default).
[[nodiscard]] std::chrono::milliseconds read_shutdown_deadline(Settings& settings);

}  // namespace edaobs::runtime
