#pragma once
// A steady stream from the main thread: step(1), step(2), ... at `rate` per second until the
// stop is requested or `count` steps were made, on a fixed schedule (a slow step does not shift
// the ones after it). With rate 0, or once `count` steps were made, it only waits for the stop.
#include <cstdint>
#include <functional>

#include "edaobs/runtime/shutdown_signal.h"

namespace edaobs::runtime {

// `count` 0: without end.
void run_at_rate(ShutdownSignal& shutdown, double rate, std::uint64_t count,
                 const std::function<void(std::uint64_t n)>& step);

}  // namespace edaobs::runtime
