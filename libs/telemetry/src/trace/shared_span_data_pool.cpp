#include "shared_span_data_pool.h"

namespace edaobs::telemetry::detail {
namespace {

constinit SharedSpanDataPool g_pool;

}  // namespace

void SharedSpanDataPool::put(SpanDataBatch& batch) noexcept {
  std::lock_guard lock(mutex_);
  batch.move_top_to(stack_, batch.size());
}

std::size_t SharedSpanDataPool::size() const noexcept {
  std::lock_guard lock(mutex_);
  return stack_.size();
}

SharedSpanDataPool& shared_span_data_pool() noexcept { return g_pool; }

}  // namespace edaobs::telemetry::detail
