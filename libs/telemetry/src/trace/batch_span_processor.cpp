#include "edaobs/telemetry/sdk/trace/batch_span_processor.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <pthread.h>
#include <span>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bounded_span_queue.h"
#include "span_data_pool.h"

namespace edaobs::telemetry {

using Clock = std::chrono::steady_clock;

struct BatchSpanProcessor::State {
  State(const BatchSpanProcessorOptions& opts, std::unique_ptr<SpanExporter> exp)
      : options(opts), exporter(std::move(exp)), queue(opts.max_queue_size) {}

  BatchSpanProcessorOptions options;
  std::unique_ptr<SpanExporter> exporter;
  detail::BoundedSpanQueue queue;

  // Read by every producer: kept apart from the counters the worker writes.
  alignas(64) std::atomic<bool> accepting{true};
  std::atomic<bool> worker_waiting{false};
  std::atomic<bool> wake_pending{false};

  alignas(64) std::atomic<std::uint64_t> dropped{0};
  alignas(64) std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> export_failures{0};

  std::mutex mutex;
  std::condition_variable wake;     // worker waits here
  std::condition_variable settled;  // flush and shutdown callers wait here
  bool stop = false;
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  bool worker_done = false;

  std::mutex shutdown_mutex;
  bool shut_down = false;
  bool shutdown_in_time = true;

  std::thread worker;

  [[nodiscard]] std::uint64_t queued() const noexcept { return queue.pushed() - queue.popped(); }

  // The worker's side (run()).
  struct Wake {
    bool stopping = false;
    std::uint64_t flush_generation = 0;
  };
  // Sleeps until `next_export`, a stop, a flush request or a full batch.
  Wake wait_for_work(Clock::time_point next_export) {
    std::unique_lock lock(mutex);
    wake_pending.store(false);
    worker_waiting.store(true);
    wake.wait_until(lock, next_export, [&] {
      return stop || flush_requested != flush_completed ||
             queued() >= options.max_export_batch_size;
    });
    worker_waiting.store(false);
    return Wake{stop, flush_requested};
  }

  // Exports everything pushed before `target`, in batches of at most batch.size().
  void drain_until(std::vector<std::unique_ptr<SpanData>>& batch, std::uint64_t target) {
    while (queue.popped() < target) {
      std::size_t n = 0;
      while (n < batch.size() && queue.popped() < target) {
        if (queue.try_pop(batch[n])) {
          ++n;
        } else if (n > 0) {
          break;  // a producer is still writing the next slot: export what we have first
        } else {
          std::this_thread::yield();
        }
      }
      if (n > 0) {
        export_batch(batch, n);
      }
    }
  }

