#pragma once
// OTLP/HTTP trace exporter, JSON encoding: POST {endpoint} with Content-Type application/json,
// over Boost.Beast with a per-attempt timeout, a kept-alive connection, and retries with
// exponential backoff and jitter on retryable failures (transport errors, 429, 502, 503, 504;
// Retry-After honoured) until the export deadline. Other statuses fail the batch at once.
// Plain http:// only.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/resource.h"
#include "edaobs/telemetry/trace/span_exporter.h"

namespace edaobs::telemetry {

struct HttpEndpoint {
  std::string host{};       // IPv6 literals without brackets
  std::string port{};       // "80" when the URL has none
  std::string target{};     // path and query, "/" when empty
  std::string host_header{};  // value of the Host header
};

// Parses "http://host[:port][/path]". Throws std::invalid_argument for https:// (not supported:
// put a local Collector in between) and malformed URLs.
[[nodiscard]] HttpEndpoint parse_http_endpoint(std::string_view url);
// OTEL_EXPORTER_OTLP_ENDPOINT semantics: the base URL with "/v1/traces" appended.
[[nodiscard]] std::string otlp_traces_url_from_base(std::string_view base_url);

// One try to deliver a batch, reported to OtlpHttpExporterOptions::on_attempt.
struct ExportAttempt {
  int number = 0;          // 1-based within one export call
  int http_status = 0;     // 0 when no response arrived
  std::string error{};     // empty on success
  bool will_retry = false;
  std::chrono::milliseconds retry_delay{0};  // wait before the next attempt when will_retry
};

struct OtlpHttpExporterOptions {
  std::string endpoint = "http://localhost:4318/v1/traces";  // full traces URL
  HeaderList headers{};                                      // extra request headers
  std::chrono::milliseconds timeout{10000};  // one attempt: connect, send, receive
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{5000};
  // Called on the exporting thread after every attempt (diagnostics, tests). Must not block.
  std::function<void(const ExportAttempt&)> on_attempt{};
};

class OtlpHttpExporter final : public SpanExporter {
 public:
  // Throws std::invalid_argument for a bad endpoint.
  OtlpHttpExporter(OtlpHttpExporterOptions options, Resource resource);
  ~OtlpHttpExporter() override;
  OtlpHttpExporter(const OtlpHttpExporter&) = delete;
  OtlpHttpExporter& operator=(const OtlpHttpExporter&) = delete;

  ExportResult export_spans(SpanBatch batch, std::chrono::steady_clock::time_point deadline) override;
  void cancel() noexcept override;
  void shutdown() noexcept override;

  [[nodiscard]] const HttpEndpoint& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edaobs::telemetry
