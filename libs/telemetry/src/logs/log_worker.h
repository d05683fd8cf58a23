#pragma once
// The logging worker: one thread that takes records off the RecordQueue, passes each to the
// LineSink as a spdlog log_msg, and has the sink write the batch once per wake-up.
//
// It wakes in batches, not per line: it sleeps kMaxBatchDelay at a time while lines keep
// coming, and writes what gathered when the timer fires. Only after a wake-up that found no
// line does it sleep without a timer (an idle agent costs no wake-ups), and then the next line's
// caller wakes it. A caller also wakes it when the queue reaches half its capacity; otherwise a
// log call makes no syscall and takes no lock, so at a steady rate callers never wake it.
// flush() wakes it at once. The handshake that keeps a wake-up from being lost: the worker announces
// how it sleeps (seq_cst) before it looks at the queue, and a caller claims its slot (seq_cst)
// before it reads that announcement, so one of the two always sees the other.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

#include "edaobs/telemetry/logs/otlp_log_exporter.h"
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

  // Called by a caller right after it published the entry at `position`. Wakes the worker if
  // this line is the first one it waits for, or if the queue is now half full.
  void on_published(std::uint64_t position) noexcept {
    const SleepMode mode = sleep_mode_.load(std::memory_order_seq_cst);
    if (mode == SleepMode::kAwake) {
      return;
    }
    if (mode == SleepMode::kGathering) {
      const auto queued = static_cast<std::int64_t>(position + 1 - queue_.popped());
      if (queued < static_cast<std::int64_t>(wake_threshold_)) {
        return;
      }
    }
    if (!wake_pending_.exchange(true)) {
      wake();  // one caller per sleep pays for the wake-up
    }
  }

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
  alignas(64) std::atomic<SleepMode> sleep_mode_{SleepMode::kAwake};
  std::atomic<bool> wake_pending_{false};

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
