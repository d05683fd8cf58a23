#include "edaobs/telemetry/logs/logger.h"

#include <signal.h>
#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>

#include <stdexcept>
#include <utility>

#include "edaobs/telemetry/trace/span_context.h"
#include "logs/line_flow.h"
#include "logs/line_sink.h"
#include "logs/line_buffer.h"
#include "logs/log_line_formatter.h"
#include "logs/log_record.h"

namespace edaobs::telemetry {
namespace {

// Bound on how long the destructor waits for the queue to drain before stopping the worker.
constexpr std::chrono::seconds kShutdownFlushTimeout{5};

// A closed stdout/stderr pipe must surface as EPIPE from write(2) (counted as dropped lines),
// not as a SIGPIPE that kills the process. Thread-directed, so it only affects the worker.
void block_sigpipe_on_this_thread() noexcept {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

std::shared_ptr<LogWriter> writer_for(const LoggerOptions& options) {
  return options.writer ? options.writer : make_output_writer(options.output);
}

std::size_t checked_queue_size(std::size_t queue_size) {
  if (queue_size == 0) {
    throw std::invalid_argument("log queue_size: must be at least 1");
  }
  return queue_size;
}

}  // namespace

struct Logger::Impl {
  explicit Impl(const LoggerOptions& options)
      : max_value_bytes(options.max_value_bytes),
        flow(std::make_shared<LineFlow>(checked_queue_size(options.queue_size))),
        sink(std::make_shared<LineSink>(writer_for(options), flow,
                                        LogLineFormatter(options.service, options.masked_keys))),
        // spdlog's queue holds exactly as many lines as LineFlow lets in flight, so its
        // overrun_oldest policy is only a backstop that never blocks.
        pool(std::make_shared<spdlog::details::thread_pool>(options.queue_size, 1,
                                                            &block_sigpipe_on_this_thread)),
        logger(std::make_shared<spdlog::async_logger>(
            // Never registered with spdlog's registry, so several Loggers never clash.
            "edaobs", sink, pool, spdlog::async_overflow_policy::overrun_oldest)) {
    logger->set_level(spdlog::level::trace);  // filtering happens before formatting
    logger->flush_on(spdlog::level::off);     // the sink writes when the queue runs dry
    // A line lost inside spdlog is a dropped line, not a message on stderr.
    logger->set_error_handler([weak_flow = std::weak_ptr<LineFlow>(flow)](const std::string&) {
      if (auto live_flow = weak_flow.lock()) {
        live_flow->count_dropped(1);
      }
    });
  }

  std::size_t max_value_bytes;
  std::shared_ptr<LineFlow> flow;
  std::shared_ptr<LineSink> sink;
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<spdlog::async_logger> logger;
};

Logger::Logger(LoggerOptions options)
    : level_(options.level), impl_(std::make_unique<Impl>(options)) {}

Logger::~Logger() {
  flush(kShutdownFlushTimeout);
  impl_->logger.reset();
  impl_->pool.reset();  // drains whatever is still queued, then joins the worker
  impl_->sink->flush();  // the worker is gone: write anything it left batched
}

void Logger::write_line(LogLevel level, std::string_view msg, std::span<const LogField> fields,
                        const std::source_location& where) noexcept {
  Impl& impl = *impl_;
  if (!impl.flow->try_reserve()) {
    return;
  }
  try {
    // Capture at the call site: time, span ids, file:line and the values themselves. The JSON
    // is written by the worker (LineSink), off the caller's hot path.
    LineBuffer record;
    encode_log_record(record, msg, fields, active_span_context(), impl.max_value_bytes);
    // source_location's file name is a string literal, so the pointer outlives the queue.
    const spdlog::source_loc source{where.file_name(), static_cast<int>(where.line()), nullptr};
    impl.logger->log(std::chrono::system_clock::now(), source, to_spdlog_level(level),
                     spdlog::string_view_t(record.data(), record.size()));
  } catch (...) {
    // Not queued (allocation failure): give the slot back and count the line. If the worker
    // was waiting for this line to end a batch, that batch is written by the next line or at
    // destruction; flush() reports false until then.
    impl.flow->release();
    impl.flow->count_dropped(1);
  }
}

void Logger::set_forwarder(LogLevel min_level, Forwarder forwarder) {
  impl_->sink->set_forwarder(min_level, std::move(forwarder));
}

bool Logger::flush(std::chrono::milliseconds timeout) noexcept {
  // The worker writes and flushes the writer whenever the queue runs dry, so waiting for
  // "nothing in flight, nothing unwritten" is the whole flush, and it never touches a writer
  // that may be stuck.
  try {
    return impl_->flow->wait_idle(std::chrono::steady_clock::now() + timeout);
  } catch (...) {
    return false;  // only a mutex failure could get here
  }
}

std::uint64_t Logger::dropped_lines() const noexcept {
  std::uint64_t overruns = 0;
  if (impl_->pool) {
    try {
      overruns = impl_->pool->overrun_counter();
    } catch (...) {
      overruns = 0;  // only a mutex failure could get here
    }
  }
  return impl_->flow->dropped() + overruns;
}

std::uint64_t Logger::written_lines() const noexcept { return impl_->flow->written(); }

std::uint64_t Logger::forwarder_failures() const noexcept {
  return impl_->sink->forwarder_failures();
}

LoggerStats Logger::stats() const noexcept {
  LoggerStats stats;
  stats.lines_written = written_lines();
  stats.lines_dropped = dropped_lines();
  stats.forwarded_lines = impl_->sink->forwarded();
  stats.forwarder_failures = forwarder_failures();
  stats.lines_in_flight = impl_->flow->in_flight() + impl_->flow->unwritten();
  return stats;
}

}  // namespace edaobs::telemetry
