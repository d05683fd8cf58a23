#include "edaobs/runtime/shutdown_signal.h"

#include <pthread.h>

#include <system_error>

namespace edaobs::runtime {

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
    int received = 0;
    while (sigwait(&signals_, &received) == 0) {
      if (received == SIGUSR2) {
        if (requested()) return;
        continue;
      }
      signal_.store(received);
      request();
      return;
    }
  });
}

ShutdownSignal::~ShutdownSignal() {
  if (waiter_.joinable()) {
    if (signal_.load() == 0) {
      request();
      pthread_kill(waiter_.native_handle(), SIGUSR2);
    }
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

bool ShutdownSignal::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return requested(); });
}

void ShutdownSignal::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return requested(); });
}

}  // namespace edaobs::runtime
