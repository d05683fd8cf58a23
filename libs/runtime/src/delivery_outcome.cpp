#include "edaobs/runtime/delivery_outcome.h"

namespace edaobs::runtime {

void record_delivery(ProcessingMetrics& processing, telemetry::Logger& log,
                     const kafka::Event& event, const kafka::DeliveryReport& report,
                     std::chrono::steady_clock::time_point started) {
  const auto took = std::chrono::steady_clock::now() - started;
  if (report.ok) {
    processing.succeeded(event.type, event.source, took);
    log.info("event published", {{"event_id", event.id},
                                 {"event_type", event.type},
                                 {"partition", report.partition},
                                 {"offset", report.offset}});
    return;
  }
  processing.failed(event.type, event.source, report.error.reason, took);
  log.error("event not delivered", {{"event_id", event.id},
                                    {"event_type", event.type},
                                    {"error", report.error.reason},
                                    {"detail", report.error.detail},
                                    {"possibly_persisted", report.possibly_persisted}});
}

}  // namespace edaobs::runtime
