#include "edaobs/runtime/shutdown_signal.h"

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <pthread.h>
#include <system_error>
#include <unistd.h>

namespace edaobs::runtime {
namespace {

// One JSON line straight to fd 2, then the process ends without unwinding: whatever holds up
// the orderly stop (a lock, a blocked write) must not hold up this either.
[[noreturn]] void end_now(int status, const char* why) noexcept {
  char line[256];
  const int n = std::snprintf(line, sizeof line,
                              R"({"level":"error","msg":"%s","exit_status":%d})"
                              "\n",
                              why, status);
  if (n > 0) {
    // Never block here: stderr may be a full pipe nobody reads (the very thing that can hold
    // up the orderly stop). Without room the line is lost; the exit status still says why.
    const int flags = ::fcntl(STDERR_FILENO, F_GETFL);
    if (flags >= 0) static_cast<void>(::fcntl(STDERR_FILENO, F_SETFL, flags | O_NONBLOCK));
    const ssize_t ignored = ::write(STDERR_FILENO, line, static_cast<std::size_t>(n));
    static_cast<void>(ignored);
  }
  ::_exit(status);
}

timespec to_timespec(std::chrono::nanoseconds left) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
  return {static_cast<std::time_t>(seconds.count()), static_cast<long>((left - seconds).count())};
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  // SIGUSR2 is only used to wake the waiter thread when we shut down without a signal.
  sigaddset(&signals_, SIGUSR2);
  if (int rc = pthread_sigmask(SIG_BLOCK, &signals_, nullptr); rc != 0) {
    throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
  }
  waiter_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "edaobs-signals");
    int received = 0;
    while (sigwait(&signals_, &received) == 0) {
      if (received == SIGUSR2) {
        if (finished_) return;
        if (exit_status_.load() != 0) {  // request_failure(): the deadline holds for it too
          watch_the_stop();
          return;
        }
        continue;
      }
      signal_.store(received);
      request();
      watch_the_stop();
      return;
    }
  });
}

void ShutdownSignal::watch_the_stop() {
  const auto limit = std::chrono::milliseconds(deadline_ms_.load());
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!finished_) {
    int received = 0;
    if (limit.count() <= 0) {
      if (sigwait(&signals_, &received) != 0) return;
    } else {
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::nanoseconds::zero()) {
        end_now(124, "shutdown deadline passed before the orderly stop finished; exiting now");
      }
      const timespec wait = to_timespec(left);
      received = sigtimedwait(&signals_, nullptr, &wait);
      if (received < 0) {
        if (errno == EAGAIN) continue;  // the deadline: checked at the top
        if (errno == EINTR) continue;
        return;
      }
    }
    if (received == SIGINT || received == SIGTERM) {
      end_now(128 + received, "second stop signal during the orderly stop; exiting now");
    }
  }
}

ShutdownSignal::~ShutdownSignal() {
  finished_ = true;
  if (waiter_.joinable()) {
    request();
    pthread_kill(waiter_.native_handle(), SIGUSR2);
    waiter_.join();
  }
}

void ShutdownSignal::request() noexcept {
  {
    std::lock_guard lock(mutex_);
    requested_.store(true, std::memory_order_release);
  }
  changed_.notify_all();
}

void ShutdownSignal::request_failure(int status) noexcept {
  int none = 0;
  exit_status_.compare_exchange_strong(none, status);
  request();
  if (waiter_.joinable()) pthread_kill(waiter_.native_handle(), SIGUSR2);
}

bool ShutdownSignal::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return requested(); });
}

void ShutdownSignal::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return requested(); });
}

std::chrono::milliseconds read_shutdown_deadline(Settings& settings) {
  return settings.millis("shutdown-timeout", "EDAOBS_SHUTDOWN_TIMEOUT", std::chrono::seconds(25),
                         "after SIGTERM, how long the orderly stop may take before the agent "
                         "exits anyway (0: no limit)");
}

}  // namespace edaobs::runtime
