#include "span_data_pool.h"

#include <array>

namespace edaobs::telemetry::detail {
namespace {

// Enough for a few nested spans per thread; more just allocate.
constexpr std::size_t kStock = 8;
// Typical span: a dozen attributes whose keys and values fit in a few hundred bytes.
constexpr std::size_t kInitialAttributes = 16;
constexpr std::size_t kInitialArenaBytes = 512;

struct Stock {
  std::array<std::unique_ptr<SpanData>, kStock> items;
  std::size_t count = 0;
};

thread_local Stock t_stock;

}  // namespace

std::unique_ptr<SpanData> acquire_span_data() {
  Stock& stock = t_stock;
  if (stock.count > 0) {
    std::unique_ptr<SpanData> data = std::move(stock.items[--stock.count]);
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
  Stock& stock = t_stock;
  if (stock.count < kStock) {
    stock.items[stock.count++] = std::move(data);
  }
}

}  // namespace edaobs::telemetry::detail
