#include "edaobs/telemetry/testing/memory_log_writer.h"

#include <algorithm>

namespace edaobs::telemetry {

void MemoryLogWriter::write(std::string_view lines) {
  {
    const std::lock_guard lock(mutex_);
    text_.append(lines);
    line_count_ += static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n'));
    ++write_calls_;
  }
  written_.notify_all();
}

std::string MemoryLogWriter::text() const {
  const std::lock_guard lock(mutex_);
  return text_;
}

std::vector<std::string> MemoryLogWriter::lines() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> result;
  result.reserve(line_count_);
  std::string_view rest(text_);
  while (!rest.empty()) {
    const auto newline = rest.find('\n');
    if (newline == std::string_view::npos) {
      result.emplace_back(rest);
      break;
    }
    result.emplace_back(rest.substr(0, newline));
    rest.remove_prefix(newline + 1);
  }
  return result;
}

std::size_t MemoryLogWriter::line_count() const {
  const std::lock_guard lock(mutex_);
  return line_count_;
}

std::size_t MemoryLogWriter::write_calls() const {
  const std::lock_guard lock(mutex_);
  return write_calls_;
}

bool MemoryLogWriter::wait_for_lines(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return written_.wait_for(lock, timeout, [&] { return line_count_ >= count; });
}

}  // namespace edaobs::telemetry
