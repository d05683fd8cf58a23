#include "logs/log_worker.h"

#include <algorithm>
#include <pthread.h>
#include <signal.h>

#include <spdlog/details/log_msg.h>

namespace edaobs::telemetry {
namespace {

using Clock = std::chrono::steady_clock;

// A record that grew past this (a huge field) gives its memory back after use; typical records
// are far smaller, so their slots keep their buffers and log calls do not allocate.
constexpr std::size_t kKeptRecordBytes = 1024;

// Passed to spdlog as the logger name; the sink does not print it.
constexpr spdlog::string_view_t kLoggerName{"edaobs"};

// A closed stdout/stderr pipe must surface as EPIPE from write(2) (counted as dropped lines),
// not as a SIGPIPE that kills the process. Thread-directed, so it only affects the worker.
void block_sigpipe_on_this_thread() noexcept {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace

LogWorker::LogWorker(RecordQueue& queue, LineSink& sink, LineCounters& counters,
                     OtlpLogExporter* exporter)
    : queue_(queue),
      sink_(sink),
      counters_(counters),
      exporter_(exporter),
      wake_threshold_(std::max<std::size_t>(queue.capacity() / 2, 1)),
      thread_([this] { run(); }) {
  pthread_setname_np(thread_.native_handle(), "edaobs-log");
}

LogWorker::~LogWorker() { stop(); }

void LogWorker::wake() noexcept {
  try {
    // Taking the mutex orders this notify after the worker's check of the queue: it is either
    // still checking (and will see the line) or already waiting (and gets the notify).
    { const std::lock_guard lock(mutex_); }
    wake_.notify_one();
  } catch (...) {
    // Only a mutex failure could get here; the worker's timer still writes the line.
  }
}

void LogWorker::announce(SleepMode mode) noexcept {
  // A new number for every sleep; awake keeps the last one (callers ignore it anyway).
  if (mode != SleepMode::kAwake) ++sleeps_;
  sleep_state_.store((sleeps_ << 2) | static_cast<std::uint64_t>(mode));  // seq_cst
}

LogWorker::Wake LogWorker::wait_for_work(bool was_busy) {
  std::unique_lock lock(mutex_);
  const auto requested = [&] { return stop_requested_ || flush_requested_ != flush_completed_; };
  // Lines came in the last period, so more are likely: stay on the timer, which spares their
  // callers the wake-up. A period without any line lets the worker sleep until the next one.
  if (!was_busy && !requested() && queue_.size() == 0) {
    announce(SleepMode::kIdle);  // before the queue is read again
    wake_.wait(lock, [&] {
      idle_checks_.fetch_add(1, std::memory_order_relaxed);
      return requested() || queue_.size() != 0;
    });
  }
  if (!requested()) {
    announce(SleepMode::kGathering);
    wake_.wait_for(lock, kMaxBatchDelay,
                   [&] { return requested() || queue_.size() >= wake_threshold_; });
  }
  announce(SleepMode::kAwake);
  return Wake{stop_requested_, flush_requested_};
}

void LogWorker::run() noexcept {
  block_sigpipe_on_this_thread();
  bool was_busy = false;
  for (;;) {
    Wake wake{};
    try {
      wake = wait_for_work(was_busy);
    } catch (...) {
      // Only a mutex failure could get here: keep writing, paced by the batch delay.
      std::this_thread::sleep_for(kMaxBatchDelay);
    }
    // Callers that publish meanwhile are left for the next wake-up, so the worker does not
    // chase them line by line.
    was_busy = drain(queue_.claimed()) != 0;
    sink_.flush();
    try {
      bool completed = false;
      {
        const std::lock_guard lock(mutex_);
        if (flush_completed_ != wake.flush_generation) {
          flush_completed_ = wake.flush_generation;
          completed = true;
        }
      }
      if (completed) {
        settled_.notify_all();
      }
    } catch (...) {
      // Only a mutex failure could get here; the flush() caller times out.
    }
    if (wake.stop) {
      break;
    }
  }
  try {
    {
      const std::lock_guard lock(mutex_);
      done_ = true;
    }
    settled_.notify_all();
  } catch (...) {
  }
}

std::uint64_t LogWorker::drain(std::uint64_t target) noexcept {
  const std::uint64_t first = queue_.popped();
  while (queue_.popped() < target) {
    QueuedRecord* record = queue_.front();
    if (record == nullptr) {
      // Claimed but still being filled by its caller (a few hundred ns, unless the caller was
      // preempted): write what is batched meanwhile, then wait for it.
      sink_.write_batch();
      std::this_thread::yield();
      continue;
    }
    deliver(*record);
    queue_.pop();
  }
  return queue_.popped() - first;
}

void LogWorker::deliver(QueuedRecord& record) noexcept {
  if (record.complete) {
    // The sink reads the record in place; the slot is handed back only after it returns.
    const spdlog::details::log_msg msg(
        record.time, spdlog::source_loc{record.file, static_cast<int>(record.line), nullptr},
        kLoggerName, to_spdlog_level(record.level),
        spdlog::string_view_t(record.payload.data(), record.payload.size()));
    sink_.log(msg);
    if (exporter_ != nullptr) {
      exporter_->offer(record);  // copies the record: never waits for the export
    }
  } else {
    counters_.count_dropped(1);
  }
  record.payload.release_if_larger_than(kKeptRecordBytes);
}

bool LogWorker::flush(std::chrono::milliseconds timeout) {
  if (std::this_thread::get_id() == thread_.get_id()) {
    return false;  // the worker cannot wait for itself
  }
  std::unique_lock lock(mutex_);
  if (done_) {
    return true;  // stopped: everything was written and nothing more can be queued
  }
  const std::uint64_t generation = ++flush_requested_;
  wake_.notify_one();
  return settled_.wait_for(lock, timeout, [&] { return flush_completed_ >= generation || done_; });
}

void LogWorker::stop() noexcept {
  try {
    {
      const std::lock_guard lock(mutex_);
      stop_requested_ = true;
    }
    wake_.notify_one();
  } catch (...) {
  }
  if (thread_.joinable()) {
    try {
      thread_.join();
    } catch (...) {
    }
  }
}

}  // namespace edaobs::telemetry
