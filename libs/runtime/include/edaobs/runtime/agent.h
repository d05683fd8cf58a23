#pragma once
// What every agent's main() does around its own settings, clients and domain step, in one place:
//
//   constexpr runtime::AgentIdentity kAgent{"enricher", "1.0.0", 8081};
//   runtime::Agent agent(kAgent, argc, argv);          // stop signals blocked first, then settings
//   const std::string input = agent.settings().text(...);  // the agent's own settings
//   if (agent.settings_done()) return agent.print_usage();  // --help
//   telemetry::Telemetry& telemetry = agent.start_telemetry();
//   kafka::Producer producer(agent.kafka().producer, ...);  // the clients stay in main()
//   kafka::Consumer consumer(agent.kafka().consumer, producer, ...);
//   agent.watch(consumer, producer);                     // readiness and fatal errors
//   return agent.consume(consumer, handler, {{"input", input}});
//
// The identity (name, version, port) is the one place an agent is named: service.name and
// service.version of its spans and logs, its Kafka client ids and consumer group, the default
// HTTP port, its start-up messages. Members are destroyed in reverse order, so the telemetry
// (and the log forwarding to Kafka) outlives every client main() declares after the Agent.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/logs/log_event_publisher.h"
#include "edaobs/runtime/kafka_settings.h"
#include "edaobs/runtime/settings.h"
#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/stop_on_fatal_error.h"
#include "edaobs/telemetry/telemetry.h"

namespace edaobs::runtime {

struct AgentIdentity {
  std::string_view name;     // lower-case, e.g. "enricher"
  std::string_view version;  // e.g. "1.0.0"
  std::uint16_t port = 0;    // default HTTP port (EDAOBS_HTTP_PORT overrides)

  // "name@version", e.g. for an `enriched_by` field.
  [[nodiscard]] std::string tag() const;
};

class Agent {
 public:
  // Blocks SIGINT/SIGTERM before any thread starts, then reads the settings every agent shares
  // (Kafka, shutdown deadline) from `argv` and the environment.
  Agent(AgentIdentity identity, int argc, const char* const* argv);
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  [[nodiscard]] const AgentIdentity& identity() const noexcept { return identity_; }
  [[nodiscard]] Settings& settings() noexcept { return settings_; }
  // Consumer options come without topics: set `kafka().consumer.topics` before making one.
  [[nodiscard]] KafkaSettings& kafka() noexcept { return kafka_; }
  [[nodiscard]] ShutdownSignal& shutdown() noexcept { return shutdown_; }

  // After the agent's own settings: rejects flags nobody declared (ConfigError). true when
  // --help was given: then `return agent.print_usage();`.
  [[nodiscard]] bool settings_done();
  [[nodiscard]] int print_usage() const;

  // Spans, metrics, JSON logs and the HTTP endpoints (not serving yet), from the OTEL_* and
  // EDAOBS_* variables; WARN and ERROR lines also go to the observability.logs topic; /ready
  // has the check "not_stopping" (false once a stop is requested). Once.
  // `customize` may change the options first (e.g. add an spdlog sink to options.logging.sinks).
  using CustomizeTelemetry = std::function<void(telemetry::TelemetryOptions&)>;
  telemetry::Telemetry& start_telemetry(const CustomizeTelemetry& customize = {});
  [[nodiscard]] telemetry::Telemetry& telemetry();

  // Readiness check "kafka": every client is connected. A fatal error of any of them fails
  // /health and stops the agent in order with exit status 70 (stop_on_fatal_error.h). The
  // clients must outlive the endpoints (they do when declared before consume()/serve()).
  template <typename... Clients>
  void watch(Clients&... clients) {
    telemetry().readiness().add_check("kafka",
                                      [&clients...] { return (clients.connected() && ...); });
    stop_on_fatal_error(shutdown_, telemetry(), clients...);
  }

  // The endpoints serve while the handle lives: declare it after everything they call.
  [[nodiscard]] telemetry::Serving serve() { return telemetry().serve(); }
  // "<name> started" with `fields`, and "<name> stopping" with the signal that stopped it.
  void log_started(std::initializer_list<telemetry::LogField> fields);
  void log_stopping();

  // The run of a consuming agent: serves the endpoints, polls `consumer` with `handler` until a
  // stop is requested, then closes it (drains in-flight records, commits) and stops serving.
  // Returns the exit status (0, or 70 after a fatal error).
  [[nodiscard]] int consume(kafka::Consumer& consumer, const kafka::EventHandler& handler,
                            std::initializer_list<telemetry::LogField> started_fields);

  [[nodiscard]] int exit_status() const noexcept { return shutdown_.exit_status(); }

 private:
  AgentIdentity identity_;
  ShutdownSignal shutdown_;  // first: before any thread starts, and destroyed last
  Settings settings_;
  KafkaSettings kafka_;
  std::optional<telemetry::Telemetry> telemetry_;
  std::optional<kafka::LogEventPublisher> log_events_;
};

}  // namespace edaobs::runtime
