// recorder — the end of the chain: consumes enriched events and records how old each event is
// when it arrives (now − ce_time). A template for an agent that consumes events.
#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/envelope/rfc3339.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/kafka_settings.h"
#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/startup.h"
#include "edaobs/runtime/stop_on_fatal_error.h"
#include "edaobs/telemetry/telemetry.h"

using namespace edaobs;
int main(int argc, char** argv) try {
  runtime::ShutdownSignal shutdown;  // first: before any thread starts

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings settings(argc, argv);
  runtime::KafkaSettings kafka = runtime::read_kafka_settings(settings, "recorder");
  const std::string input = settings.text("input-topic", "EDAOBS_INPUT_TOPIC", "events.enriched", "topic to consume");
  shutdown.set_deadline(runtime::read_shutdown_deadline(settings));
  if (settings.finish()) return runtime::print_usage(settings, "recorder");

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry telemetry(telemetry::TelemetryOptions::from_env("recorder", "1.0.0", 8082));
  auto& log = telemetry.log();
  kafka::LogEventPublisher log_events(kafka.log_events, telemetry.metrics());
  log.set_forwarder(telemetry::LogLevel::kWarn, log_events.forwarder());
  kafka::Producer dead_letters(kafka.producer, telemetry.tracer(), telemetry.metrics(), log);
  kafka.consumer.topics = {input};
  kafka::Consumer consumer(kafka.consumer, dead_letters, telemetry.tracer(), telemetry.metrics(), log);
  telemetry.readiness().add_check("kafka", [&] { return consumer.connected(); });
  telemetry.readiness().add_check("not_stopping", [&] { return !shutdown.requested(); });  // not ready while it drains
  runtime::stop_on_fatal_error(shutdown, telemetry, consumer, dead_letters);  // /health 503, orderly stop, exit 70
  auto& event_age = telemetry.metrics().histogram(
      "event_age_seconds", "End-to-end age of an event when recorded: now minus ce_time.",
      {"event_type"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300});

  // --- the domain step ---------------------------------------------------------------------
  auto record = [&](const kafka::ConsumedEvent& in) {
    // decode() already checked ce_time, so it parses.
    const auto created = kafka::parse_rfc3339(in.event.time).value_or(std::chrono::system_clock::now());
    const double age = std::chrono::duration<double>(std::chrono::system_clock::now() - created).count();
    event_age.with({in.event.type}).observe(age);
    in.span.set_attribute("event.age_ms", age * 1000.0);
    log.info("event recorded", {{"event_id", in.event.id}, {"event_type", in.event.type}, {"age_ms", age * 1000.0}});
    return kafka::Outcome::done();
  };

  const auto serving = telemetry.serve();  // last: stops before anything its routes and checks use
  log.info("recorder started", {{"input", input}});
  while (!shutdown.requested()) consumer.poll(std::chrono::milliseconds(100), record);
  log.info("recorder stopping", {{"signal", shutdown.signal_number()}});
  consumer.close();
  return shutdown.exit_status();
} catch (const std::exception& error) {
  return runtime::report_startup_failure("recorder", error);
}
