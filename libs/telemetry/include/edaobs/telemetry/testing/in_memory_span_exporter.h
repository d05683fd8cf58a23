#pragma once
// Keeps exported spans in memory, for tests of anything that creates spans.
//   auto store = std::make_shared<InMemorySpanStore>();
//   TracerProvider provider(options, std::make_unique<InMemorySpanExporter>(store));
//   ... store->wait_for_size(3, 5s); store->spans() ...
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/sdk/trace/span_exporter.h"

namespace edaobs::telemetry {

class InMemorySpanStore {
 public:
  void add(SpanBatch batch);
  [[nodiscard]] std::vector<SpanData> spans() const;
  [[nodiscard]] std::size_t size() const;
  // Waits until at least `count` spans arrived; false on timeout.
  bool wait_for_size(std::size_t count, std::chrono::milliseconds timeout) const;
  // The first span with this name, if any.
  [[nodiscard]] std::optional<SpanData> find(std::string_view name) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<SpanData> spans_;
};

class InMemorySpanExporter final : public SpanExporter {
 public:
  explicit InMemorySpanExporter(std::shared_ptr<InMemorySpanStore> store)
      : store_(std::move(store)) {}
  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) override;

 private:
  std::shared_ptr<InMemorySpanStore> store_;
};

}  // namespace edaobs::telemetry
