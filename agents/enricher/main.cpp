// enricher — consumes raw events, validates and enriches them, republishes them to the next
// topic. A template for a processing agent: configuration, wiring, then the domain step.
#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/fault_injection.h"
#include "edaobs/runtime/kafka_settings.h"
#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/startup.h"
#include "edaobs/runtime/stop_on_fatal_error.h"
#include "edaobs/telemetry/telemetry.h"
#include "enrichment.h"

using namespace edaobs;
int main(int argc, char** argv) try {
  runtime::ShutdownSignal shutdown;  // first: before any thread starts

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings settings(argc, argv);
  runtime::KafkaSettings kafka = runtime::read_kafka_settings(settings, "enricher");
  const std::string input = settings.text("input-topic", "EDAOBS_INPUT_TOPIC", "events.raw", "topic to consume");
  const std::string output = settings.text("output-topic", "EDAOBS_OUTPUT_TOPIC", "events.enriched", "topic to republish to");
  const runtime::FaultSettings fault_settings = runtime::read_fault_settings(settings);
  shutdown.set_deadline(runtime::read_shutdown_deadline(settings));
  if (settings.finish()) return runtime::print_usage(settings, "enricher");

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry telemetry(telemetry::TelemetryOptions::from_env("enricher", "1.0.0", 8081));
  auto& log = telemetry.log();
  kafka::LogEventPublisher log_events(kafka.log_events, telemetry.metrics());
  log.set_forwarder(telemetry::LogLevel::kWarn, log_events.forwarder());
  kafka::Producer producer(kafka.producer, telemetry.tracer(), telemetry.metrics(), log);
  kafka.consumer.topics = {input};
  kafka::Consumer consumer(kafka.consumer, producer, telemetry.tracer(), telemetry.metrics(), log);
  telemetry.readiness().add_check("kafka", [&] { return consumer.connected() && producer.connected(); });
  telemetry.readiness().add_check("not_stopping", [&] { return !shutdown.requested(); });  // not ready while it drains
  runtime::stop_on_fatal_error(shutdown, telemetry, consumer, producer);  // /health 503, orderly stop, exit 70
  runtime::FaultInjector faults(fault_settings);
  faults.register_admin_routes(telemetry.http());

  // --- the domain step ---------------------------------------------------------------------
  // Validate and enrich; the consumer dead-letters rejects, republishes the enriched event and
  // records the processing metrics (success once the republished event is acknowledged).
  auto enrich = [&](const kafka::ConsumedEvent& in) {
    const auto started = std::chrono::steady_clock::now();
    faults.add_latency();
    if (faults.should_fail()) return kafka::Outcome::reject("injected", "fault injection: error rate");
    auto result = enricher::enrich(in.event.data, "enricher@1.0.0");
    if (auto* invalid = std::get_if<enricher::ValidationError>(&result)) return kafka::Outcome::reject(invalid->reason, invalid->detail);
    kafka::Event enriched = in.event;
    enriched.data = faults.should_poison() ? "{poison" : std::get<std::string>(std::move(result));
    log.info("event enriched", {{"event_id", enriched.id}, {"event_type", enriched.type}, {"duration_ms", std::chrono::steady_clock::now() - started}});
    return kafka::Outcome::forward(output, std::move(enriched));
  };

  const auto serving = telemetry.serve();  // last: stops before anything its routes and checks use
  log.info("enricher started", {{"input", input}, {"output", output}});
  while (!shutdown.requested()) consumer.poll(std::chrono::milliseconds(100), enrich);
  log.info("enricher stopping", {{"signal", shutdown.signal_number()}});
  consumer.close();  // finishes in-flight events and commits; the rest unwinds in reverse order
  return shutdown.exit_status();
} catch (const std::exception& error) {
  return runtime::report_startup_failure("enricher", error);
}
