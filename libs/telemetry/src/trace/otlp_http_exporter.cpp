#include "edaobs/telemetry/trace/otlp_http_exporter.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "edaobs/telemetry/trace/id_generator.h"
#include "edaobs/telemetry/trace/otlp_json.h"
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
  std::string_view target = path_start == std::string_view::npos ? std::string_view("/") : rest.substr(path_start);
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

struct OtlpHttpExporter::Impl {
  Impl(OtlpHttpExporterOptions opts, Resource res)
      : options(std::move(opts)),
        resource(std::move(res)),
        endpoint(parse_http_endpoint(options.endpoint)),
        client(endpoint, options.headers) {}

  // Sleeps for `delay` unless cancelled first; false when cancelled.
  bool wait(milliseconds delay) {
    std::unique_lock lock(wait_mutex);
    return !wake.wait_for(lock, delay, [&] { return cancelled.load(); });
  }

  [[nodiscard]] milliseconds jittered(milliseconds backoff) const {
    // Uniform in [0.5, 1.5) x backoff, so clients that failed together do not retry together.
    const double unit = static_cast<double>(random_u64() >> 11) * 0x1.0p-53;
    return milliseconds(static_cast<milliseconds::rep>(static_cast<double>(backoff.count()) * (0.5 + unit)));
  }

  OtlpHttpExporterOptions options;
  Resource resource;
  HttpEndpoint endpoint;
  detail::HttpPostClient client;
  std::string body;
  std::atomic<bool> cancelled{false};
  std::mutex wait_mutex;
  std::condition_variable wake;
};

namespace {

bool is_retryable_status(int status) { return status == 429 || status == 502 || status == 503 || status == 504; }

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

}  // namespace

OtlpHttpExporter::OtlpHttpExporter(OtlpHttpExporterOptions options, Resource resource)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(resource))) {}

OtlpHttpExporter::~OtlpHttpExporter() = default;

const HttpEndpoint& OtlpHttpExporter::endpoint() const noexcept { return impl_->endpoint; }

ExportResult OtlpHttpExporter::export_spans(SpanBatch batch, Clock::time_point deadline) {
  Impl& m = *impl_;
  if (batch.empty()) {
    return ExportResult::kSuccess;
  }
  m.body.clear();
  append_otlp_traces_json(m.body, m.resource, batch);

  milliseconds backoff = std::max(m.options.initial_backoff, milliseconds(1));
  for (int attempt = 1;; ++attempt) {
    const Clock::time_point now = Clock::now();
    if (m.cancelled.load() || now >= deadline) {
      return ExportResult::kFailure;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    const detail::HttpPostResult result = m.client.post(m.body, std::min(m.options.timeout, remaining));

    ExportAttempt report;
    report.number = attempt;
    report.http_status = result.status;
    const bool ok = !result.transport_error && result.status >= 200 && result.status < 300;
    bool retryable = false;
    if (!ok) {
      report.error = result.transport_error ? result.error : "HTTP " + std::to_string(result.status);
      retryable = result.transport_error ? !result.aborted : is_retryable_status(result.status);
    }
    milliseconds delay{0};
    if (retryable) {
      const std::optional<milliseconds> retry_after =
          result.retry_after.empty() ? std::nullopt : parse_retry_after(result.retry_after);
      delay = retry_after.value_or(m.jittered(backoff));
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

}  // namespace edaobs::telemetry
