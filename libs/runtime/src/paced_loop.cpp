#include "edaobs/runtime/paced_loop.h"

#include <chrono>

namespace edaobs::runtime {

void run_at_rate(ShutdownSignal& shutdown, double rate, std::uint64_t count,
                 const std::function<void(std::uint64_t n)>& step) {
  using Clock = std::chrono::steady_clock;
  if (rate <= 0) {
    shutdown.wait();
    return;
  }
  const auto interval =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate));
  auto next = Clock::now();
  for (std::uint64_t n = 1; !shutdown.requested(); ++n) {
    if (count > 0 && n > count) {
      shutdown.wait();
      return;
    }
    next += interval;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    if (wait.count() > 0 && shutdown.wait_for(wait)) return;
    step(n);
  }
}

}  // namespace edaobs::runtime
