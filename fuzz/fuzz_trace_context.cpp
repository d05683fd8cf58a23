// traceparent and tracestate (W3C Trace Context) as they arrive in Kafka and HTTP headers:
//   field 1: a traceparent value, field 2: a tracestate value.
// Properties: a traceparent that parses formats back to a value that parses to the same context;
// extract() through a carrier agrees with the building blocks.
#include <array>
#include <optional>
#include <string>

#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/propagation.h"
#include "fuzz_input.h"

using namespace edaobs;
using namespace edaobs::telemetry;

namespace {

void check_traceparent_round_trip(const SpanContext& parsed) {
  std::array<char, kTraceparentSize> formatted{};
  format_traceparent(parsed, formatted.data());
  const auto again = parse_traceparent(std::string_view(formatted.data(), formatted.size()));
  if (!again || again->trace_id != parsed.trace_id || again->span_id != parsed.span_id ||
      again->trace_flags != parsed.trace_flags) {
    edaobs::fuzz::property_failed();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  edaobs::fuzz::FuzzInput input(data, size);
  const std::string_view traceparent = input.field();
  const std::string_view tracestate = input.field();

  const std::optional<SpanContext> parsed = parse_traceparent(traceparent);
  if (parsed) check_traceparent_round_trip(*parsed);
  const bool tracestate_valid = is_valid_tracestate(tracestate);

  HeaderMapCarrier carrier;
  carrier.set(kTraceparentHeader, traceparent);
  carrier.set(kTracestateHeader, tracestate);
  const std::optional<SpanContext> extracted = extract(carrier);
  if (extracted.has_value() != parsed.has_value()) edaobs::fuzz::property_failed();
  if (extracted && !tracestate_valid && !extracted->trace_state.empty()) edaobs::fuzz::property_failed();
  if (extracted) {
    HeaderMapCarrier out;
    inject(*extracted, out);
    if (!out.get(kTraceparentHeader)) edaobs::fuzz::property_failed();
  }
  return 0;
}
