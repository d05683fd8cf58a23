#include "edaobs/runtime/processing_metrics.h"

namespace edaobs::runtime {
namespace {
// From 1 ms to 10 s: the 5 s latency alert needs bucket bounds on both sides of it.
const std::vector<double> kDurationBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};

double seconds(std::chrono::steady_clock::duration elapsed) {
  return std::chrono::duration<double>(elapsed).count();
}
}  // namespace

ProcessingMetrics::ProcessingMetrics(telemetry::Registry& registry)
    : processed_(registry.counter("events_processed_total", "Events processed, by outcome.",
                                  {"event_type", "source", "success"})),
      duration_(registry.histogram("event_processing_duration_seconds",
                                   "Time to process one event.", {"event_type", "source"},
                                   kDurationBuckets)),
      errors_(registry.counter("event_errors_total", "Events that failed, by cause.",
                               {"event_type", "source", "error"})) {}

void ProcessingMetrics::succeeded(std::string_view event_type, std::string_view source,
                                  std::chrono::steady_clock::duration elapsed) noexcept {
  processed_.with({event_type, source, "true"}).inc();
  duration_.with({event_type, source}).observe(seconds(elapsed));
}

void ProcessingMetrics::failed(std::string_view event_type, std::string_view source,
                               std::string_view error,
                               std::chrono::steady_clock::duration elapsed) noexcept {
  processed_.with({event_type, source, "false"}).inc();
  duration_.with({event_type, source}).observe(seconds(elapsed));
  errors_.with({event_type, source, error}).inc();
}

}  // namespace edaobs::runtime
