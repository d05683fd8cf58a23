#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "edaobs/telemetry/sdk/trace/id_generator.h"
#include "edaobs/telemetry/sdk/trace/otlp_json.h"
#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"
#include "edaobs/telemetry/sdk/trace/otlp_response.h"

#include "gzip_compressor.h"
#include "http_post_client.h"

namespace edaobs::telemetry {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

HttpEndpoint parse_http_endpoint(std::string_view url) {
  const auto bad = [&](std::string_view why) {
    return std::invalid_argument("OTLP endpoint '" + std::string(url) + "': " + std::string(why));
  };
  if (url.starts_with("https://")) {
    throw bad("https is not supported by this exporter; use http:// (e.g. a local Collector)");
  }
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) {
    throw bad("expected an http:// URL");
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view target =
      path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos) {
    throw bad("user info in the URL is not supported");
  }
  HttpEndpoint ep;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      throw bad("unterminated IPv6 address");
    }
    ep.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        throw bad("unexpected text after the IPv6 address");
      }
      port = after.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    ep.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
  }
  if (ep.host.empty()) {
    throw bad("missing host");
  }
  if (!port.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      throw bad("invalid port");
    }
  }
  ep.port = port.empty() ? "80" : std::string(port);
  if (target.starts_with('?')) {
    ep.target.reserve(target.size() + 1);
    ep.target.push_back('/');
  }
  ep.target.append(target);
  ep.host_header = std::string(authority);
  return ep;
}

std::string otlp_traces_url_from_base(std::string_view base_url) {
  std::string url(base_url);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url + "/v1/traces";
}

namespace {

detail::HttpPostClientOptions client_options(OtlpHttpExporterOptions& options) {
  return {
      .content_type = options.protocol == OtlpProtocol::kHttpProtobuf ? "application/x-protobuf"
                                                                      : "application/json",
      .content_encoding = options.compression == OtlpCompression::kGzip ? "gzip" : "",
      .resolve = std::move(options.resolve),
  };
}

}  // namespace

struct OtlpHttpExporter::Impl {
  Impl(OtlpHttpExporterOptions opts, Resource res)
      : options(std::move(opts)),
        resource(std::move(res)),
        endpoint(parse_http_endpoint(options.endpoint)),
        client(endpoint, options.headers, client_options(options)) {
    if (options.compression == OtlpCompression::kGzip) {
      gzip.emplace();
    }
  }

  // Sleeps for `delay` unless cancelled first; false when cancelled.
  bool wait(milliseconds delay) {
    std::unique_lock lock(wait_mutex);
    return !wake.wait_for(lock, delay, [&] { return cancelled.load(); });
  }

  [[nodiscard]] milliseconds jittered(milliseconds backoff) const {
    // Uniform in [0.5, 1.5) x backoff, so clients that failed together do not retry together.
    const double unit = static_cast<double>(random_u64() >> 11) * 0x1.0p-53;
    return milliseconds(
        static_cast<milliseconds::rep>(static_cast<double>(backoff.count()) * (0.5 + unit)));
  }

  void encode(SpanBatch batch) {
    body.clear();
    if (options.protocol == OtlpProtocol::kHttpProtobuf) {
      append_otlp_traces_protobuf(body, resource, batch, options.attribute_limits);
    } else {
      append_otlp_traces_json(body, resource, batch, options.attribute_limits);
    }
    if (gzip) {
      gzip->compress(body, compressed);
    }
  }
  [[nodiscard]] std::string_view payload() const {
    return gzip ? std::string_view(compressed) : std::string_view(body);
  }

  OtlpHttpExporterOptions options;
  Resource resource;
  HttpEndpoint endpoint;
  detail::HttpPostClient client;
  std::optional<detail::GzipCompressor> gzip;
  std::string body;        // the encoded request, reused
  std::string compressed;  // its gzip form, reused
  std::uint64_t rejected_last = 0;
  std::atomic<bool> cancelled{false};
  std::mutex wait_mutex;
  std::condition_variable wake;
};

