#pragma once
// Low-level writers shared by both exposition formats: escaping and number spelling.
#include <cstdint>
#include <string>
#include <string_view>

#include "edaobs/telemetry/metrics/exemplar.h"
#include "edaobs/telemetry/metrics/family.h"
#include "edaobs/telemetry/sdk/metrics/exposition_format.h"

namespace edaobs::telemetry::metrics_detail {

// Label values: backslash, double quote and newline are escaped (both formats).
void append_label_value(std::string& out, std::string_view value);
// name="escaped value"
void append_label_pair(std::string& out, std::string_view name, std::string_view value);
// HELP text: Prometheus text escapes backslash and newline; OpenMetrics also double quote.
void append_help(std::string& out, std::string_view help, ExpositionFormat format);
// Shortest text that parses back to the same double; +Inf, -Inf and NaN as Prometheus spells them.
void append_double(std::string& out, double v);
void append_uint(std::string& out, std::uint64_t v);
// `# HELP` and `# TYPE` lines. `exposed_name` is the sample name (counters end in `_total`);
// OpenMetrics names a counter family without that suffix.
void append_metadata(std::string& out, ExpositionFormat format, MetricType type,
                     std::string_view exposed_name, std::string_view help);
// A histogram bound for the `le` label. OpenMetrics wants canonical floats, so whole numbers get
// a ".0" (1 -> "1.0"), as the reference clients write them.
void append_le(std::string& out, double bound, ExpositionFormat format);
// ` # {trace_id="...",span_id="..."} value timestamp` (OpenMetrics exemplar suffix).
void append_exemplar(std::string& out, const Exemplar& exemplar);

}  // namespace edaobs::telemetry::metrics_detail
