#include "edaobs/telemetry/metrics/counter.h"

#include <chrono>

namespace edaobs::telemetry {

static_assert(sizeof(Counter) == 64, "a counter should fill exactly one cache line");

void Counter::store_exemplar(const SpanContext& context, double v) noexcept {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  exemplar_.store(context, v, std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

}  // namespace edaobs::telemetry
