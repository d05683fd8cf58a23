#pragma once
// The logging worker: one thread that takes records off the RecordQueue, passes each to the
// LineSink as a spdlog log_msg, and has the sink write the batch once per wake-up.
//
// It wakes in batches, not per line: it sleeps kMaxBatchDelay at a time while lines keep
// coming, and writes what gathered when the timer fires. Only after a wake-up that found no
// line does it sleep without a timer (an idle agent costs no wake-ups), and then the next line's
// caller wakes it. A caller also wakes it when the queue reaches half its capacity; otherwise a
// log call makes no syscall and takes no lock, so at a steady rate callers never wake it.
// flush() wakes it at once. The handshake that keeps a wake-up from being lost: the worker
// announces how it sleeps (seq_cst) before it looks at the queue, and a caller claims its slot
// (seq_cst) before it reads that announcement, so one of the two always sees the other. Each sleep
// has a number of its own, and the one caller that wakes it is the first to swap that number into
// woken_sleep_: a caller pre-empted between reading how the worker sleeps and that swap holds a
// stale number, so it can cost a spurious wake-up but never make a later caller skip one.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"

#include "logs/line_counters.h"
#include "logs/line_sink.h"
#include "logs/record_queue.h"

namespace edaobs::telemetry {

class LogWorker {
 public:
  // How long a queued line may wait for company before it is written. 10 ms keeps lines prompt
  // for anyone tailing the output, yet at agent rates (tens of thousands of lines/s) a wake-up
  // carries hundreds of lines in a few large writes, and 100 wake-ups/s cost next to nothing.
  // The default 4096-line queue holds 10 ms of lines up to ~400k lines/s, so the half-full
  // wake-up is only for bursts.
  static constexpr std::chrono::milliseconds kMaxBatchDelay{10};

  // Starts the thread. `queue`, `sink`, `counters` and `exporter` (may be null) must outlive the
  // worker.
  LogWorker(RecordQueue& queue, LineSink& sink, LineCounters& counters, OtlpLogExporter* exporter);
  // Stops the worker (see stop()).
  ~LogWorker();
  LogWorker(const LogWorker&) = delete;
  LogWorker& operator=(const LogWorker&) = delete;
  LogWorker(LogWorker&&) = delete;
  LogWorker& operator=(LogWorker&&) = delete;

  // The two halves of what a caller does right after it published the entry at `position`
  // (on_published); apart only so a test can pre-empt a caller between them.
  struct WakeTicket {
    std::uint64_t sleep = 0;  // the sleep the caller saw; 0: no wake-up needed
  };
  // Whether the worker needs this caller's wake-up: it sleeps without a timer, or the queue is
  // now half full.
  [[nodiscard]] WakeTicket check_wake(std::uint64_t position) const noexcept {
    const std::uint64_t sleep = sleep_state_.load(std::memory_order_seq_cst);
    const auto mode = static_cast<SleepMode>(sleep & kModeMask);
    if (mode == SleepMode::kAwake) {
      return {};
    }
    if (mode == SleepMode::kGathering) {
      const auto queued = static_cast<std::int64_t>(position + 1 - queue_.popped());
      if (queued < static_cast<std::int64_t>(wake_threshold_)) {
        return {};
      }
    }
    return {sleep};
  }
  // Wakes the worker unless another caller already woke this sleep.
  void claim_wake(WakeTicket ticket) noexcept {
    if (ticket.sleep != 0 && woken_sleep_.exchange(ticket.sleep) != ticket.sleep) {
      wake();  // one caller per sleep pays for the wake-up
    }
  }
  void on_published(std::uint64_t position) noexcept { claim_wake(check_wake(position)); }
  // For tests: the worker sleeps without a timer (only a caller or flush() can wake it), and how
  // often it has looked at the queue from that sleep (each wake-up, spurious ones included).
  [[nodiscard]] bool idle() const noexcept {
    return static_cast<SleepMode>(sleep_state_.load() & kModeMask) == SleepMode::kIdle;
  }
  [[nodiscard]] std::uint64_t idle_checks() const noexcept { return idle_checks_.load(); }

  // Waits until every line claimed before the call is written (or dropped) and the writer is
  // flushed; false if `timeout` passed first, or if called on the worker itself (a forwarder).
  bool flush(std::chrono::milliseconds timeout);

  // Writes whatever is queued, then ends the thread and joins it. Callers must be done logging.
  // Waits for the writer: bound it with flush() first.
  void stop() noexcept;

 private:
  enum class SleepMode : std::uint8_t {
    kAwake,      // draining: callers never wake it
    kIdle,       // no line for a whole period: the next line wakes it
    kGathering,  // timer running: only a half-full queue wakes it
  };
  // sleep_state_ = (number of the sleep << 2) | mode.
  static constexpr std::uint64_t kModeMask = 3;
  void announce(SleepMode mode) noexcept;
  struct Wake {
    bool stop = false;
    std::uint64_t flush_generation = 0;
  };

  void run() noexcept;
  Wake wait_for_work(bool was_busy);
  // Returns how many records it took.
  std::uint64_t drain(std::uint64_t target) noexcept;
  void deliver(QueuedRecord& record) noexcept;
  void wake() noexcept;

  RecordQueue& queue_;
  LineSink& sink_;
  LineCounters& counters_;
  OtlpLogExporter* const exporter_;
  const std::size_t wake_threshold_;

  // Read by every log call: kept apart from what the worker and flush() write.
  alignas(64) std::atomic<std::uint64_t> sleep_state_{0};  // awake, sleep 0
  std::atomic<std::uint64_t> woken_sleep_{0};              // the last sleep_state_ a caller woke
  std::uint64_t sleeps_ = 0;                               // the worker's own count
  std::atomic<std::uint64_t> idle_checks_{0};

  alignas(64) std::mutex mutex_;
  std::condition_variable wake_;     // the worker waits here
  std::condition_variable settled_;  // flush() callers wait here
  bool stop_requested_ = false;
  std::uint64_t flush_requested_ = 0;
  std::uint64_t flush_completed_ = 0;
  bool done_ = false;

  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace edaobs::telemetry
