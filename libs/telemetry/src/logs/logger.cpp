#include "edaobs/telemetry/logs/logger.h"

#include <stdexcept>
#include <utility>

#include "edaobs/telemetry/trace/span_context.h"

#include "logs/line_counters.h"
#include "logs/line_sink.h"
#include "logs/log_line_formatter.h"
#include "logs/log_record.h"
#include "logs/log_worker.h"
#include "logs/record_queue.h"

namespace edaobs::telemetry {
namespace {

// Bound on how long the destructor waits for the queue to drain before stopping the worker.
constexpr std::chrono::seconds kShutdownFlushTimeout{5};

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

// Callers fill `queue`; `worker` drains it through `sink` (spdlog's sink interface), which
// writes to the LogWriter. Declared in dependency order: the worker is destroyed (stopped)
// first, while everything it uses is still alive.
struct Logger::Impl {
  explicit Impl(const LoggerOptions& options)
      : max_value_bytes(options.max_value_bytes),
        queue(checked_queue_size(options.queue_size)),
        sink(writer_for(options), counters, LogLineFormatter(options.service, options.masked_keys),
             options.sinks),
        exporter(options.otlp_exporter),
        worker(queue, sink, counters, exporter.get()) {}

  std::size_t max_value_bytes;
  LineCounters counters;
  RecordQueue queue;
  LineSink sink;
  std::shared_ptr<OtlpLogExporter> exporter;
  LogWorker worker;
};

Logger::Logger(LoggerOptions options)
    : level_(options.level), impl_(std::make_unique<Impl>(options)) {}

Logger::~Logger() {
  flush(kShutdownFlushTimeout);
  impl_->worker.stop();  // writes what is still queued, then joins the worker
}

void Logger::write_line(LogLevel level, std::string_view msg, std::span<const LogField> fields,
                        const std::source_location& where) noexcept {
  Impl& impl = *impl_;
  std::uint64_t position = 0;
  {
    RecordQueue::Claim claim = impl.queue.try_claim();
    if (!claim) {
      impl.counters.count_dropped(1);  // full: discard the newest line, never wait
      return;
    }
    // Capture at the call site: time, span ids, file:line and the values themselves, encoded
    // straight into the slot. The JSON is written by the worker, off the caller's hot path.
    QueuedRecord& record = claim.value();
    record.time = std::chrono::system_clock::now();
    record.file = where.file_name();
    record.line = where.line();
    record.level = level;
    record.payload.clear();
    try {
      encode_log_record(record.payload, msg, fields, active_span_context(), impl.max_value_bytes);
      record.complete = true;
    } catch (...) {
      record.complete = false;  // allocation failure: the worker counts the line as dropped
    }
    position = claim.position();
  }  // published here
  impl.worker.on_published(position);
}

void Logger::set_forwarder(LogLevel min_level, Forwarder forwarder) {
  impl_->sink.set_forwarder(min_level, std::move(forwarder));
}

bool Logger::flush(std::chrono::milliseconds timeout) noexcept {
  try {
    return impl_->worker.flush(timeout);
  } catch (...) {
    return false;  // only a mutex failure could get here
  }
}

std::uint64_t Logger::dropped_lines() const noexcept { return impl_->counters.dropped(); }

std::uint64_t Logger::written_lines() const noexcept { return impl_->counters.written(); }

std::uint64_t Logger::forwarder_failures() const noexcept {
  return impl_->sink.forwarder_failures();
}

LoggerStats Logger::stats() const noexcept {
  LoggerStats stats;
  stats.lines_written = written_lines();
  stats.lines_dropped = dropped_lines();
  stats.forwarded_lines = impl_->sink.forwarded();
  stats.forwarder_failures = forwarder_failures();
  stats.sink_failures = impl_->sink.sink_failures();
  stats.lines_in_flight =
      static_cast<std::size_t>(impl_->queue.size() + impl_->counters.unwritten());
  return stats;
}

}  // namespace edaobs::telemetry
