// The parsers of the Collector's answer (ExportTraceServiceResponse, protobuf and JSON): an empty
// body is a full success, partial_success carries the rejected count, malformed bodies fail.
#include <string>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/otlp_response.h"

namespace edaobs::telemetry {
namespace {

TEST(OtlpResponse, ParsersAcceptEmptyAndRejectMalformedBodies) {
  EXPECT_EQ(parse_otlp_traces_response_protobuf("")->rejected_spans, 0);
  EXPECT_EQ(parse_otlp_traces_response_json("{}")->rejected_spans, 0);
  EXPECT_EQ(
      parse_otlp_traces_response_json(R"({"partialSuccess":{"rejectedSpans":7}})")->rejected_spans,
      7);
  // An unknown field (number 9, varint) before partial_success is skipped.
  EXPECT_EQ(parse_otlp_traces_response_protobuf(std::string("\x48\x01\x0A\x02\x08\x03", 6))
                ->rejected_spans,
            3);
  EXPECT_FALSE(parse_otlp_traces_response_protobuf(std::string("\x0A\x09\x08", 3))
                   .has_value());  // truncated
  EXPECT_FALSE(parse_otlp_traces_response_json("{\"partialSuccess\":").has_value());
  EXPECT_FALSE(
      parse_otlp_traces_response_json(R"({"partialSuccess":{"rejectedSpans":"x"}})").has_value());
}

}  // namespace
}  // namespace edaobs::telemetry
