#pragma once
// The two text formats a scrape can ask for, and the Accept-header negotiation between them.
#include <string_view>

namespace edaobs::telemetry {

enum class ExpositionFormat {
  kPrometheusText004,  // text/plain; version=0.0.4
  kOpenMetrics100,     // application/openmetrics-text; version=1.0.0 (carries exemplars)
};

inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kOpenMetricsContentType =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The Content-Type header value for a rendered body.
[[nodiscard]] constexpr std::string_view content_type(ExpositionFormat format) noexcept {
  return format == ExpositionFormat::kOpenMetrics100 ? kOpenMetricsContentType
                                                     : kPrometheusTextContentType;
}

// Picks the format for an HTTP Accept header. OpenMetrics is chosen only when the header names
// `application/openmetrics-text` (version absent, 1.0.0 or 0.0.1) with a q-value at least as high
// as any range that admits the Prometheus text format (text/plain, text/*, */*). Everything else,
// including an empty or malformed header, gets the Prometheus text format, which every scraper
// understands.
[[nodiscard]] ExpositionFormat negotiate(std::string_view accept_header) noexcept;

}  // namespace edaobs::telemetry
