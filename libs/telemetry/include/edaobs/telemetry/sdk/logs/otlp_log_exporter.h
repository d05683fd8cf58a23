#pragma once
// Sends every log record a Logger writes also as an OTLP LogRecord to the Collector
// (POST <endpoint>/v1/logs, protobuf, optionally gzip), as the OpenTelemetry SDK's batching log
// record processor does, with its OTEL_BLRP_* settings and defaults.
//
// The Logger's worker thread hands each record over after writing its JSON line: a copy of the
// compact binary record into a slot of a bounded ring (no lock, no allocation once warm). A full
// ring drops the record and counts it; the log call itself never sees any of this. One export
// worker of our own takes up to max_export_batch_size records when a batch is full, when
// schedule_delay has passed since the last export, or on flush/shutdown, encodes them into a
// reused buffer and POSTs them, retrying retryable failures (transport errors, 429, 502, 503,
// 504) with jittered exponential backoff until export_timeout. A dead or slow Collector therefore
// only fills the ring: records beyond it are dropped and counted, the agent never waits.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"

namespace edaobs::telemetry {

struct QueuedRecord;

struct OtlpLogExporterOptions {
  std::string endpoint = "http://localhost:4318/v1/logs";  // full logs URL
  OtlpCompression compression = OtlpCompression::kNone;
  HeaderList headers{};
  std::chrono::milliseconds timeout{10000};  // one POST attempt
  std::size_t max_queue_size = 2048;         // OTEL_BLRP_MAX_QUEUE_SIZE
  std::size_t max_export_batch_size = 512;   // OTEL_BLRP_MAX_EXPORT_BATCH_SIZE (<= queue size)
  std::chrono::milliseconds schedule_delay{1000};  // OTEL_BLRP_SCHEDULE_DELAY
  std::chrono::milliseconds export_timeout{
      30000};  // OTEL_BLRP_EXPORT_TIMEOUT: one batch, retries included
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{5000};
  HostResolver resolve{};  // empty: getaddrinfo
  // Tests: takes each encoded request body instead of POSTing it; returns whether it was
  // accepted. Called on the export worker; must not block.
  std::function<bool(std::string_view protobuf_body)> body_sink{};
  // false (OTEL_LOGS_EXPORTER=none or OTEL_SDK_DISABLED=true): no exporter is made.
  bool enabled = true;

  // Reads, over the defaults above: OTEL_SDK_DISABLED, OTEL_LOGS_EXPORTER (otlp or none),
  // OTEL_EXPORTER_OTLP_ENDPOINT (base URL, "/v1/logs" appended), OTEL_EXPORTER_OTLP_LOGS_ENDPOINT
  // (used as is, wins), OTEL_EXPORTER_OTLP_[LOGS_]HEADERS, _TIMEOUT (ms), _COMPRESSION (gzip or
  // none) and _PROTOCOL (http/protobuf only: http/json and grpc are refused), OTEL_BLRP_*.
  // Unset or empty variables keep the default; a bad value throws std::invalid_argument whose
  // message starts with the variable's name.
  static OtlpLogExporterOptions from_env();
  static OtlpLogExporterOptions from_env(
      const std::function<std::optional<std::string>(std::string_view)>& lookup);
};

struct LogExportStats {
  std::uint64_t exported = 0;         // records the endpoint accepted
  std::uint64_t dropped = 0;          // ring full, or handed over after shutdown
  std::uint64_t failed = 0;           // records in batches whose export failed or were rejected
  std::uint64_t export_failures = 0;  // failed export calls (batches)
  std::size_t queue_size = 0;         // records waiting in the ring
};

class OtlpLogExporter {
 public:
  // Starts the export worker. Throws std::invalid_argument for a bad endpoint or a zero queue
  // or batch size. Fields whose key is in `masked_keys` are sent as "***", as in the JSON line.
  OtlpLogExporter(OtlpLogExporterOptions options, Resource resource,
                  const std::vector<std::string>& masked_keys);
  ~OtlpLogExporter();  // shutdown() with export_timeout
  OtlpLogExporter(const OtlpLogExporter&) = delete;
  OtlpLogExporter& operator=(const OtlpLogExporter&) = delete;

  // The Logger's worker thread only: copies the record into the ring or drops it. Never blocks.
  void offer(const QueuedRecord& record) noexcept;

  // Exports everything offered before the call; false if that did not finish within `timeout`.
  bool force_flush(std::chrono::milliseconds timeout);
  // Idempotent. Exports what is queued, then stops the worker; what the timeout cuts short is
  // cancelled and counted as failed. Records offered afterwards are dropped. False on timeout.
  bool shutdown(std::chrono::milliseconds timeout);

  [[nodiscard]] LogExportStats stats() const noexcept;
  [[nodiscard]] const HttpEndpoint& endpoint() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// OTEL_EXPORTER_OTLP_ENDPOINT semantics for logs: the base URL with "/v1/logs" appended.
[[nodiscard]] std::string otlp_logs_url_from_base(std::string_view base_url);

}  // namespace edaobs::telemetry
