#pragma once
// Metric names and buckets the producer and consumer share (docs/architecture.md §4.4).
#include <string_view>
#include <vector>

#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::kafka::detail {

// Broker round trips are milliseconds; a stalled broker pushes them to seconds.
inline std::vector<double> broker_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
}

inline telemetry::Counter& connection_errors(telemetry::Registry& registry) {
  return registry
      .counter("message_broker_connection_errors_total",
               "Kafka broker connection failures (transport, resolve, all brokers down).")
      .with({});
}

inline telemetry::Family<telemetry::Counter>& event_errors(telemetry::Registry& registry) {
  return registry.counter("event_errors_total", "Events that failed, by reason.",
                          {"event_type", "source", "error"});
}

}  // namespace edaobs::kafka::detail
