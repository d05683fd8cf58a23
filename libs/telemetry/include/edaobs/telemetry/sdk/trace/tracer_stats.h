#pragma once
// Counters of the span pipeline, read for the telemetry's own metrics.
//
// Accounting: every recording span that ends is either dropped (queue full, or ended after
// shutdown), waiting in the queue, in flight (taken by the worker, export not finished),
// exported, or failed (its batch's export failed). So at any quiet moment
//   spans_ended   == spans_exported + spans_failed + spans_dropped + queue_size + in_flight
//   spans_started == spans_ended + (recording spans still open)
#include <cstdint>

namespace edaobs::telemetry {

struct TracerStats {
  std::uint64_t spans_started = 0;   // recording (sampled) spans started
  std::uint64_t spans_ended = 0;     // recording spans handed to the processor
  std::uint64_t spans_exported = 0;  // accepted by the exporter
  std::uint64_t spans_dropped = 0;   // rejected: queue full or processor shut down
  std::uint64_t spans_failed = 0;  // in batches whose export failed, or rejected (partial success)
  std::uint64_t export_failures = 0;  // failed export calls (batches)
  std::uint64_t queue_size = 0;       // waiting in the queue
  std::uint64_t in_flight = 0;        // with the exporter right now
};

}  // namespace edaobs::telemetry
