#include "edaobs/telemetry/sdk/metrics/exposition_format.h"

#include <algorithm>
#include <charconv>

#include "edaobs/core/text.h"

namespace edaobs::telemetry {
namespace {

// Next comma- or semicolon-separated piece of `rest`; quoted strings may contain separators.
std::string_view next_token(std::string_view& rest, char separator) noexcept {
  bool quoted = false;
  std::size_t i = 0;
  for (; i < rest.size(); ++i) {
    if (rest[i] == '"') quoted = !quoted;
    if (!quoted && rest[i] == separator) break;
  }
  const std::string_view token = rest.substr(0, i);
  rest = i < rest.size() ? rest.substr(i + 1) : std::string_view{};
  return token;
}

struct MediaRange {
  std::string_view type;
  std::string_view version;
  double q = 1.0;
};

MediaRange parse_range(std::string_view range) noexcept {
  MediaRange parsed;
  parsed.type = trim(next_token(range, ';'));
  while (!range.empty()) {
    const std::string_view param = trim(next_token(range, ';'));
    const std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = trim(param.substr(0, eq));
    std::string_view value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (iequals_ascii(key, "q")) {
      double q = 0.0;
      const auto result = std::from_chars(value.data(), value.data() + value.size(), q);
      // A malformed q makes the range unacceptable rather than preferred.
      parsed.q = result.ec == std::errc{} && q >= 0.0 && q <= 1.0 ? q : 0.0;
    } else if (iequals_ascii(key, "version")) {
      parsed.version = value;
    }
  }
  return parsed;
}

}  // namespace

ExpositionFormat negotiate(std::string_view accept_header) noexcept {
  double openmetrics_q = 0.0;
  double text_q = 0.0;
  std::string_view rest = accept_header;
  while (!rest.empty()) {
    const MediaRange range = parse_range(next_token(rest, ','));
    if (iequals_ascii(range.type, "application/openmetrics-text")) {
      if (range.version.empty() || range.version == "1.0.0" || range.version == "0.0.1") {
        openmetrics_q = std::max(openmetrics_q, range.q);
      }
    } else if (iequals_ascii(range.type, "text/plain")) {
      if (range.version.empty() || range.version == "0.0.4") text_q = std::max(text_q, range.q);
    } else if (iequals_ascii(range.type, "text/*") || range.type == "*/*") {
      text_q = std::max(text_q, range.q);
    }
  }
  return openmetrics_q > 0.0 && openmetrics_q >= text_q ? ExpositionFormat::kOpenMetrics100
                                                        : ExpositionFormat::kPrometheusText004;
}

}  // namespace edaobs::telemetry
