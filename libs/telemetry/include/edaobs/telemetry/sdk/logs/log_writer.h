#pragma once
// Where finished JSON lines go. The Logger's worker thread calls write() with a batch of
// complete lines, each ending in '\n' (normally one write per wake-up, at most ~64 KB), and
// flush() after each wake-up's batch. Calls never overlap.
#include <memory>
#include <string_view>

namespace edaobs::telemetry {

class LogWriter {
 public:
  virtual ~LogWriter() = default;
  // May throw; the lines of a failed write are counted as dropped.
  virtual void write(std::string_view lines) = 0;
  virtual void flush() {}
};

// "stderr" (also ""), "stdout", or a file path opened for appending (created with mode 0644).
// Throws std::invalid_argument naming the output when the file cannot be opened.
[[nodiscard]] std::shared_ptr<LogWriter> make_output_writer(std::string_view output);

}  // namespace edaobs::telemetry
