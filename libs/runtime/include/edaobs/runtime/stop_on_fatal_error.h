#pragma once
// A Kafka client's fatal error (kafka/client/fatal_error.h) ends the agent in order rather than
// leaving it to fail every record behind a healthy-looking endpoint: from that moment GET /health
// answers 503 ({"checks":{"kafka":"failing"}}), and the stop is requested as by SIGTERM — drain,
// commit, flush, held to the same deadline — with exit status kExitFatalError, so the supervisor
// (compose's restart policy, Kubernetes' liveness probe) starts a fresh instance.
//
//   runtime::stop_on_fatal_error(shutdown, telemetry, consumer, producer);
//   ...
//   return shutdown.exit_status();
#include <string_view>

#include "edaobs/runtime/shutdown_signal.h"
#include "edaobs/runtime/startup.h"
#include "edaobs/telemetry/telemetry.h"

namespace edaobs::runtime {

// `clients` (kafka::Producer, kafka::Consumer) and `shutdown` must outlive the telemetry's
// endpoints (declare them before telemetry.serve()).
template <typename... Clients>
void stop_on_fatal_error(ShutdownSignal& shutdown, telemetry::Telemetry& telemetry,
                         Clients&... clients) {
  telemetry.liveness().add_check("kafka",
                                 [&clients...] { return (!clients.fatal_error() && ...); });
  (clients.on_fatal_error(
       [&shutdown](std::string_view) { shutdown.request_failure(kExitFatalError); }),
   ...);
}

}  // namespace edaobs::runtime
