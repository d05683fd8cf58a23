#include "span_data_pool.h"

#include <atomic>

namespace edaobs::telemetry::detail {
namespace {

// Typical span: a dozen attributes whose keys and values fit in a few hundred bytes.
constexpr std::size_t kInitialAttributes = 16;
constexpr std::size_t kInitialArenaBytes = 512;

using ThreadStock = SpanDataStack<kThreadSpanDataCapacity>;

// Freed with its contents when the thread exits (handing them to the shared pool instead would
// race with its static destruction if a thread outlives main()).
thread_local ThreadStock t_stock;

// Slow paths only (allocation, overflow), so relaxed shared counters cost nothing measurable.
std::atomic<std::uint64_t> g_fresh_allocations{0};
std::atomic<std::uint64_t> g_discarded{0};

// What does not fit in the shared pool is freed here, outside its lock.
void hand_to_shared_pool(SpanDataBatch& batch) noexcept {
  shared_span_data_pool().put(batch);
  if (!batch.empty()) {
    g_discarded.fetch_add(batch.size(), std::memory_order_relaxed);
    batch.clear();
  }
}

// The stock is full: its oldest batch goes to the shared pool.
void spill(ThreadStock& stock) noexcept {
  SpanDataBatch batch;
  stock.move_bottom_to(batch, kSpanDataTransferBatch);
  hand_to_shared_pool(batch);
}

void keep(ThreadStock& stock, std::unique_ptr<SpanData> data) noexcept {
  if (stock.full()) {
    spill(stock);
  }
  stock.push(std::move(data));
}

// The stock is empty: the processor's spares (if it offers any), else one batch from the shared
// pool.
void refill(ThreadStock& stock, SpanProcessor& processor) noexcept {
  if (std::unique_ptr<SpanDataChunk> chunk = processor.take_spares()) {
    for (std::unique_ptr<SpanData>& item : chunk->items) {
      if (item) {
        keep(stock, std::move(item));
      }
    }
    if (!stock.empty()) {
      return;
    }
  }
  static_cast<void>(shared_span_data_pool().take(stock));
}

}  // namespace

std::unique_ptr<SpanData> acquire_span_data(SpanProcessor& processor) {
  ThreadStock& stock = t_stock;
  if (stock.empty()) {
    refill(stock, processor);
  }
  if (!stock.empty()) {
    std::unique_ptr<SpanData> data = stock.pop();
    data->reset();
    return data;
  }
  auto data = std::make_unique<SpanData>();
  data->attributes.reserve(kInitialAttributes, kInitialArenaBytes);
  g_fresh_allocations.fetch_add(1, std::memory_order_relaxed);
  return data;
}

void release_span_data(std::unique_ptr<SpanData> data) noexcept {
  if (data) {
    keep(t_stock, std::move(data));
  }
}

void release_span_data_batch(std::span<std::unique_ptr<SpanData>> spent) noexcept {
  SpanDataBatch batch;
  for (std::unique_ptr<SpanData>& data : spent) {
    if (data) {
      batch.push(std::move(data));
      if (batch.full()) {
        hand_to_shared_pool(batch);
      }
    }
  }
  if (!batch.empty()) {
    hand_to_shared_pool(batch);
  }
}

SpanDataPoolStats span_data_pool_stats() noexcept {
  return SpanDataPoolStats{
      .fresh_allocations = g_fresh_allocations.load(std::memory_order_relaxed),
      .discarded = g_discarded.load(std::memory_order_relaxed),
      .shared_size = shared_span_data_pool().size(),
      .thread_stock_size = t_stock.size(),
  };
}

}  // namespace edaobs::telemetry::detail
