// enricher — consumes raw events, validates and enriches them, republishes them to the next
// topic. A template for a processing agent: configuration, wiring, then the domain step.
#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/runtime/agent.h"
#include "edaobs/runtime/fault_injection.h"
#include "edaobs/runtime/startup.h"

#include "enrichment.h"

using namespace edaobs;
constexpr runtime::AgentIdentity kAgent{"enricher", "1.0.0", 8081};

int main(int argc, char** argv) try {
  // First: blocks the stop signals before any thread starts.
  runtime::Agent agent(kAgent, argc, argv);

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings& settings = agent.settings();
  const std::string input =
      settings.text("input-topic", "EDAOBS_INPUT_TOPIC", "events.raw", "topic to consume");
  const std::string output = settings.text("output-topic", "EDAOBS_OUTPUT_TOPIC", "events.enriched",
                                           "topic to republish to");
  const runtime::FaultSettings fault_settings = runtime::read_fault_settings(settings);
  if (agent.settings_done()) return agent.print_usage();

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry& telemetry = agent.start_telemetry();
  auto& log = telemetry.log();
  kafka::Producer producer(agent.kafka().producer, telemetry.tracer(), telemetry.metrics(), log);
  agent.kafka().consumer.topics = {input};
  kafka::Consumer consumer(agent.kafka().consumer, producer, telemetry.tracer(),
                           telemetry.metrics(), log);
  agent.watch(consumer, producer);  // readiness; a fatal error stops the agent with exit 70
  runtime::FaultInjector faults(fault_settings);
  faults.register_admin_routes(telemetry.http());
  const std::string enriched_by = kAgent.tag();

  // --- the domain step ---------------------------------------------------------------------
  // Validate and enrich; the consumer dead-letters rejects, republishes the enriched event and
  // records the processing metrics (success once the republished event is acknowledged).
  auto enrich = [&](const kafka::ConsumedEvent& in) {
    const auto started = std::chrono::steady_clock::now();
    faults.add_latency();
    if (faults.should_fail())
      return kafka::Outcome::reject("injected", "fault injection: error rate");
    auto data = enricher::enrich(in.event.data, enriched_by);
    if (!data) return kafka::Outcome::reject(data.error());
    kafka::Event enriched = in.event;
    enriched.data = faults.should_poison() ? "{poison" : std::move(data).value();
    log.info("event enriched", {{"event_id", enriched.id},
                                {"event_type", enriched.type},
                                {"duration_ms", std::chrono::steady_clock::now() - started}});
    return kafka::Outcome::forward(output, std::move(enriched));
  };

  return agent.consume(consumer, enrich, {{"input", input}, {"output", output}});
} catch (const std::exception& error) {
  return runtime::report_startup_failure(kAgent.name, error);
}
