#pragma once
// The OTLP/HTTP protobuf encoding of an ExportLogsServiceRequest, written straight to the wire
// format with opentelemetry-proto's field numbers (collector/logs/v1, logs/v1): one ResourceLogs
// with the agent's resource, one ScopeLogs, one LogRecord per log call. Records are added one at a
// time, so the export worker encodes each as it takes it off its queue, into a reused buffer.
//
// A LogRecord carries: time_unix_nano and observed_time_unix_nano (both the call's time: the SDK
// observes the record when it is made), severity_number (DEBUG 5, INFO 9, WARN 13, ERROR 17) and
// severity_text (the JSON line's level), body (the message, a string), attributes (each field
// with its type, then code.filepath and code.lineno), and, when a span was active, trace_id,
// span_id and flags (the W3C trace flags). Masked fields carry "***"; cut strings end in the
// same "...[truncated]" as in the JSON line.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "edaobs/telemetry/logs/log_level.h"
#include "edaobs/telemetry/sdk/trace/resource.h"

#include "logs/log_record.h"
#include "logs/masked_keys.h"
#include "trace/proto_writer.h"

namespace edaobs::telemetry {

// OTLP SeverityNumber of a level.
[[nodiscard]] std::uint32_t otlp_severity_number(LogLevel level) noexcept;

struct OtlpLogRecordInput {
  LogLevel level = LogLevel::kInfo;
  std::chrono::system_clock::time_point time{};
  std::string_view file{};  // the caller's source file, as compiled
  std::uint32_t line = 0;
  const DecodedRecord* record = nullptr;
};

class OtlpLogsProtobufWriter {
 public:
  // Starts the request in `out` (replacing its content); `out` holds exactly the body once the
  // writer is destroyed. `resource` and `masked` must outlive it.
  OtlpLogsProtobufWriter(std::string& out, const Resource& resource, const MaskedKeys& masked);
  // Ends the open messages if finish() was not called.
  ~OtlpLogsProtobufWriter();
  OtlpLogsProtobufWriter(const OtlpLogsProtobufWriter&) = delete;
  OtlpLogsProtobufWriter& operator=(const OtlpLogsProtobufWriter&) = delete;

  void add(const OtlpLogRecordInput& input);
  // Closes the open messages (no record may follow).
  void finish();

  [[nodiscard]] std::size_t records() const noexcept { return records_; }

 private:
  void write_string_value(std::uint32_t tag, std::string_view text, bool truncated);

  const MaskedKeys& masked_;
  detail::ProtoWriter writer_;
  std::size_t resource_logs_at_ = 0;
  std::size_t scope_logs_at_ = 0;
  bool finished_ = false;
  std::size_t records_ = 0;
  std::string scratch_;  // a cut string with its marker; keeps its capacity
};

}  // namespace edaobs::telemetry