  void export_batch(std::vector<std::unique_ptr<SpanData>>& batch, std::size_t n) {
    ExportResult result = ExportResult::kFailure;
    try {
      result =
          exporter->export_spans(SpanBatch(batch.data(), n), Clock::now() + options.export_timeout);
    } catch (...) {
      result = ExportResult::kFailure;
    }
    // The spent objects go back to the shared span data pool for reuse, where producer threads
    // take them (and which bounds them); the batch's slots are left null. No reset here: the
    // producer that reuses an object resets it, touching memory it is about to write anyway.
    detail::release_span_data_batch(std::span(batch.data(), n));
    if (result == ExportResult::kSuccess) {
      const std::size_t rejected = std::min<std::size_t>(n, exporter->rejected_in_last_export());
      exported.fetch_add(n - rejected, std::memory_order_release);
      if (rejected > 0) {
        failed.fetch_add(rejected, std::memory_order_release);
      }
    } else {
      failed.fetch_add(n, std::memory_order_release);
      export_failures.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Tells force_flush() callers up to `generation` that what they waited for is exported.
  void complete_flush(std::uint64_t generation) {
    bool notify = false;
    {
      std::lock_guard lock(mutex);
      if (flush_completed != generation) {
        flush_completed = generation;
        notify = true;
      }
    }
    if (notify) {
      settled.notify_all();
    }
  }

  State(const State&) = delete;
  State& operator=(const State&) = delete;
};

BatchSpanProcessor::BatchSpanProcessor(const BatchSpanProcessorOptions& options,
                                       std::unique_ptr<SpanExporter> exporter) {
  if (options.max_queue_size == 0) {
    throw std::invalid_argument("batch span processor: max_queue_size must be positive");
  }
  if (options.max_export_batch_size == 0) {
    throw std::invalid_argument("batch span processor: max_export_batch_size must be positive");
  }
  if (options.export_timeout.count() <= 0) {
    throw std::invalid_argument("batch span processor: export_timeout must be positive");
  }
  if (options.schedule_delay.count() < 0) {
    throw std::invalid_argument("batch span processor: schedule_delay must not be negative");
  }
  if (!exporter) {
    throw std::invalid_argument("batch span processor: exporter is null");
  }
  BatchSpanProcessorOptions clamped = options;
  clamped.max_export_batch_size = std::min(options.max_export_batch_size, options.max_queue_size);
  state_ = std::make_unique<State>(clamped, std::move(exporter));
  state_->worker = std::thread([this] { run(); });
  pthread_setname_np(state_->worker.native_handle(), "edaobs-bsp");
}

BatchSpanProcessor::~BatchSpanProcessor() { shutdown(); }

void BatchSpanProcessor::on_end(std::unique_ptr<SpanData>& data) noexcept {
  if (!data) {
    return;
  }
  State& s = *state_;
  if (!s.accepting.load(std::memory_order_relaxed)) {
    s.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::optional<std::uint64_t> pos = s.queue.try_push(data);
  if (!pos.has_value()) {
    s.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  // Wake a sleeping worker once a full batch is waiting. worker_waiting is read after the
  // seq_cst push and written before the worker re-reads the queue, so a wake-up is never lost.
  const auto size = static_cast<std::int64_t>(*pos + 1 - s.queue.popped());
  if (size >= static_cast<std::int64_t>(s.options.max_export_batch_size) &&
      s.worker_waiting.load() && !s.wake_pending.exchange(true)) {
    {
      std::lock_guard lock(s.mutex);
    }
    s.wake.notify_one();
  }
}

void BatchSpanProcessor::run() noexcept {
  State& s = *state_;
  std::vector<std::unique_ptr<SpanData>> batch(
      s.options.max_export_batch_size);  // null between exports
  // A zero delay would turn the timed wait into a spin.
  const auto delay = std::max(s.options.schedule_delay, std::chrono::milliseconds(1));
  auto next_export = Clock::now() + delay;
  for (;;) {
    const State::Wake wake = s.wait_for_work(next_export);
    const bool timer_due = Clock::now() >= next_export;
    s.drain_until(batch, s.queue.pushed());
    if (timer_due) {
      next_export = Clock::now() + delay;
    }
    s.complete_flush(wake.flush_generation);
    if (wake.stopping) {
      s.drain_until(batch, s.queue.pushed());  // spans that raced with the stop request
      break;
    }
  }
  {
    std::lock_guard lock(s.mutex);
    s.worker_done = true;
  }
  s.settled.notify_all();
}

bool BatchSpanProcessor::force_flush(std::chrono::milliseconds timeout) {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  if (s.worker_done) {
    return true;  // shut down: nothing can be queued any more
  }
  const std::uint64_t generation = ++s.flush_requested;
  s.wake.notify_one();
  return s.settled.wait_for(lock, timeout,
                            [&] { return s.flush_completed >= generation || s.worker_done; });
}

bool BatchSpanProcessor::shutdown(std::chrono::milliseconds timeout) {
  State& s = *state_;
  std::lock_guard guard(s.shutdown_mutex);
  if (s.shut_down) {
    return s.shutdown_in_time;
  }
  s.shut_down = true;
  s.accepting.store(false);
  bool in_time = false;
  {
    std::unique_lock lock(s.mutex);
    s.stop = true;
    s.wake.notify_one();
    in_time = s.settled.wait_for(lock, timeout, [&] { return s.worker_done; });
  }
  if (!in_time) {
    s.exporter->cancel();
  }
  if (s.worker.joinable()) {
    s.worker.join();
  }
  s.exporter->shutdown();
  s.shutdown_in_time = in_time;
  return in_time;
}

TracerStats BatchSpanProcessor::stats() const noexcept {
  const State& s = *state_;
  TracerStats stats;
  // Read downstream counters first: each figure read later can only be larger, so the
  // differences below never go negative.
  stats.spans_exported = s.exported.load(std::memory_order_acquire);
  stats.spans_failed = s.failed.load(std::memory_order_acquire);
  stats.export_failures = s.export_failures.load(std::memory_order_relaxed);
  const std::uint64_t popped = s.queue.popped();
  const std::uint64_t pushed = s.queue.pushed();
  stats.spans_dropped = s.dropped.load(std::memory_order_relaxed);
  stats.in_flight = popped - stats.spans_exported - stats.spans_failed;
  stats.queue_size = pushed - popped;
  stats.spans_ended = pushed + stats.spans_dropped;
  return stats;
}

}  // namespace edaobs::telemetry
