// recorder — the end of the chain: consumes enriched events and records how old each event is
// when it arrives (now − ce_time). A template for an agent that consumes events.
#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/kafka/envelope/rfc3339.h"
#include "edaobs/runtime/agent.h"
#include "edaobs/runtime/startup.h"

using namespace edaobs;
constexpr runtime::AgentIdentity kAgent{"recorder", "1.0.0", 8082};

int main(int argc, char** argv) try {
  // First: blocks the stop signals before any thread starts.
  runtime::Agent agent(kAgent, argc, argv);

  // --- configuration -----------------------------------------------------------------------
  runtime::Settings& settings = agent.settings();
  const std::string input =
      settings.text("input-topic", "EDAOBS_INPUT_TOPIC", "events.enriched", "topic to consume");
  if (agent.settings_done()) return agent.print_usage();

  // --- wiring ------------------------------------------------------------------------------
  telemetry::Telemetry& telemetry = agent.start_telemetry();
  auto& log = telemetry.log();
  kafka::Producer dead_letters(agent.kafka().producer, telemetry.tracer(), telemetry.metrics(),
                               log);
  agent.kafka().consumer.topics = {input};
  kafka::Consumer consumer(agent.kafka().consumer, dead_letters, telemetry.tracer(),
                           telemetry.metrics(), log);
  agent.watch(consumer, dead_letters);  // readiness; a fatal error stops the agent with exit 70
  auto& event_age = telemetry.metrics().histogram(
      "event_age_seconds", "End-to-end age of an event when recorded: now minus ce_time.",
      {"event_type"}, {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300});

  // --- the domain step ---------------------------------------------------------------------
  auto record = [&](const kafka::ConsumedEvent& in) {
    // decode() already checked ce_time, so it parses.
    const auto created =
        kafka::parse_rfc3339(in.event.time).value_or(std::chrono::system_clock::now());
    const double age =
        std::chrono::duration<double>(std::chrono::system_clock::now() - created).count();
    event_age.with({in.event.type}).observe(age);
    in.span.set_attribute("event.age_ms", age * 1000.0);
    log.info("event recorded",
             {{"event_id", in.event.id}, {"event_type", in.event.type}, {"age_ms", age * 1000.0}});
    return kafka::Outcome::done();
  };

  return agent.consume(consumer, record, {{"input", input}});
} catch (const std::exception& error) {
  return runtime::report_startup_failure(kAgent.name, error);
}
