// publisher — the start of the chain: publishes events at a steady rate and accepts events by
// HTTP POST /events, answered only once the broker acknowledged them. A template for an agent
// that produces events.
#include "edaobs/kafka/client/producer.h"
#include "edaobs/runtime/agent.h"
#include "edaobs/runtime/delivery_outcome.h"
#include "edaobs/runtime/event_ingest.h"
#include "edaobs/runtime/paced_loop.h"
#include "edaobs/runtime/processing_metrics.h"
#include "edaobs/runtime/startup.h"

#include "event_factory.h"

using namespace edaobs;
using Clock = std::chrono::steady_clock;
constexpr runtime::AgentIdentity kAgent{"publisher", "1.0.0", 8080};

int main(int argc, char** argv) try {
  // First: blocks the stop signals before any thread starts.
  runtime::Agent agent(kAgent, argc, argv);

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings& settings = agent.settings();
  const std::string topic =
      settings.text("topic", "EDAOBS_OUTPUT_TOPIC", "events.raw", "topic to publish to");
  const double rate = settings.number("rate", "EDAOBS_RATE", 2, 0, 1e6,
                                      "synthetic events per second (0: only POSTed events)");
  const auto count =
      settings.integer("count", "EDAOBS_COUNT", 0, 0, INT64_MAX,
                       "stop the synthetic stream after this many events (0: never)");
  const runtime::IngestOptions ingest_options =
      runtime::read_ingest_options(settings, topic, agent.kafka().producer);
  if (agent.settings_done()) return agent.print_usage();

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry& telemetry = agent.start_telemetry();
  auto& log = telemetry.log();
  runtime::ProcessingMetrics processing(telemetry.metrics());
  publisher::EventFactory factory("/edaobs/" + std::string(kAgent.name));
  // Two producers: the synthetic stream may wait out an outage (the delivery timeout); a POSTed
  // event gets its answer within the ingest timeout.
  kafka::Producer producer(agent.kafka().producer, telemetry.tracer(), telemetry.metrics(), log);
  kafka::Producer ingest_producer(
      runtime::ingest_producer_options(agent.kafka().producer, ingest_options.timeout),
      telemetry.tracer(), telemetry.metrics(), log);
  agent.watch(producer, ingest_producer);  // readiness; a fatal error stops the agent with exit 70
  runtime::EventIngest ingest(ingest_producer, ingest_options, processing, log);

  // --- the domain step ---------------------------------------------------------------------
  ingest.serve(telemetry.http(), "/events",
               [&](std::string_view body) { return factory.from_request(body); });
  auto publish = [&](const kafka::Event& event) {
    const auto started = Clock::now();
    const auto status =
        producer.send(topic, event, [&, event, started](const kafka::DeliveryReport& report) {
          // Runs with the send span active, so the log line carries the trace id.
          runtime::record_delivery(processing, log, event, report, started);
        });
    if (!status)
      processing.failed(event.type, event.source, status.error().reason, Clock::now() - started);
  };

  const auto serving = agent.serve();  // last: stops before anything its routes and checks use
  agent.log_started(
      {{"topic", topic}, {"rate", rate}, {"ingest_timeout_ms", ingest_options.timeout.count()}});
  runtime::run_at_rate(agent.shutdown(), rate, static_cast<std::uint64_t>(count),
                       [&](std::uint64_t n) { publish(factory.synthetic(n)); });
  agent.log_stopping();
  ingest.stop();  // POSTs get 503 from here on; those already sent are answered as they complete
  ingest_producer.flush(ingest_options.timeout);
  producer.flush(std::chrono::seconds(10));
  return agent.exit_status();
} catch (const std::exception& error) {
  return runtime::report_startup_failure(kAgent.name, error);
}
