#include "client/log_throttle.h"

#include <algorithm>

namespace edaobs::kafka::detail {

std::optional<std::uint64_t> LogThrottle::admit(std::string_view key,
                                                std::chrono::steady_clock::time_point now) {
  const std::lock_guard lock(mutex_);
  const auto slot =
      std::find_if(slots_.begin(), slots_.end(), [&](const Slot& s) { return s.key == key; });
  if (slot == slots_.end()) {
    if (slots_.size() == kMaxKeys) {
      slots_.erase(std::min_element(slots_.begin(), slots_.end(),
                                    [](const Slot& a, const Slot& b) { return a.last < b.last; }));
    }
    slots_.push_back({std::string(key), now, 0});
    return 0;
  }
  if (now - slot->last < interval_) {
    ++slot->held;
    return std::nullopt;
  }
  const std::uint64_t held = slot->held;
  slot->last = now;
  slot->held = 0;
  return held;
}

}  // namespace edaobs::kafka::detail
