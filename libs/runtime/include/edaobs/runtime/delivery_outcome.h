#pragma once
// What an agent that produces events records when the broker reports on one: the processing
// metrics (success or failure with the reason) and one log line ("event published" with its
// partition and offset, or "event not delivered" with the reason). One way for every producing
// path: the synthetic stream and POST /events.
#include <chrono>

#include "edaobs/kafka/client/delivery.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/runtime/processing_metrics.h"
#include "edaobs/telemetry/logs/logger.h"

namespace edaobs::runtime {

void record_delivery(ProcessingMetrics& processing, telemetry::Logger& log,
                     const kafka::Event& event, const kafka::DeliveryReport& report,
                     std::chrono::steady_clock::time_point started);

}  // namespace edaobs::runtime
