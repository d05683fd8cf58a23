#pragma once
// A LogWriter for tests whose write() blocks until the test opens the gate: a disk or pipe that
// hangs, so the worker is stuck and the queue fills and stays full.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string_view>

#include "edaobs/telemetry/sdk/logs/log_writer.h"

namespace edaobs::telemetry {

class GatedWriter final : public LogWriter {
 public:
  void write(std::string_view lines) override {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    lines_ += static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
  }
  bool wait_entered(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [this] { return entered_ > 0; });
  }
  void open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  std::size_t lines() {
    const std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
  std::size_t lines_ = 0;
};

}  // namespace edaobs::telemetry
