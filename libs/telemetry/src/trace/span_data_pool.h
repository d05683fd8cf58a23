#pragma once
// A per-thread stock of spent SpanData objects, reset when taken. It is refilled a batch at a time
// from the processor (objects its worker has just exported, so recently used memory comes back
// first) and by Span::end() with anything the processor returns, so a warm thread starts
// recording spans without allocating.
#include <memory>

#include "edaobs/telemetry/trace/span_data.h"
#include "edaobs/telemetry/trace/span_processor.h"

namespace edaobs::telemetry::detail {

// An empty SpanData: from the stock (refilled from `processor` when empty, then reset) or newly
// allocated (may throw std::bad_alloc).
[[nodiscard]] std::unique_ptr<SpanData> acquire_span_data(SpanProcessor& processor);
// Keeps `data` (spent or null) for reuse, or frees it when the stock is full.
void release_span_data(std::unique_ptr<SpanData> data) noexcept;

}  // namespace edaobs::telemetry::detail