namespace {

bool is_retryable_status(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// Retry-After as delay-seconds; HTTP-date forms are not used by OTLP receivers and fall back to
// the exponential backoff.
std::optional<milliseconds> parse_retry_after(std::string_view value) {
  std::uint32_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc{} || ptr != value.data() + value.size()) {
    return std::nullopt;
  }
  return milliseconds(std::int64_t{seconds} * 1000);
}

// The wait before the next attempt. The jittered backoff is the floor (a Collector that says
// "Retry-After: 0" while overloaded must not get a tight loop of re-POSTs); a longer Retry-After
// wins, up to kMaxRetryAfter.
milliseconds retry_delay(std::string_view retry_after_header, milliseconds jittered_backoff) {
  const std::optional<milliseconds> retry_after =
      retry_after_header.empty() ? std::nullopt : parse_retry_after(retry_after_header);
  if (!retry_after) {
    return jittered_backoff;
  }
  return std::max(jittered_backoff,
                  std::min(*retry_after, OtlpHttpExporterOptions::kMaxRetryAfter));
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// partial_success from a 2xx response, in the encoding the response says it has (a proxy may
// answer JSON to a protobuf request). A body that cannot be read counts as full success: the
// receiver accepted the request, and the status code is what OTLP makes authoritative.
OtlpPartialSuccess partial_success_of(const detail::HttpPostResult& result, OtlpProtocol protocol) {
  if (result.body.empty()) {
    return {};
  }
  const bool json =
      contains(result.content_type, "json") ||
      (!contains(result.content_type, "protobuf") && protocol == OtlpProtocol::kHttpJson);
  std::optional<OtlpPartialSuccess> parsed = json
                                                 ? parse_otlp_traces_response_json(result.body)
                                                 : parse_otlp_traces_response_protobuf(result.body);
  if (!parsed || parsed->rejected_spans < 0) {
    return {};
  }
  return *std::move(parsed);
}

}  // namespace

OtlpHttpExporter::OtlpHttpExporter(OtlpHttpExporterOptions options, Resource resource)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(resource))) {}

OtlpHttpExporter::~OtlpHttpExporter() = default;

const HttpEndpoint& OtlpHttpExporter::endpoint() const noexcept { return impl_->endpoint; }

ExportResult OtlpHttpExporter::export_spans(SpanBatch batch, Clock::time_point deadline) {
  Impl& m = *impl_;
  m.rejected_last = 0;
  if (batch.empty()) {
    return ExportResult::kSuccess;
  }
  m.encode(batch);

  milliseconds backoff = std::max(m.options.initial_backoff, milliseconds(1));
  for (int attempt = 1;; ++attempt) {
    const Clock::time_point now = Clock::now();
    if (m.cancelled.load() || now >= deadline) {
      return ExportResult::kFailure;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    const detail::HttpPostResult result =
        m.client.post(m.payload(), std::min(m.options.timeout, remaining));

    ExportAttempt report;
    report.number = attempt;
    report.http_status = result.status;
    const bool ok = !result.transport_error && result.status >= 200 && result.status < 300;
    bool retryable = false;
    if (ok) {
      OtlpPartialSuccess partial = partial_success_of(result, m.options.protocol);
      report.rejected_spans = partial.rejected_spans;
      report.error = std::move(partial.error_message);
      m.rejected_last = static_cast<std::uint64_t>(partial.rejected_spans);
    } else {
      report.error =
          result.transport_error ? result.error : "HTTP " + std::to_string(result.status);
      retryable = result.transport_error ? !result.aborted : is_retryable_status(result.status);
    }
    milliseconds delay{0};
    if (retryable) {
      delay = retry_delay(result.retry_after, m.jittered(backoff));
      backoff = std::min(backoff * 2, std::max(m.options.max_backoff, milliseconds(1)));
      // Never sleep past the deadline: if the wait would end after it, give up now.
      report.will_retry = !m.cancelled.load() && Clock::now() + delay < deadline;
      report.retry_delay = report.will_retry ? delay : milliseconds(0);
    }
    if (m.options.on_attempt) {
      try {
        m.options.on_attempt(report);
      } catch (...) {
      }
    }
    if (ok) {
      return ExportResult::kSuccess;
    }
    if (!report.will_retry || !m.wait(delay)) {
      return ExportResult::kFailure;
    }
  }
}

void OtlpHttpExporter::cancel() noexcept {
  {
    std::lock_guard lock(impl_->wait_mutex);
    impl_->cancelled.store(true);
  }
  impl_->wake.notify_all();
  impl_->client.abort();
}

void OtlpHttpExporter::shutdown() noexcept { impl_->client.close(); }

std::uint64_t OtlpHttpExporter::rejected_in_last_export() const noexcept {
  return impl_->rejected_last;
}

}  // namespace edaobs::telemetry
