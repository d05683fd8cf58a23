#pragma once
// What an OTLP/HTTP receiver says in a 2xx ExportTraceServiceResponse: partial_success, the spans
// it accepted the request for but still refused, and why.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edaobs::telemetry {

struct OtlpPartialSuccess {
  std::int64_t rejected_spans = 0;
  std::string error_message{};
};

// An empty body, or one without partial_success, is full success (rejected_spans 0). nullopt when
// the body is malformed. Fields other than partial_success are ignored.
[[nodiscard]] std::optional<OtlpPartialSuccess> parse_otlp_traces_response_protobuf(
    std::string_view body);
// The JSON form: {"partialSuccess":{"rejectedSpans":"3","errorMessage":"..."}} (int64 as a
// string or a number).
[[nodiscard]] std::optional<OtlpPartialSuccess> parse_otlp_traces_response_json(
    std::string_view body);

}  // namespace edaobs::telemetry
