#pragma once
// Where batches of finished spans go (OTLP/HTTP in production, memory in tests).
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>

#include "edaobs/telemetry/sdk/trace/span_data.h"

namespace edaobs::telemetry {

enum class ExportResult { kSuccess, kFailure };

using SpanBatch = std::span<const std::unique_ptr<SpanData>>;

class SpanExporter {
 public:
  virtual ~SpanExporter();
  // Called by the processor's single worker thread, one batch at a time; must give up by
  // `deadline` (retries included). The spans are only valid during the call.
  virtual ExportResult export_spans(SpanBatch batch,
                                    std::chrono::steady_clock::time_point deadline) = 0;
  // From any thread: abort waits and retries promptly; later exports fail fast.
  virtual void cancel() noexcept {}
  // After the last export: release connections and other resources.
  virtual void shutdown() noexcept {}
  // After an export that returned kSuccess: how many of its spans the receiver still refused
  // (OTLP partial_success). The processor counts them as failed, not exported.
  [[nodiscard]] virtual std::uint64_t rejected_in_last_export() const noexcept { return 0; }

 protected:
  SpanExporter() = default;
  SpanExporter(const SpanExporter&) = default;
  SpanExporter& operator=(const SpanExporter&) = default;
  SpanExporter(SpanExporter&&) = default;
  SpanExporter& operator=(SpanExporter&&) = default;
};

}  // namespace edaobs::telemetry
