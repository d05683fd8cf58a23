#pragma once
// A fixed-capacity last-in-first-out stack of spent SpanData objects: the storage of both levels
// of the span data pool. Fixed so that moving objects between levels never allocates.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <utility>

#include "edaobs/telemetry/sdk/trace/span_data.h"

namespace edaobs::telemetry::detail {

template <std::size_t Capacity>
class SpanDataStack {
 public:
  static constexpr std::size_t kCapacity = Capacity;

  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] bool full() const noexcept { return size_ == Capacity; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t room() const noexcept { return Capacity - size_; }

  // Precondition: !full().
  void push(std::unique_ptr<SpanData> data) noexcept { items_[size_++] = std::move(data); }
  // Frees every object.
  void clear() noexcept {
    while (size_ > 0) {
      items_[--size_].reset();
    }
  }
  // Precondition: !empty(). The most recently pushed object, the likeliest to be in cache.
  [[nodiscard]] std::unique_ptr<SpanData> pop() noexcept { return std::move(items_[--size_]); }

  // Moves up to `count` objects from the top of this stack onto `to`, as many as it has room
  // for; returns how many moved.
  template <std::size_t OtherCapacity>
  std::size_t move_top_to(SpanDataStack<OtherCapacity>& to, std::size_t count) noexcept {
    const std::size_t n = std::min({count, size_, to.room()});
    for (std::size_t i = 0; i < n; ++i) {
      to.push(pop());
    }
    return n;
  }

  // Moves the `count` oldest objects (bottom of the stack, the coldest) onto `to`, which must
  // have room for them, and shifts the rest down.
  template <std::size_t OtherCapacity>
  void move_bottom_to(SpanDataStack<OtherCapacity>& to, std::size_t count) noexcept {
    const std::size_t n = std::min(count, size_);
    for (std::size_t i = 0; i < n; ++i) {
      to.push(std::move(items_[i]));
    }
    std::move(items_.begin() + static_cast<std::ptrdiff_t>(n),
              items_.begin() + static_cast<std::ptrdiff_t>(size_), items_.begin());
    size_ -= n;
  }

 private:
  std::array<std::unique_ptr<SpanData>, Capacity> items_{};
  std::size_t size_ = 0;
};

}  // namespace edaobs::telemetry::detail
