#include "edaobs/telemetry/testing/in_memory_span_exporter.h"

namespace edaobs::telemetry {

SpanExporter::~SpanExporter() = default;

void InMemorySpanStore::add(SpanBatch batch) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& span : batch) {
      spans_.push_back(*span);
    }
  }
  changed_.notify_all();
}

std::vector<SpanData> InMemorySpanStore::spans() const {
  std::lock_guard lock(mutex_);
  return spans_;
}

std::size_t InMemorySpanStore::size() const {
  std::lock_guard lock(mutex_);
  return spans_.size();
}

bool InMemorySpanStore::wait_for_size(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return spans_.size() >= count; });
}

std::optional<SpanData> InMemorySpanStore::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  for (const SpanData& span : spans_) {
    if (span.name == name) {
      return span;
    }
  }
  return std::nullopt;
}

void InMemorySpanStore::clear() {
  std::lock_guard lock(mutex_);
  spans_.clear();
}

ExportResult InMemorySpanExporter::export_spans(
    SpanBatch batch, std::chrono::steady_clock::time_point /*deadline*/) {
  store_->add(batch);
  return ExportResult::kSuccess;
}

}  // namespace edaobs::telemetry
