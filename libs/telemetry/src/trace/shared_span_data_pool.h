#pragma once
// The second level of the span data pool: one bounded, mutex-protected stack shared by all
// threads. Threads move objects in and out only in batches (see span_data_pool.cpp), so the lock
// is taken about once per batch of spans and only by threads whose own stock over- or underflows:
// a thread that ends spans started elsewhere passes them here, a thread that starts spans takes
// them from here instead of allocating.
#include <cstddef>
#include <mutex>

#include "span_data_stack.h"

namespace edaobs::telemetry::detail {

// Objects moved between a thread's stock and the shared pool at once: the lock is taken once per
// 256 spans (with 64, lock hand-offs cost ~10% more CPU per cross-thread span on two cores).
inline constexpr std::size_t kSpanDataTransferBatch = 256;
// Objects the shared pool keeps: one default queue's worth (max_queue_size 2048), so a queue
// drained after an outage comes back for reuse; about 2.5 MB of typical spans at most.
inline constexpr std::size_t kSharedSpanDataCapacity = 2048;

using SpanDataBatch = SpanDataStack<kSpanDataTransferBatch>;

class SharedSpanDataPool {
 public:
  // Keeps what fits of `batch`; what stays in `batch` is the caller's to free (outside the lock).
  void put(SpanDataBatch& batch) noexcept;
  // Moves up to one batch onto `to`, as much as it has room for; returns how many moved.
  template <std::size_t Capacity>
  std::size_t take(SpanDataStack<Capacity>& to) noexcept {
    std::lock_guard lock(mutex_);
    return stack_.move_top_to(to, kSpanDataTransferBatch);
  }
  [[nodiscard]] std::size_t size() const noexcept;

 private:
  mutable std::mutex mutex_;
  SpanDataStack<kSharedSpanDataCapacity> stack_;
};

// The process-wide instance (constant-initialised, so usable from any thread at any time before
// static destruction).
[[nodiscard]] SharedSpanDataPool& shared_span_data_pool() noexcept;

}  // namespace edaobs::telemetry::detail
