#pragma once
// The spdlog sink behind a Logger. It runs on spdlog's worker thread: it turns each captured
// record (logs/log_record.h) into a JSON line appended to a batch, writes the batch (and flushes
// the writer) when the queue runs dry or the batch is large, and hands lines to the forwarder.
// Only this thread calls the writer while the worker runs, so a stuck writer can stall the
// worker but never a caller. spdlog's pattern formatter is not used at all: it cannot produce
// correct JSON, and the line is complete when it leaves this sink.
#include <spdlog/sinks/sink.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "edaobs/telemetry/logs/log_level.h"
#include "edaobs/telemetry/logs/log_writer.h"
#include "logs/line_flow.h"
#include "logs/log_line_formatter.h"
#include "logs/log_record.h"

namespace edaobs::telemetry {

class LineSink final : public spdlog::sinks::sink {
 public:
  using Forwarder = std::function<void(std::string_view json_line)>;

  LineSink(std::shared_ptr<LogWriter> writer, std::shared_ptr<LineFlow> flow,
           LogLineFormatter formatter);

  void log(const spdlog::details::log_msg& msg) override;
  // Writes what is batched and flushes the writer. The Logger calls it only once the worker
  // has stopped; spdlog never does (no flush messages are queued, flush_on is off).
  void flush() override;
  void set_pattern(const std::string& /*pattern*/) override {}
  void set_formatter(std::unique_ptr<spdlog::formatter> /*formatter*/) override {}

  void set_forwarder(LogLevel min_level, Forwarder forwarder);
  [[nodiscard]] std::uint64_t forwarded() const noexcept { return forwarded_.load(); }
  [[nodiscard]] std::uint64_t forwarder_failures() const noexcept {
    return forwarder_failures_.load();
  }

 private:
  void write_batch_locked(bool flush_writer) noexcept;
  void forward(const spdlog::details::log_msg& msg, std::string_view line) noexcept;

  // Write in large pieces, but do not let a busy queue hold lines back for long.
  static constexpr std::size_t kBatchBytes = 64 * 1024;

  std::shared_ptr<LogWriter> writer_;
  std::shared_ptr<LineFlow> flow_;

  const LogLineFormatter formatter_;

  std::mutex batch_mutex_;  // guards batch_, batch_lines_ and record_
  std::string batch_;
  std::uint64_t batch_lines_ = 0;
  DecodedRecord record_;  // scratch, reused so decoding does not allocate

  std::mutex forwarder_mutex_;  // held while the forwarder runs, so replacing it waits
  Forwarder forwarder_;
  spdlog::level::level_enum forward_min_ = spdlog::level::off;
  std::atomic<bool> has_forwarder_{false};
  std::atomic<std::uint64_t> forwarded_{0};
  std::atomic<std::uint64_t> forwarder_failures_{0};
};

spdlog::level::level_enum to_spdlog_level(LogLevel level) noexcept;
LogLevel from_spdlog_level(spdlog::level::level_enum level) noexcept;

}  // namespace edaobs::telemetry
