#include "edaobs/telemetry/sdk/trace/sampler.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "edaobs/core/config_error.h"

namespace edaobs::telemetry {

SamplerOptions SamplerOptions::parse(std::string_view sampler,
                                     std::optional<std::string_view> arg) {
  SamplerOptions options;
  std::string_view root = sampler;
  options.parent_based = false;
  constexpr std::string_view kParentPrefix = "parentbased_";
  if (root.starts_with(kParentPrefix)) {
    options.parent_based = true;
    root.remove_prefix(kParentPrefix.size());
  }
  if (root == "always_on") {
    options.root = SamplerKind::kAlwaysOn;
  } else if (root == "always_off") {
    options.root = SamplerKind::kAlwaysOff;
  } else if (root == "traceidratio") {
    options.root = SamplerKind::kTraceIdRatio;
    if (arg.has_value() && !arg->empty()) {
      double ratio = 0;
      const char* end = arg->data() + arg->size();
      auto [ptr, ec] = std::from_chars(arg->data(), end, ratio);
      if (ec != std::errc{} || ptr != end || !(ratio >= 0.0 && ratio <= 1.0)) {
        throw ConfigError("OTEL_TRACES_SAMPLER_ARG",
                          "expected a ratio in [0, 1], got '" + std::string(*arg) + "'");
      }
      options.ratio = ratio;
    }
  } else {
    throw ConfigError("OTEL_TRACES_SAMPLER",
                      "unsupported sampler '" + std::string(sampler) +
                          "' (expected always_on, always_off, traceidratio, parentbased_always_on, "
                          "parentbased_always_off or parentbased_traceidratio)");
  }
  return options;
}

Sampler::Sampler(const SamplerOptions& options)
    : root_(options.root),
      parent_based_(options.parent_based),
      ratio_(std::clamp(options.ratio, 0.0, 1.0)),
      upper_bound_(0) {
  // Compare the trace id's low 63 bits with ratio * 2^63; ratio 1 admits every id.
  constexpr double kTwoPow63 = 9223372036854775808.0;
  upper_bound_ = ratio_ >= 1.0 ? (std::uint64_t{1} << 63)
                               : static_cast<std::uint64_t>(std::floor(ratio_ * kTwoPow63));
}

bool Sampler::ratio_allows(const TraceId& trace_id) const noexcept {
  std::uint64_t low = 0;
  for (std::size_t i = 8; i < 16; ++i) {
    low = (low << 8) | trace_id.bytes[i];
  }
  return (low >> 1) < upper_bound_;
}

std::string Sampler::description() const {
  std::string root;
  switch (root_) {
    case SamplerKind::kAlwaysOn:
      root = "AlwaysOnSampler";
      break;
    case SamplerKind::kAlwaysOff:
      root = "AlwaysOffSampler";
      break;
    case SamplerKind::kTraceIdRatio:
      root = "TraceIdRatioBased{" + std::to_string(ratio_) + "}";
      break;
  }
  return parent_based_ ? "ParentBased{root=" + root + "}" : root;
}

}  // namespace edaobs::telemetry
