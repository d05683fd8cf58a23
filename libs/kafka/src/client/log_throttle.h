#pragma once
// Keeps a persistent librdkafka condition from becoming a stream of identical WARN lines (which
// the agents also forward to Kafka): per key (a log facility, an error name) at most one line
// per interval is let through, and it says how many were held back since the last one.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edaobs::kafka::detail {

class LogThrottle {
 public:
  explicit LogThrottle(std::chrono::milliseconds interval = std::chrono::seconds(1))
      : interval_(interval) {}

  // nullopt: hold this line back. Otherwise let it through; the value is how many lines of the
  // key were held back since the last one let through.
  std::optional<std::uint64_t> admit(
      std::string_view key,
      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  struct Slot {
    std::string key;
    std::chrono::steady_clock::time_point last;
    std::uint64_t held = 0;
  };
  // librdkafka has a few dozen facilities and error names: a short list is all it takes, and the
  // oldest key goes when it is full.
  static constexpr std::size_t kMaxKeys = 64;

  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::vector<Slot> slots_;
};

}  // namespace edaobs::kafka::detail
