#pragma once
// Head sampling as OpenTelemetry defines it: always_on, always_off, traceidratio, each optionally
// parent-based (a valid parent's sampled flag decides; the root sampler decides for new traces).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

enum class SamplerKind : std::uint8_t { kAlwaysOn, kAlwaysOff, kTraceIdRatio };

struct SamplerOptions {
  SamplerKind root = SamplerKind::kAlwaysOn;
  double ratio = 1.0;  // used by kTraceIdRatio, in [0, 1]
  bool parent_based = true;

  // From OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG values: always_on, always_off,
  // traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio.
  // The argument is the ratio (default 1.0) and only read by the ratio samplers.
  // Throws std::invalid_argument naming the variable whose value is bad.
  static SamplerOptions parse(std::string_view sampler, std::optional<std::string_view> arg);
};

class Sampler {
 public:
  explicit Sampler(const SamplerOptions& options);

  // `parent` is null or a valid context. Deterministic for the ratio sampler: the same trace id
  // always gets the same answer, so every service of a trace agrees.
  [[nodiscard]] bool should_sample(const SpanContext* parent,
                                   const TraceId& trace_id) const noexcept {
    if (parent_based_ && parent != nullptr) {
      return parent->sampled();
    }
    switch (root_) {
      case SamplerKind::kAlwaysOn:
        return true;
      case SamplerKind::kAlwaysOff:
        return false;
      case SamplerKind::kTraceIdRatio:
        return ratio_allows(trace_id);
    }
    return false;
  }

  // e.g. "ParentBased{root=TraceIdRatioBased{0.25}}", for logs and diagnostics.
  [[nodiscard]] std::string description() const;

 private:
  [[nodiscard]] bool ratio_allows(const TraceId& trace_id) const noexcept;

  SamplerKind root_;
  bool parent_based_;
  double ratio_;
  std::uint64_t upper_bound_;  // sample when the trace id's low 63 bits are below this
};

}  // namespace edaobs::telemetry
