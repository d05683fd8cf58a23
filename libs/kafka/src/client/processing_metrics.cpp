#include "edaobs/kafka/client/processing_metrics.h"

#include "client/messaging_metrics.h"

namespace edaobs::kafka {
namespace {
// From 0.5 ms to 10 s: the 5 s latency alert needs bucket bounds on both sides of it.
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
                                   "Time to process one event, until it is complete.",
                                   {"event_type", "source"}, kDurationBuckets)),
      errors_(detail::event_errors(registry)) {}

void ProcessingMetrics::Success::record(std::chrono::steady_clock::duration elapsed,
                                        const telemetry::SpanContext& exemplar) const noexcept {
  if (processed != nullptr) processed->inc();
  if (duration != nullptr) duration->observe(seconds(elapsed), exemplar);
}

ProcessingMetrics::Success ProcessingMetrics::success(std::string_view event_type,
                                                      std::string_view source) noexcept {
  return {&processed_.with({event_type, source, "true"}), &duration_.with({event_type, source})};
}

void ProcessingMetrics::succeeded(std::string_view event_type, std::string_view source,
                                  std::chrono::steady_clock::duration elapsed) noexcept {
  success(event_type, source).record(elapsed, {});
}

void ProcessingMetrics::failed(std::string_view event_type, std::string_view source,
                               std::string_view error, std::chrono::steady_clock::duration elapsed,
                               const telemetry::SpanContext& exemplar) noexcept {
  processed_.with({event_type, source, "false"}).inc();
  duration_.with({event_type, source}).observe(seconds(elapsed), exemplar);
  errors_.with({event_type, source, error}).inc();
}

}  // namespace edaobs::kafka
