// publisher — the start of the chain: publishes events at a steady rate and accepts events by
// HTTP POST /events. A template for an agent that produces events.
#include <atomic>

#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/kafka_settings.h"
#include "edaobs/runtime/processing_metrics.h"
#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/startup.h"
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
  shutdown.set_deadline(runtime::read_shutdown_deadline(settings));
  if (settings.finish()) return runtime::print_usage(settings, "publisher");

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry telemetry(telemetry::TelemetryOptions::from_env("publisher", "1.0.0", 8080));
  auto& log = telemetry.log();
  kafka::LogEventPublisher log_events(kafka.log_events, telemetry.metrics());
  log.set_forwarder(telemetry::LogLevel::kWarn, log_events.forwarder());
  kafka::Producer producer(kafka.producer, telemetry.tracer(), telemetry.metrics(), log);
  telemetry.readiness().add_check("kafka", [&] { return producer.connected(); });
  runtime::ProcessingMetrics processing(telemetry.metrics());
  publisher::EventFactory factory("/edaobs/publisher");

  // --- the domain step ---------------------------------------------------------------------
  auto publish = [&](const kafka::Event& event) {
    const auto started = Clock::now();
    // The delivery report runs with the send span active, so its log line carries the trace id.
    auto status = producer.send(topic, event, [&log, id = event.id, type = event.type](const kafka::DeliveryReport& report) {
      if (report.ok) log.info("event published", {{"event_id", id}, {"event_type", type}, {"partition", report.partition}, {"offset", report.offset}});
      else log.error("event not delivered", {{"event_id", id}, {"event_type", type}, {"error", report.error_message}});
    });
    if (!status) {
      processing.failed(event.type, event.source, status.error_type(), Clock::now() - started);
      log.error("publish failed", {{"event_id", event.id}, {"event_type", event.type}, {"error", status.message()}});
      return status;
    }
    processing.succeeded(event.type, event.source, Clock::now() - started);
    return status;
  };
  telemetry.http().add_route("POST", "/events", [&](const telemetry::HttpRequest& request) {
    auto made = factory.from_request(request.body);
    if (auto* reason = std::get_if<std::string>(&made)) {
      return telemetry::json_field_response(400, "error", *reason);
    }
    const auto& event = std::get<kafka::Event>(made);
    auto status = publish(event);
    if (!status) return telemetry::json_field_response(503, "error", status.error_type());
    return telemetry::json_field_response(202, "id", event.id);
  });

  const auto serving = telemetry.serve();  // last: stops before anything its routes and checks use
  log.info("publisher started", {{"topic", topic}, {"rate", rate}});
  const auto interval = rate > 0 ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate)) : Clock::duration::max();
  auto next = Clock::now();
  for (std::uint64_t n = 1; !shutdown.requested(); ++n) {
    if (rate <= 0 || (count > 0 && n > static_cast<std::uint64_t>(count))) { shutdown.wait(); break; }
    next += interval;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now());
    if (wait.count() > 0 && shutdown.wait_for(wait)) break;
    (void)publish(factory.synthetic(n));
  }
  log.info("publisher stopping", {{"signal", shutdown.signal_number()}});
  producer.flush(std::chrono::seconds(10));
  return 0;
} catch (const std::exception& error) {
  return runtime::report_startup_failure("publisher", error);
}
