#pragma once
// GET /metrics (format negotiated from Accept), GET /health, GET /ready.
#include <string_view>

#include "edaobs/telemetry/http/readiness.h"
#include "edaobs/telemetry/metrics/registry.h"

#include "http/beast_messages.h"

namespace edaobs::telemetry::detail {

// `path` is one of RouteTable's built-in paths.
[[nodiscard]] HttpResponse serve_builtin(const BeastRequest& request, std::string_view path,
                                         Registry& registry, const Readiness& readiness,
                                         const Readiness& liveness);

}  // namespace edaobs::telemetry::detail
