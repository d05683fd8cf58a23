#pragma once
// OTLP/HTTP trace exporter: POST {endpoint} with the protobuf encoding (Content-Type
// application/x-protobuf, the default) or the JSON one (application/json), optionally gzip
// compressed (Content-Encoding: gzip), over Boost.Beast with a per-attempt timeout, a kept-alive
// connection, and retries with exponential backoff and jitter on retryable failures (transport
// errors, 429, 502, 503, 504) until the export deadline. Retry-After is honoured but never
// shortens the backoff (so "Retry-After: 0" cannot cause a tight re-POST loop) and is capped.
// Other statuses fail the batch at once. A 2xx response's partial_success.rejected_spans is
// reported through rejected_in_last_export(). Name resolution runs off the request path and is
// bounded by the same deadline. Plain http:// only.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/sdk/trace/attribute_limits.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/sdk/trace/span_exporter.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"

namespace edaobs::telemetry {

struct HttpEndpoint {
  std::string host{};         // IPv6 literals without brackets
  std::string port{};         // "80" when the URL has none
  std::string target{};       // path and query, "/" when empty
  std::string host_header{};  // value of the Host header
};

// Parses "http://host[:port][/path]". Throws std::invalid_argument for https:// (not supported:
// put a local Collector in between) and malformed URLs.
[[nodiscard]] HttpEndpoint parse_http_endpoint(std::string_view url);
// OTEL_EXPORTER_OTLP_ENDPOINT semantics: the base URL with "/v1/traces" appended.
[[nodiscard]] std::string otlp_traces_url_from_base(std::string_view base_url);

// One try to deliver a batch, reported to OtlpHttpExporterOptions::on_attempt.
struct ExportAttempt {
  int number = 0;       // 1-based within one export call
  int http_status = 0;  // 0 when no response arrived
  std::string error{};  // empty on success; the partial_success message when spans were rejected
  std::int64_t rejected_spans = 0;  // partial_success.rejected_spans of a 2xx response
  bool will_retry = false;
  std::chrono::milliseconds retry_delay{0};  // wait before the next attempt when will_retry
};

// OTEL_EXPORTER_OTLP_PROTOCOL's values this exporter speaks (grpc is not one of them).
enum class OtlpProtocol : std::uint8_t { kHttpProtobuf, kHttpJson };
// OTEL_EXPORTER_OTLP_COMPRESSION.
enum class OtlpCompression : std::uint8_t { kNone, kGzip };

// Resolves a host name to numeric addresses (as text); may block, may throw. Tests inject one.
using HostResolver =
    std::function<std::vector<std::string>(const std::string& host, const std::string& port)>;

struct OtlpHttpExporterOptions {
  // Retry-After values beyond this are treated as this (the export deadline still applies).
  static constexpr std::chrono::milliseconds kMaxRetryAfter{60000};

  std::string endpoint = "http://localhost:4318/v1/traces";  // full traces URL
  OtlpProtocol protocol = OtlpProtocol::kHttpProtobuf;
  OtlpCompression compression = OtlpCompression::kNone;
  AttributeLimits attribute_limits{};
  HeaderList headers{};                      // extra request headers
  std::chrono::milliseconds timeout{10000};  // one attempt: connect, send, receive
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{5000};
  // Called on the exporting thread after every attempt (diagnostics, tests). Must not block.
  std::function<void(const ExportAttempt&)> on_attempt{};
  HostResolver resolve{};  // empty: getaddrinfo
};

class OtlpHttpExporter final : public SpanExporter {
 public:
  // Throws std::invalid_argument for a bad endpoint.
  OtlpHttpExporter(OtlpHttpExporterOptions options, Resource resource);
  ~OtlpHttpExporter() override;
  OtlpHttpExporter(const OtlpHttpExporter&) = delete;
  OtlpHttpExporter& operator=(const OtlpHttpExporter&) = delete;

  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) override;
  void cancel() noexcept override;
  void shutdown() noexcept override;
  [[nodiscard]] std::uint64_t rejected_in_last_export() const noexcept override;

  [[nodiscard]] const HttpEndpoint& endpoint() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edaobs::telemetry
