#include "span_data_pool.h"

#include <vector>

namespace edaobs::telemetry::detail {
namespace {

// Bounds what one thread keeps (a processor hands back at most its queue size at once, 2048 by
// default, about 2.5 MB of typical spans); beyond it objects are freed.
constexpr std::size_t kMaxStock = 4096;
// Typical span: a dozen attributes whose keys and values fit in a few hundred bytes.
constexpr std::size_t kInitialAttributes = 16;
constexpr std::size_t kInitialArenaBytes = 512;

// Used last in, first out: the most recently touched object is the likeliest to be in cache.
thread_local std::vector<std::unique_ptr<SpanData>> t_stock;

void refill(std::vector<std::unique_ptr<SpanData>>& stock, SpanProcessor& processor) noexcept {
  std::unique_ptr<SpanDataChunk> chunk = processor.take_spares();
  if (!chunk) {
    return;
  }
  try {
    for (auto& item : chunk->items) {
      if (stock.size() >= kMaxStock) {
        break;
      }
      stock.push_back(std::move(item));
    }
  } catch (...) {  // growing the stock failed: the rest is simply freed with the chunk
  }
}

}  // namespace

std::unique_ptr<SpanData> acquire_span_data(SpanProcessor& processor) {
  std::vector<std::unique_ptr<SpanData>>& stock = t_stock;
  if (stock.empty()) {
    refill(stock, processor);
  }
  if (!stock.empty()) {
    std::unique_ptr<SpanData> data = std::move(stock.back());
    stock.pop_back();
    data->reset();
    return data;
  }
  auto data = std::make_unique<SpanData>();
  data->attributes.reserve(kInitialAttributes, kInitialArenaBytes);
  return data;
}

void release_span_data(std::unique_ptr<SpanData> data) noexcept {
  if (!data) {
    return;
  }
  std::vector<std::unique_ptr<SpanData>>& stock = t_stock;
  if (stock.size() < kMaxStock) {
    try {
      stock.push_back(std::move(data));
    } catch (...) {  // could not grow: `data` is freed instead
    }
  }
}

}  // namespace edaobs::telemetry::detail
