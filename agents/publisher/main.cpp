// publisher — the start of the chain: publishes events at a steady rate and accepts events by
// HTTP POST /events, answered only once the broker acknowledged them. A template for an agent
// that produces events.
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/event_ingest.h"
#include "edaobs/runtime/kafka_settings.h"
#include "edaobs/runtime/paced_loop.h"
#include "edaobs/runtime/processing_metrics.h"
#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/startup.h"
#include "edaobs/runtime/stop_on_fatal_error.h"
#include "edaobs/telemetry/telemetry.h"
#include "event_factory.h"

using namespace edaobs;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) try {
  runtime::ShutdownSignal shutdown;  // first: before any thread starts

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings settings(argc, argv);
  const runtime::KafkaSettings kafka = runtime::read_kafka_settings(settings, "publisher");
  const std::string topic = settings.text("topic", "EDAOBS_OUTPUT_TOPIC", "events.raw", "topic to publish to");
  const double rate = settings.number("rate", "EDAOBS_RATE", 2, 0, 1e6, "synthetic events per second (0: only POSTed events)");
  const auto count = settings.integer("count", "EDAOBS_COUNT", 0, 0, INT64_MAX, "stop the synthetic stream after this many events (0: never)");
  const runtime::IngestOptions ingest_options = runtime::read_ingest_options(settings, topic, kafka.producer);
  shutdown.set_deadline(runtime::read_shutdown_deadline(settings));
  if (settings.finish()) return runtime::print_usage(settings, "publisher");

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry telemetry(telemetry::TelemetryOptions::from_env("publisher", "1.0.0", 8080));
  auto& log = telemetry.log();
  kafka::LogEventPublisher log_events(kafka.log_events, telemetry.metrics());
  log.set_forwarder(telemetry::LogLevel::kWarn, log_events.forwarder());
  runtime::ProcessingMetrics processing(telemetry.metrics());
  publisher::EventFactory factory("/edaobs/publisher");
  // Two producers: the synthetic stream may wait out an outage (the delivery timeout); a POSTed
  // event gets its answer within the ingest timeout.
  kafka::Producer producer(kafka.producer, telemetry.tracer(), telemetry.metrics(), log);
  kafka::Producer ingest_producer(runtime::ingest_producer_options(kafka.producer, ingest_options.timeout),
                                  telemetry.tracer(), telemetry.metrics(), log);
  telemetry.readiness().add_check("kafka", [&] { return producer.connected() && ingest_producer.connected(); });
  telemetry.readiness().add_check("not_stopping", [&] { return !shutdown.requested(); });  // not ready while it drains
  runtime::stop_on_fatal_error(shutdown, telemetry, producer, ingest_producer);  // /health 503, orderly stop, exit 70
  runtime::EventIngest ingest(ingest_producer, ingest_options, processing, log);

  // --- the domain step ---------------------------------------------------------------------
  ingest.serve(telemetry.http(), "/events", [&](std::string_view body) { return factory.from_request(body); });
  auto publish = [&](const kafka::Event& event) {
    const auto started = Clock::now();
    // The delivery report runs with the send span active, so its log line carries the trace id.
    const auto status = producer.send(topic, event, [&, event, started](const kafka::DeliveryReport& report) {
      if (report.ok) {
        processing.succeeded(event.type, event.source, Clock::now() - started);
        log.info("event published", {{"event_id", event.id}, {"event_type", event.type}, {"partition", report.partition}, {"offset", report.offset}});
      } else {
        processing.failed(event.type, event.source, report.error_type, Clock::now() - started);
        log.error("event not delivered", {{"event_id", event.id}, {"event_type", event.type}, {"error", report.error_message}});
      }
    });
    if (!status) processing.failed(event.type, event.source, status.error_type(), Clock::now() - started);
  };

  const auto serving = telemetry.serve();  // last: stops before anything its routes and checks use
  log.info("publisher started", {{"topic", topic}, {"rate", rate}, {"ingest_timeout_ms", ingest_options.timeout.count()}});
  runtime::run_at_rate(shutdown, rate, static_cast<std::uint64_t>(count), [&](std::uint64_t n) { publish(factory.synthetic(n)); });
  log.info("publisher stopping", {{"signal", shutdown.signal_number()}});
  ingest.stop();  // POSTs get 503 from here on; those already sent are answered as they complete
  ingest_producer.flush(ingest_options.timeout);
  producer.flush(std::chrono::seconds(10));
  return shutdown.exit_status();
} catch (const std::exception& error) {
  return runtime::report_startup_failure("publisher", error);
}
