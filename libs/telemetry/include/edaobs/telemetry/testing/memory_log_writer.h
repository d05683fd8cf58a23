#pragma once
// A LogWriter that keeps every line in memory: for tests and for tools that inspect their own
// logs. Thread-safe; wait_for_lines() lets a test wait on a condition instead of sleeping.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/sdk/logs/log_writer.h"

namespace edaobs::telemetry {

class MemoryLogWriter final : public LogWriter {
 public:
  void write(std::string_view lines) override;

  // Everything written, byte for byte.
  [[nodiscard]] std::string text() const;
  // The lines written so far, without their '\n'.
  [[nodiscard]] std::vector<std::string> lines() const;
  [[nodiscard]] std::size_t line_count() const;
  [[nodiscard]] std::size_t write_calls() const;
  // True once at least `count` lines were written, false if `timeout` passed first.
  [[nodiscard]] bool wait_for_lines(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable written_;
  std::string text_;
  std::size_t line_count_ = 0;
  std::size_t write_calls_ = 0;
};

}  // namespace edaobs::telemetry
