#pragma once
// The spdlog sink behind a Logger. The logging worker (logs/log_worker.h) calls log() with each
// queued record as a spdlog log_msg: the sink turns the record (logs/log_record.h) into a JSON
// line appended to a batch and hands WARN/ERROR lines to the forwarder. The batch goes to the
// writer in one write() when the worker calls flush() (once per wake-up) or when it reaches
// kBatchBytes, so a write(2) carries many lines. Only the worker calls log() and flush() while
// it runs, and the Logger only after it stopped, so the batch needs no lock; a stuck writer can
// stall the worker but never a caller. spdlog's pattern formatter is not used: it cannot produce
// correct JSON, and the line is complete when it leaves this sink.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/sink.h>

#include "edaobs/telemetry/logs/log_level.h"
#include "edaobs/telemetry/sdk/logs/log_writer.h"

#include "logs/line_counters.h"
#include "logs/log_line_formatter.h"
#include "logs/log_record.h"

namespace edaobs::telemetry {

class LineSink final : public spdlog::sinks::sink {
 public:
  using Forwarder = std::function<void(std::string_view json_line)>;

  using ExtraSinks = std::vector<std::shared_ptr<spdlog::sinks::sink>>;

  // `counters` must outlive the sink. `extra_sinks` get each finished line too (pattern "%v").
  LineSink(std::shared_ptr<LogWriter> writer, LineCounters& counters, LogLineFormatter formatter,
           ExtraSinks extra_sinks = {});

  // Never throws: a record that cannot be formatted is counted as dropped.
  void log(const spdlog::details::log_msg& msg) override;
  // Writes the batch, then flushes the writer.
  void flush() override;
  void set_pattern(const std::string& /*pattern*/) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter> /*formatter*/) override {}

  // Writes the batch without flushing the writer.
  void write_batch() noexcept;

  void set_forwarder(LogLevel min_level, Forwarder forwarder);
  [[nodiscard]] std::uint64_t forwarded() const noexcept { return forwarded_.load(); }
  [[nodiscard]] std::uint64_t sink_failures() const noexcept { return sink_failures_.load(); }
  [[nodiscard]] std::uint64_t forwarder_failures() const noexcept {
    return forwarder_failures_.load();
  }

 private:
  void forward(const spdlog::details::log_msg& msg, std::string_view line) noexcept;
  void to_extra_sinks(const spdlog::details::log_msg& msg, std::string_view line) noexcept;

  // Large writes, and a bound on what one busy wake-up holds back from the output.
  static constexpr std::size_t kBatchBytes = 64 * 1024;

  std::shared_ptr<LogWriter> writer_;
  LineCounters& counters_;

  const LogLineFormatter formatter_;

  std::string batch_;
  std::uint64_t batch_lines_ = 0;
  DecodedRecord record_;  // scratch, reused so decoding does not allocate

  std::mutex forwarder_mutex_;  // held while the forwarder runs, so replacing it waits
  Forwarder forwarder_;
  spdlog::level::level_enum forward_min_ = spdlog::level::off;
  std::atomic<bool> has_forwarder_{false};
  std::atomic<std::uint64_t> forwarded_{0};
  std::atomic<std::uint64_t> forwarder_failures_{0};

  const ExtraSinks extra_sinks_;
  std::atomic<std::uint64_t> sink_failures_{0};
};

spdlog::level::level_enum to_spdlog_level(LogLevel level) noexcept;
LogLevel from_spdlog_level(spdlog::level::level_enum level) noexcept;

}  // namespace edaobs::telemetry
