// Metric label values (which come from records: ce_type, ce_source) through label escaping and
// both exposition formats, and the Accept-header negotiation of a scrape:
//   field 1: an Accept header, then label value pairs.
// Properties: every rendered line is a comment, empty or "name{labels} value..." whose label
// part ends before the value, i.e. no label value breaks out of its quotes or its line.
#include <string>
#include <string_view>

#include "edaobs/telemetry/sdk/metrics/exposition_format.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "fuzz_input.h"

using namespace edaobs;
using namespace edaobs::telemetry;

namespace {

// The index just past a label set "{...}" starting at `open`, honouring quotes and escapes.
std::size_t end_of_labels(std::string_view line, std::size_t open) {
  bool quoted = false;
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    if (quoted && line[i] == '\\') {
      ++i;
    } else if (line[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && line[i] == '}') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

void check_line(std::string_view line) {
  if (line.empty() || line.front() == '#') return;
  const std::size_t open = line.find_first_of("{ ");
  if (open == std::string_view::npos) edaobs::fuzz::property_failed();
  std::size_t after = open;
  if (line[open] == '{') after = end_of_labels(line, open);
  if (after == std::string_view::npos || after >= line.size() || line[after] != ' ') edaobs::fuzz::property_failed();
}

void check_exposition(std::string_view text) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    check_line(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  edaobs::fuzz::FuzzInput input(data, size);
  const ExpositionFormat negotiated = negotiate(input.field());
  Registry registry{{"service", "fuzz"}};
  auto& processed = registry.counter("events_processed_total", "Events processed.", {"event_type", "source"});
  auto& age = registry.histogram("event_age_seconds", "Age.", {"event_type"}, {0.1, 1.0});
  for (int series = 0; series < 8 && !input.empty(); ++series) {
    const std::string_view type = input.field();
    const std::string_view source = input.field();
    processed.with({type, source}).inc();
    age.with({type}).observe(0.5);
  }
  check_exposition(registry.render(ExpositionFormat::kPrometheusText004));
  check_exposition(registry.render(ExpositionFormat::kOpenMetrics100));
  if (content_type(negotiated).empty()) edaobs::fuzz::property_failed();
  return 0;
}
