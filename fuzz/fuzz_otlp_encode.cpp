// The OTLP trace encoders (JSON and protobuf) on spans whose text comes from hostile input
// (span names from topics, attributes from record keys and header values, tracestate):
//   fields: span name, tracestate, status message, event name, then attribute key, value, ...;
//   a key starting with '#' makes its value a number (a double from its first 8 bytes), one
//   starting with '!' an integer.
// Properties: the JSON body parses as JSON; the protobuf body is not empty.
#include <boost/json.hpp>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "edaobs/telemetry/sdk/trace/otlp_json.h"
#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"
#include "edaobs/telemetry/trace/propagation.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "fuzz_input.h"

using namespace edaobs;
using namespace edaobs::telemetry;

namespace {

template <class T>
T leading_bytes_as(std::string_view bytes) {
  T number{};
  if (bytes.empty()) return number;  // an empty view's data() may be null, which memcpy forbids
  std::memcpy(&number, bytes.data(), std::min(bytes.size(), sizeof number));
  return number;
}

void set_attribute(AttributeList& attributes, std::string_view key, std::string_view value) {
  if (!key.empty() && key.front() == '#') {
    attributes.set(key, leading_bytes_as<double>(value));
  } else if (!key.empty() && key.front() == '!') {
    attributes.set(key, leading_bytes_as<std::int64_t>(value));
  } else {
    attributes.set(key, value);
  }
}

std::unique_ptr<SpanData> span_from(edaobs::fuzz::FuzzInput& input) {
  auto span = std::make_unique<SpanData>();
  span->context = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  span->name = std::string(input.field());
  span->context.trace_state = std::string(input.field());
  span->status_code = StatusCode::kError;
  span->status_message = std::string(input.field());
  span->kind = static_cast<SpanKind>(input.byte() % 5);
  SpanEvent& event = span->events.emplace_back();
  event.name = std::string(input.field());
  while (!input.empty()) {
    const std::string_view key = input.field();
    const std::string_view value = input.field();
    set_attribute(span->attributes, key, value);
    set_attribute(event.attributes, key, value);
  }
  return span;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  edaobs::fuzz::FuzzInput input(data, size);
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(span_from(input));
  static const Resource resource = make_resource("fuzz", "1.0.0", "instance-1", {{"deployment.environment", "fuzz"}});
  const SpanBatch batch(spans.data(), spans.size());
  const AttributeLimits limits{};
  const std::string json_body = encode_otlp_traces_json(resource, batch, limits);
  boost::json::error_code ec;
  const boost::json::value parsed = boost::json::parse(json_body, ec);
  if (ec || !parsed.is_object()) edaobs::fuzz::property_failed();
  if (encode_otlp_traces_protobuf(resource, batch, limits).empty()) edaobs::fuzz::property_failed();
  return 0;
}
