#pragma once
// Starts spans: chooses the parent (explicit, else the thread's active span, else none), makes the
// ids, asks the sampler, and returns a recording or a non-recording Span.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/sdk/trace/sampler.h"
#include "edaobs/telemetry/sdk/trace/span_data.h"
#include "edaobs/telemetry/sdk/trace/span_processor.h"
#include "edaobs/telemetry/trace/span.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

struct StartSpanOptions {
  SpanKind kind = SpanKind::kInternal;
  std::optional<SpanContext> parent{};  // explicit parent; else the active context is used
  bool new_root = false;                // ignore the active context, start a new trace
  std::vector<SpanLink> links{};
  std::optional<std::chrono::system_clock::time_point> start_time{};  // default: now
};

class Tracer {
 public:
  // Recording spans go to `processor`. A null processor makes a disabled tracer: its spans never
  // record and carry the parent's context unchanged (OTEL_SDK_DISABLED behaviour).
  Tracer(const SamplerOptions& sampler, SpanProcessor* processor) noexcept;
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Never throw; if memory runs out the span is non-recording. The Span must end before the
  // tracer (its provider) is destroyed. The parent is the thread's active span unless options
  // say otherwise. The first two overloads skip building a StartSpanOptions (hot paths).
  [[nodiscard]] Span start_span(std::string_view name) noexcept;
  [[nodiscard]] Span start_span(std::string_view name, SpanKind kind) noexcept;
  [[nodiscard]] Span start_span(std::string_view name, StartSpanOptions options) noexcept;

  // Recording spans started so far.
  [[nodiscard]] std::uint64_t spans_started() const noexcept {
    return spans_started_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const Sampler& sampler() const noexcept { return sampler_; }

 private:
  // `parent` is null or valid.
  Span start(std::string_view name, SpanKind kind, const SpanContext* parent,
             std::vector<SpanLink>* links,
             const std::optional<std::chrono::system_clock::time_point>& start_time) noexcept;

  Sampler sampler_;
  SpanProcessor* processor_;
  // Own cache line: written by every recording span, read rarely.
  alignas(64) std::atomic<std::uint64_t> spans_started_{0};
};

}  // namespace edaobs::telemetry
