#include "edaobs/telemetry/metrics/gauge.h"

#include <chrono>

namespace edaobs::telemetry {

void Gauge::set_to_current_time() noexcept {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  set(std::chrono::duration<double>(now).count());
}

}  // namespace edaobs::telemetry
