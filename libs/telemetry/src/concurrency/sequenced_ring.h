#pragma once
// Bounded multi-producer single-consumer ring (the sequence-numbered ring of Vyukov's bounded
// queue), shared by the log queue and the span queue. A producer claims a slot with one CAS,
// fills the slot's value in place and publishes it; the consumer reads the oldest published
// value in place and then hands the slot back. Nothing is locked, nothing is allocated after
// construction, and a full ring refuses at once (the caller drops) instead of waiting.
//
// Slot values are never destroyed between uses: whatever a value holds (a record's buffers, a
// span's spent object) is handed on to the next user of the slot, which is what lets both
// queues run without allocating once warm.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace edaobs::telemetry::detail {

// SlotAlign 64 gives each slot its own cache line, for values that producers fill in place
// (neighbouring producers then do not collide); small swapped values keep the natural alignment.
template <typename T, std::size_t SlotAlign = alignof(std::atomic<std::uint64_t>)>
class SequencedRing {
 private:
  struct alignas(SlotAlign) Slot {
    std::atomic<std::uint64_t> sequence{0};
    T value{};
  };

 public:
  // A claimed slot; publishes it when it goes out of scope, so a claimed slot always reaches
  // the consumer (which waits for it), whatever happens while it is filled.
  class Claim {
   public:
    ~Claim() {
      if (slot_ != nullptr) {
        slot_->sequence.store(position_ + 1, std::memory_order_release);
      }
    }
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    Claim(Claim&&) = delete;
    Claim& operator=(Claim&&) = delete;

    // False when the ring was full.
    explicit operator bool() const noexcept { return slot_ != nullptr; }
    [[nodiscard]] T& value() noexcept { return slot_->value; }
    // The entry's place in the sequence of all entries (0, 1, 2, ...).
    [[nodiscard]] std::uint64_t position() const noexcept { return position_; }

   private:
    friend class SequencedRing;
    Claim(Slot* slot, std::uint64_t position) noexcept : slot_(slot), position_(position) {}
    Slot* slot_;
    std::uint64_t position_;
  };

  explicit SequencedRing(std::size_t capacity)
      : slots_(std::make_unique<Slot[]>(capacity)),
        capacity_(capacity),
        mask_(capacity - 1),
        power_of_two_((capacity & (capacity - 1)) == 0) {
    for (std::size_t i = 0; i < capacity; ++i) {
      slots_[i].sequence.store(i, std::memory_order_relaxed);
    }
  }

  // Any thread.
  [[nodiscard]] Claim try_claim() noexcept {
    std::uint64_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[index(pos)];
      const std::uint64_t seq = slot.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::int64_t>(seq - pos);
      if (lag == 0) {
        // seq_cst: pairs with the consumer announcing that it sleeps (LogWorker,
        // BatchSpanProcessor).
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
          return Claim(&slot, pos);
        }
      } else if (lag < 0) {
        return Claim(nullptr, 0);  // the slot a lap behind is not consumed yet: full
      } else {
        pos = tail_.load(std::memory_order_relaxed);  // another producer took it
      }
    }
  }

  // The consumer only: the oldest entry if it is published (null if empty, or if its producer
  // is still filling it). It stays valid, and out of the producers' reach, until pop().
  [[nodiscard]] T* front() noexcept {
    const std::uint64_t pos = head_.load(std::memory_order_relaxed);
    Slot& slot = slots_[index(pos)];
    if (slot.sequence.load(std::memory_order_acquire) != pos + 1) {
      return nullptr;
    }
    return &slot.value;
  }
  // The consumer only: gives the front() slot back to the producers.
  void pop() noexcept {
    const std::uint64_t pos = head_.load(std::memory_order_relaxed);
    slots_[index(pos)].sequence.store(pos + capacity_, std::memory_order_release);
    head_.store(pos + 1, std::memory_order_release);
  }

  // Entries claimed so far (some may still be being filled).
  [[nodiscard]] std::uint64_t claimed() const noexcept {
    return tail_.load(std::memory_order_seq_cst);
  }
  [[nodiscard]] std::uint64_t popped() const noexcept {
    return head_.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t size() const noexcept {
    const std::uint64_t popped_now = popped();  // first: the difference never goes negative
    return claimed() - popped_now;
  }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  [[nodiscard]] std::size_t index(std::uint64_t pos) const noexcept {
    return static_cast<std::size_t>(power_of_two_ ? (pos & mask_) : (pos % capacity_));
  }

  std::unique_ptr<Slot[]> slots_;
  std::size_t capacity_;
  std::uint64_t mask_;
  bool power_of_two_;
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // producers
  alignas(64) std::atomic<std::uint64_t> head_{0};  // the consumer
};

}  // namespace edaobs::telemetry::detail
