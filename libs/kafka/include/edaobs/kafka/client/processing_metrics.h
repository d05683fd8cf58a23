#pragma once
// The event-processing metrics of the specification, one definition for every agent:
//   events_processed_total{event_type,source,success}
//   event_processing_duration_seconds{event_type,source}   (exemplar: the record's span)
//   event_errors_total{event_type,source,error}
// The Consumer records them for every record it hands to a handler (and for records it
// dead-letters at decode time); a producing agent records them itself.
#include <chrono>
#include <string_view>

#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::kafka {

class ProcessingMetrics {
 public:
  explicit ProcessingMetrics(telemetry::Registry& registry);

  // The handles of one (event_type, source): resolved once per record, used when it completes
  // (possibly on another thread). They live as long as the registry.
  struct Success {
    telemetry::Counter* processed = nullptr;
    telemetry::Histogram* duration = nullptr;
    void record(std::chrono::steady_clock::duration elapsed,
                const telemetry::SpanContext& exemplar) const noexcept;
  };
  [[nodiscard]] Success success(std::string_view event_type, std::string_view source) noexcept;

  void succeeded(std::string_view event_type, std::string_view source,
                 std::chrono::steady_clock::duration elapsed) noexcept;
  // `error` is a short stable cause ("validation:currency", "injected", "bad_json").
  void failed(std::string_view event_type, std::string_view source, std::string_view error,
              std::chrono::steady_clock::duration elapsed,
              const telemetry::SpanContext& exemplar = {}) noexcept;

 private:
  telemetry::Family<telemetry::Counter>& processed_;
  telemetry::Family<telemetry::Histogram>& duration_;
  telemetry::Family<telemetry::Counter>& errors_;
};

}  // namespace edaobs::kafka
