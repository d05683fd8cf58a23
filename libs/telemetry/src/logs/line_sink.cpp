#include "logs/line_sink.h"

#include <stdexcept>
#include <utility>

namespace edaobs::telemetry {

spdlog::level::level_enum to_spdlog_level(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

LogLevel from_spdlog_level(spdlog::level::level_enum level) noexcept {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarn;
    default:
      return LogLevel::kError;
  }
}

LineSink::LineSink(std::shared_ptr<LogWriter> writer, LineCounters& counters,
                   LogLineFormatter formatter, ExtraSinks extra_sinks)
    : writer_(std::move(writer)),
      counters_(counters),
      formatter_(std::move(formatter)),
      extra_sinks_(std::move(extra_sinks)) {
  batch_.reserve(kBatchBytes + 4096);
  record_.fields.reserve(16);
  for (const auto& extra : extra_sinks_) {
    if (!extra) throw std::invalid_argument("log sinks: a sink is null");
    extra->set_pattern("%v");  // the line is complete JSON; the sink adds only its end of line
  }
}

void LineSink::log(const spdlog::details::log_msg& msg) {
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  const std::size_t line_start = batch_.size();
  bool formatted = false;
  try {
    if (decode_log_record(payload, record_)) {
      const std::string_view file =
          msg.source.filename != nullptr ? std::string_view(msg.source.filename) : "";
      formatter_.format(batch_, from_spdlog_level(msg.level), msg.time, file, msg.source.line,
                        record_);
      formatted = true;
    }
  } catch (...) {
    batch_.resize(line_start);  // drop a half-written line
  }
  if (!formatted) {
    counters_.count_dropped(1);
    return;
  }
  ++batch_lines_;
  counters_.add_unwritten(1);
  if (has_forwarder_.load(std::memory_order_acquire)) {
    forward(msg, std::string_view(batch_).substr(line_start));
  }
  if (!extra_sinks_.empty()) {
    to_extra_sinks(msg, std::string_view(batch_).substr(line_start));
  }
  if (batch_.size() >= kBatchBytes) {
    write_batch();
  }
}

void LineSink::to_extra_sinks(const spdlog::details::log_msg& msg, std::string_view line) noexcept {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
  }
  const spdlog::details::log_msg finished(msg.time, msg.source, msg.logger_name, msg.level,
                                          spdlog::string_view_t(line.data(), line.size()));
  for (const auto& extra : extra_sinks_) {
    try {
      if (extra->should_log(msg.level)) extra->log(finished);
    } catch (...) {
      sink_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void LineSink::flush() {
  for (const auto& extra : extra_sinks_) {
    try {
      extra->flush();
    } catch (...) {
      sink_failures_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  write_batch();
  try {
    writer_->flush();
  } catch (...) {
    // The lines were handed over by write(); a failed flush has nothing more to count.
  }
}

void LineSink::write_batch() noexcept {
  if (batch_lines_ == 0) {
    return;
  }
  bool written = false;
  try {
    writer_->write(batch_);
    written = true;
  } catch (...) {
    written = false;  // counted below as dropped
  }
  counters_.settle_unwritten(batch_lines_, written);
  batch_.clear();
  batch_lines_ = 0;
}

void LineSink::forward(const spdlog::details::log_msg& msg, std::string_view line) noexcept {
  const std::lock_guard lock(forwarder_mutex_);
  if (!forwarder_ || msg.level < forward_min_) {
    return;
  }
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
  }
  try {
    forwarder_(line);
    forwarded_.fetch_add(1, std::memory_order_relaxed);
  } catch (...) {
    forwarder_failures_.fetch_add(1, std::memory_order_relaxed);
  }
}

void LineSink::set_forwarder(LogLevel min_level, Forwarder forwarder) {
  const std::lock_guard lock(forwarder_mutex_);
  forwarder_ = std::move(forwarder);
  forward_min_ = to_spdlog_level(min_level);
  has_forwarder_.store(static_cast<bool>(forwarder_), std::memory_order_release);
}

}  // namespace edaobs::telemetry
