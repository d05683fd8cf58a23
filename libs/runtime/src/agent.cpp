#include "edaobs/runtime/agent.h"

#include <chrono>
#include <stdexcept>

#include "edaobs/runtime/startup.h"

namespace edaobs::runtime {

std::string AgentIdentity::tag() const { return std::string(name) + "@" + std::string(version); }

Agent::Agent(AgentIdentity identity, int argc, const char* const* argv)
    : identity_(identity),
      settings_(argc, argv),
      kafka_(read_kafka_settings(settings_, std::string(identity_.name))) {
  shutdown_.set_deadline(read_shutdown_deadline(settings_));
}

bool Agent::settings_done() { return settings_.finish(); }

int Agent::print_usage() const { return runtime::print_usage(settings_, identity_.name); }

telemetry::Telemetry& Agent::start_telemetry(const CustomizeTelemetry& customize) {
  if (telemetry_) throw std::logic_error("Agent::start_telemetry: already started");
  telemetry::TelemetryOptions options = telemetry::TelemetryOptions::from_env(
      std::string(identity_.name), std::string(identity_.version), identity_.port);
  if (customize) customize(options);
  telemetry_.emplace(std::move(options));
  log_events_.emplace(kafka_.log_events, telemetry_->metrics());
  telemetry_->log().set_forwarder(telemetry::LogLevel::kWarn, log_events_->forwarder());
  // Not ready from the moment a stop is requested: while the agent drains, traffic goes elsewhere.
  telemetry_->readiness().add_check("not_stopping", [this] { return !shutdown_.requested(); });
  return *telemetry_;
}

telemetry::Telemetry& Agent::telemetry() {
  if (!telemetry_) throw std::logic_error("Agent: start_telemetry() first");
  return *telemetry_;
}

void Agent::log_started(std::initializer_list<telemetry::LogField> fields) {
  telemetry().log().info(std::string(identity_.name) + " started", fields);
}

void Agent::log_stopping() {
  telemetry().log().info(std::string(identity_.name) + " stopping",
                         {{"signal", shutdown_.signal_number()}});
}

int Agent::consume(kafka::Consumer& consumer, const kafka::EventHandler& handler,
                   std::initializer_list<telemetry::LogField> started_fields) {
  const telemetry::Serving serving = serve();  // stops before consume() returns
  log_started(started_fields);
  while (!shutdown_.requested()) consumer.poll(std::chrono::milliseconds(100), handler);
  log_stopping();
  consumer.close();  // finishes in-flight events and commits
  return exit_status();
}

}  // namespace edaobs::runtime
