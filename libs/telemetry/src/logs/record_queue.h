#pragma once
// Bounded multi-producer single-consumer ring of QueuedRecords, the queue between log calls
// and the logging worker (a sequence-numbered ring in the manner of Vyukov's bounded queue).
// A caller claims a slot with one CAS, fills the slot's record in place and publishes it; the
// worker reads the oldest published record in place and then hands the slot back. Nothing is
// locked and nothing is allocated once every slot's buffer has its working size, and a full
// queue refuses at once (the caller drops its line) instead of waiting.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "logs/queued_record.h"

namespace edaobs::telemetry {

class RecordQueue {
 private:
  struct alignas(64) Slot {  // one cache line: callers filling neighbouring slots do not collide
    std::atomic<std::uint64_t> sequence{0};
    QueuedRecord record;
  };

 public:
  // A claimed slot; publishes it when it goes out of scope, so a claimed slot always reaches
  // the worker (which waits for it), whatever happens while it is filled.
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

    // False when the queue was full.
    explicit operator bool() const noexcept { return slot_ != nullptr; }
    [[nodiscard]] QueuedRecord& record() noexcept { return slot_->record; }
    // The entry's place in the sequence of all entries (0, 1, 2, ...).
    [[nodiscard]] std::uint64_t position() const noexcept { return position_; }

   private:
    friend class RecordQueue;
    Claim(Slot* slot, std::uint64_t position) noexcept : slot_(slot), position_(position) {}
    Slot* slot_;
    std::uint64_t position_;
  };

  explicit RecordQueue(std::size_t capacity);

  // Any thread.
  [[nodiscard]] Claim try_claim() noexcept {
    std::uint64_t pos = tail_.load(std::memory_order_relaxed);
    for (;;) {
      Slot& slot = slots_[index(pos)];
      const std::uint64_t seq = slot.sequence.load(std::memory_order_acquire);
      const auto lag = static_cast<std::int64_t>(seq - pos);
      if (lag == 0) {
        // seq_cst: pairs with the worker announcing that it sleeps (see LogWorker).
        if (tail_.compare_exchange_weak(pos, pos + 1, std::memory_order_seq_cst,
                                        std::memory_order_relaxed)) {
          return Claim(&slot, pos);
        }
      } else if (lag < 0) {
        return Claim(nullptr, 0);  // the slot a lap behind is not consumed yet: full
      } else {
        pos = tail_.load(std::memory_order_relaxed);  // another caller took it
      }
    }
  }

  // The worker only: the oldest entry if it is published (null if empty, or if its caller is
  // still filling it). It stays valid, and its slot stays out of the callers' reach, until pop().
  [[nodiscard]] QueuedRecord* front() noexcept {
    const std::uint64_t pos = head_.load(std::memory_order_relaxed);
    Slot& slot = slots_[index(pos)];
    if (slot.sequence.load(std::memory_order_acquire) != pos + 1) {
      return nullptr;
    }
    return &slot.record;
  }
  // The worker only: gives the front() slot back to the callers.
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
  alignas(64) std::atomic<std::uint64_t> tail_{0};  // callers
  alignas(64) std::atomic<std::uint64_t> head_{0};  // the worker
};

inline RecordQueue::RecordQueue(std::size_t capacity)
    : slots_(std::make_unique<Slot[]>(capacity)),
      capacity_(capacity),
      mask_(capacity - 1),
      power_of_two_((capacity & (capacity - 1)) == 0) {
  for (std::size_t i = 0; i < capacity; ++i) {
    slots_[i].sequence.store(i, std::memory_order_relaxed);
  }
}

}  // namespace edaobs::telemetry
