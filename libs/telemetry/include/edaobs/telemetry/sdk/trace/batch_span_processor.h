#pragma once
// Collects finished spans in a bounded queue and exports them in batches from ONE worker thread.
// The caller never blocks: when the queue is full the span is dropped and counted.
#include <chrono>
#include <cstddef>
#include <memory>

#include "edaobs/telemetry/sdk/trace/span_exporter.h"
#include "edaobs/telemetry/sdk/trace/span_processor.h"
#include "edaobs/telemetry/sdk/trace/tracer_stats.h"

namespace edaobs::telemetry {

// Defaults are the OTEL_BSP_* defaults of the OpenTelemetry specification.
struct BatchSpanProcessorOptions {
  std::size_t max_queue_size = 2048;
  std::size_t max_export_batch_size = 512;  // clamped to max_queue_size
  std::chrono::milliseconds schedule_delay{5000};
  std::chrono::milliseconds export_timeout{30000};
};

class BatchSpanProcessor final : public SpanProcessor {
 public:
  // Starts the worker thread. Throws std::invalid_argument for a zero queue or batch size or a
  // non-positive export timeout.
  BatchSpanProcessor(const BatchSpanProcessorOptions& options,
                     std::unique_ptr<SpanExporter> exporter);
  ~BatchSpanProcessor() override;  // shutdown()
  BatchSpanProcessor(const BatchSpanProcessor&) = delete;
  BatchSpanProcessor& operator=(const BatchSpanProcessor&) = delete;

  // Lock-free: queues the span or drops it when the queue is full or after shutdown. Wakes the
  // worker (briefly taking its mutex) only when the queue reaches a full batch while it sleeps.
  void on_end(std::unique_ptr<SpanData>& data) noexcept override;

  // Exports everything queued before the call; false if that did not finish within `timeout`.
  bool force_flush(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Idempotent. Exports what is queued, stops the worker and shuts the exporter down. If that
  // takes longer than `timeout` the exporter is cancelled (remaining batches fail fast and are
  // counted as failed). Returns false in that case.
  bool shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // spans_started is left 0 (the Tracer counts it). Counters are read one by one in an order that
  // keeps every derived figure non-negative; the accounting identity holds exactly when quiet.
  [[nodiscard]] TracerStats stats() const noexcept;

 private:
  struct State;
  void run() noexcept;
  std::unique_ptr<State> state_;
};

}  // namespace edaobs::telemetry
