#pragma once
// Standard process metrics read from /proc/self at scrape time (Linux):
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds, process_threads.
#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::telemetry {

void register_process_metrics(Registry& registry);

}  // namespace edaobs::telemetry
