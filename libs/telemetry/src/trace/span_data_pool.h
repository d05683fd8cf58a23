#pragma once
// Recycles spent SpanData objects (with their buffers) so that a warm thread records spans
// without allocating, also when spans end on a different thread than they started (an agent's
// "send" span ends on librdkafka's delivery-report thread) or are dropped because the queue is
// full. Two levels, like a malloc thread cache:
//  1. a per-thread stock (at most kThreadSpanDataCapacity objects): the lock-free fast path;
//  2. the shared pool (at most kSharedSpanDataCapacity): a thread whose stock overflows moves its
//     oldest kSpanDataTransferBatch objects there; a thread whose stock is empty takes a batch
//     from there (after the processor's spares, if it offers any) before allocating. The batch
//     processor's worker puts exported objects there directly, a batch per lock.
// Objects retained for reuse are therefore bounded by
//   kSharedSpanDataCapacity + kThreadSpanDataCapacity x (threads that started or ended spans)
// = 2048 + 512 x threads (a typical object is about 1.2 KB with its buffers); beyond that they
// are freed. Objects in the processor's queue are not counted: they are spans.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "edaobs/telemetry/sdk/trace/span_data.h"
#include "edaobs/telemetry/sdk/trace/span_processor.h"

#include "shared_span_data_pool.h"

namespace edaobs::telemetry::detail {

inline constexpr std::size_t kThreadSpanDataCapacity = 2 * kSpanDataTransferBatch;

// An empty SpanData: from the stock (refilled when empty, then reset) or newly allocated (may
// throw std::bad_alloc).
[[nodiscard]] std::unique_ptr<SpanData> acquire_span_data(SpanProcessor& processor);
// Keeps `data` (spent or null) for reuse, or frees it when both levels are full.
void release_span_data(std::unique_ptr<SpanData> data) noexcept;
// For a thread that only ends spans in bulk (the processor's worker after an export): hands the
// spent objects (nulls are skipped) straight to the shared pool, a batch per lock, leaving them
// null. Beyond the pool's bound they are freed.
void release_span_data_batch(std::span<std::unique_ptr<SpanData>> spent) noexcept;

// For tests and diagnostics. Counters are process-wide totals since start.
struct SpanDataPoolStats {
  std::uint64_t fresh_allocations = 0;  // objects allocated because no spare one was at hand
  std::uint64_t discarded = 0;          // spent objects freed because both levels were full
  std::size_t shared_size = 0;          // objects in the shared pool now
  std::size_t thread_stock_size = 0;    // objects in the calling thread's stock now
};
[[nodiscard]] SpanDataPoolStats span_data_pool_stats() noexcept;

}  // namespace edaobs::telemetry::detail
