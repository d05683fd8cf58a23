#pragma once
// The event-processing metrics every agent records (names from the specification):
//   events_processed_total{event_type,source,success}
//   event_processing_duration_seconds{event_type,source}   (exemplar: the active span)
//   event_errors_total{event_type,source,error}
#include <chrono>
#include <string_view>

#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::runtime {

class ProcessingMetrics {
 public:
  explicit ProcessingMetrics(telemetry::Registry& registry);

  void succeeded(std::string_view event_type, std::string_view source,
                 std::chrono::steady_clock::duration elapsed) noexcept;
  // `error` is a short stable cause ("validation:currency", "injected", "_QUEUE_FULL").
  void failed(std::string_view event_type, std::string_view source, std::string_view error,
              std::chrono::steady_clock::duration elapsed) noexcept;

 private:
  telemetry::Family<telemetry::Counter>& processed_;
  telemetry::Family<telemetry::Histogram>& duration_;
  telemetry::Family<telemetry::Counter>& errors_;
};

}  // namespace edaobs::runtime
