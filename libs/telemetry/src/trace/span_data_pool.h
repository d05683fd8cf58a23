#pragma once
// A small per-thread stock of spent SpanData objects, reset when taken. Span::end() refills it with the object the
// processor hands back, Tracer::start_span() draws from it, so a warm thread starts recording
// spans without allocating.
#include <memory>

#include "edaobs/telemetry/trace/span_data.h"

namespace edaobs::telemetry::detail {

// An empty SpanData, from the stock (reset now) or newly allocated (may throw std::bad_alloc).
[[nodiscard]] std::unique_ptr<SpanData> acquire_span_data();
// Keeps `data` (spent or null) for reuse, or frees it when the stock is full.
void release_span_data(std::unique_ptr<SpanData> data) noexcept;

}  // namespace edaobs::telemetry::detail
