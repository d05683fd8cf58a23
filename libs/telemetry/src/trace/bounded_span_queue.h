#pragma once
// Bounded multi-producer single-consumer queue of SpanData, over the shared sequenced ring.
// Entries move by swapping unique_ptrs (no copies, no allocation); whatever the consumer leaves
// in a slot (normally null) goes back to the next producer of that slot.
#include <cstdint>
#include <memory>
#include <optional>

#include "edaobs/telemetry/sdk/trace/span_data.h"

#include "concurrency/sequenced_ring.h"

namespace edaobs::telemetry::detail {

class BoundedSpanQueue {
 public:
  explicit BoundedSpanQueue(std::size_t capacity) : ring_(capacity) {}

  // Any thread. On success `data` is swapped with the slot's previous (spent or null) object and
  // the entry's position is returned; when the queue is full, nullopt and `data` is untouched.
  [[nodiscard]] std::optional<std::uint64_t> try_push(std::unique_ptr<SpanData>& data) noexcept {
    auto claim = ring_.try_claim();
    if (!claim) {
      return std::nullopt;
    }
    claim.value().swap(data);
    return claim.position();  // published when `claim` goes out of scope
  }

  // The single consumer thread. Swaps the oldest published entry into `out` (whose spent object
  // goes back to the slot); false when nothing is published at the head.
  bool try_pop(std::unique_ptr<SpanData>& out) noexcept {
    std::unique_ptr<SpanData>* front = ring_.front();
    if (front == nullptr) {
      return false;
    }
    front->swap(out);
    ring_.pop();
    return true;
  }

  // Positions claimed by producers (including ones still being written).
  [[nodiscard]] std::uint64_t pushed() const noexcept { return ring_.claimed(); }
  [[nodiscard]] std::uint64_t popped() const noexcept { return ring_.popped(); }
  [[nodiscard]] std::size_t capacity() const noexcept { return ring_.capacity(); }

 private:
  SequencedRing<std::unique_ptr<SpanData>> ring_;
};

}  // namespace edaobs::telemetry::detail
