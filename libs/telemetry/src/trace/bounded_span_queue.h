#pragma once
// Bounded multi-producer single-consumer queue of SpanData (the sequence-numbered ring of Dmitry
// Vyukov's bounded queue). Entries move by swapping unique_ptrs (no copies, no allocation); whatever
// the consumer leaves in a slot (normally null) goes back to the next producer of that slot.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "edaobs/telemetry/trace/span_data.h"

namespace edaobs::telemetry::detail {

class BoundedSpanQueue {
 public:
  explicit BoundedSpanQueue(std::size_t capacity);

  // Any thread. On success `data` is swapped with the slot's previous (spent or null) object and
  // the entry's position is returned; when the queue is full, nullopt and `data` is untouched.
  [[nodiscard]] std::optional<std::uint64_t> try_push(std::unique_ptr<SpanData>& data) noexcept {
    std::uint64_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[index(pos)];
      const std::uint64_t seq = slot.sequence.load(std::memory_order_acquire);
      const auto diff = static_cast<std::int64_t>(seq - pos);
      if (diff == 0) {
        // seq_cst: pairs with the consumer's "going to sleep" flag (see BatchSpanProcessor).
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst, std::memory_order_relaxed)) {
          slot.data.swap(data);
          slot.sequence.store(pos + 1, std::memory_order_release);
          return pos;
        }
      } else if (diff < 0) {
        return std::nullopt;  // the slot one lap behind is not consumed yet: full
      } else {
        pos = tail_.load(std::memory_order_relaxed);
      }
    }
  }

  // The single consumer thread. Swaps the oldest published entry into `out` (whose spent object
  // goes back to the slot); false when nothing is published at the head.
  bool try_pop(std::unique_ptr<SpanData>& out) noexcept {
    const std::uint64_t pos = head_.load(std::memory_order_relaxed);
    Slot& slot = slots_[index(pos)];
    if (slot.sequence.load(std::memory_order_acquire) != pos + 1) {
      return false;
    }
    slot.data.swap(out);
    slot.sequence.store(pos + capacity_, std::memory_order_release);
    head_.store(pos + 1, std::memory_order_release);
    return true;
  }

  // Positions claimed by producers (including ones still being written).
  [[nodiscard]] std::uint64_t pushed() const noexcept { return tail_.load(std::memory_order_seq_cst); }
  [[nodiscard]] std::uint64_t popped() const noexcept { return head_.load(std::memory_order_acquire); }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Slot {
    std::atomic<std::uint64_t> sequence{0};
    std::unique_ptr<SpanData> data;
  };

  [[nodiscard]] std::size_t index(std::uint64_t pos) const noexcept {
    return static_cast<std::size_t>(power_of_two_ ? (pos & mask_) : (pos % capacity_));
  }

  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_;
  std::uint64_t mask_;
  bool power_of_two_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};
  alignas(64) std::atomic<std::uint64_t> head_{0};
};

inline BoundedSpanQueue::BoundedSpanQueue(std::size_t capacity)
    : slots_(std::make_unique<Slot[]>(capacity)),
      capacity_(capacity),
      mask_(capacity - 1),
      power_of_two_((capacity & (capacity - 1)) == 0) {
  for (std::size_t i = 0; i < capacity; ++i) {
    slots_[i].sequence.store(i, std::memory_order_relaxed);
  }
}

}  // namespace edaobs::telemetry::detail
