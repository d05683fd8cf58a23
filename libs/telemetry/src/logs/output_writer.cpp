// LogWriters over file descriptors: stderr, stdout or an append-only file. Lines go straight to
// write(2) (the sink already batches them), so nothing sits in a user-space buffer at exit.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

#include "edaobs/telemetry/sdk/logs/log_writer.h"

namespace edaobs::telemetry {
namespace {

class FdLogWriter final : public LogWriter {
 public:
  FdLogWriter(int fd, bool owned) noexcept : fd_(fd), owned_(owned) {}
  ~FdLogWriter() override {
    if (owned_) {
      ::close(fd_);
    }
  }
  FdLogWriter(const FdLogWriter&) = delete;
  FdLogWriter& operator=(const FdLogWriter&) = delete;
  FdLogWriter(FdLogWriter&&) = delete;
  FdLogWriter& operator=(FdLogWriter&&) = delete;

  void write(std::string_view lines) override {
    while (!lines.empty()) {
      const ssize_t written = ::write(fd_, lines.data(), lines.size());
      if (written < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw std::system_error(errno, std::generic_category(), "log output write");
      }
      lines.remove_prefix(static_cast<std::size_t>(written));
    }
  }

 private:
  int fd_;
  bool owned_;
};

}  // namespace

std::shared_ptr<LogWriter> make_output_writer(std::string_view output) {
  if (output.empty() || output == "stderr") {
    return std::make_shared<FdLogWriter>(STDERR_FILENO, false);
  }
  if (output == "stdout") {
    return std::make_shared<FdLogWriter>(STDOUT_FILENO, false);
  }
  const std::string path(output);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw std::invalid_argument("log output \"" + path +
                                "\": cannot open: " + std::strerror(errno));
  }
  return std::make_shared<FdLogWriter>(fd, true);
}

}  // namespace edaobs::telemetry
