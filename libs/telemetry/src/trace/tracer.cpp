#include "edaobs/telemetry/trace/tracer.h"

#include "edaobs/telemetry/sdk/trace/id_generator.h"

#include "id_bits.h"
#include "span_data_pool.h"

namespace edaobs::telemetry {

Tracer::Tracer(const SamplerOptions& sampler, SpanProcessor* processor) noexcept
    : sampler_(sampler), processor_(processor) {}

namespace {

const SpanContext* active_parent() noexcept {
  const SpanContext& active = active_span_context();
  return detail::is_valid(active) ? &active : nullptr;
}

}  // namespace

Span Tracer::start_span(std::string_view name) noexcept {
  return start(name, SpanKind::kInternal, active_parent(), nullptr, std::nullopt);
}

Span Tracer::start_span(std::string_view name, SpanKind kind) noexcept {
  return start(name, kind, active_parent(), nullptr, std::nullopt);
}

Span Tracer::start_span(std::string_view name, StartSpanOptions options) noexcept {
  const SpanContext* parent = nullptr;
  if (options.parent.has_value()) {
    if (detail::is_valid(*options.parent)) {
      parent = &*options.parent;
    }
  } else if (!options.new_root) {
    parent = active_parent();
  }
  return start(name, options.kind, parent, &options.links, options.start_time);
}

// One named result object on every path, so it is built in place in the caller (NRVO) instead of
// being moved, which matters at the nanosecond scale of unsampled spans.
Span Tracer::start(
    std::string_view name, SpanKind kind, const SpanContext* parent, std::vector<SpanLink>* links,
    const std::optional<std::chrono::system_clock::time_point>& start_time) noexcept {
  Span span;
  if (processor_ == nullptr) {
    // Disabled: pass the parent through so propagation still works end to end.
    if (parent != nullptr) {
      try {
        span.context_ = *parent;
      } catch (...) {
      }
    }
    return span;
  }

  SpanContext& context = span.context_;
  context.trace_id = parent != nullptr ? parent->trace_id : generate_trace_id();
  context.span_id = generate_span_id();
  const bool sampled = sampler_.should_sample(parent, context.trace_id);
  context.trace_flags = sampled ? kTraceFlagSampled : std::uint8_t{0};
  try {
    if (parent != nullptr && !parent->trace_state.empty()) {
      context.trace_state = parent->trace_state;
    }
    if (!sampled) {
      return span;
    }
    std::unique_ptr<SpanData> data = detail::acquire_span_data(*processor_);
    data->name.assign(name);
    data->kind = kind;
    data->start_unix_nano = start_time.has_value() ? unix_nanos(*start_time) : unix_nanos_now();
    if (parent != nullptr) {
      data->parent_span_id = parent->span_id;
      data->parent_is_remote = parent->is_remote;
    }
    if (links != nullptr && !links->empty()) {
      if (links->size() > SpanData::kMaxLinks) {
        data->dropped_links = static_cast<std::uint32_t>(links->size() - SpanData::kMaxLinks);
        links->resize(SpanData::kMaxLinks);
      }
      data->links = std::move(*links);
    }
    spans_started_.fetch_add(1, std::memory_order_relaxed);
    span.data_ = std::move(data);
    span.processor_ = processor_;
  } catch (...) {
    // Out of memory: the span stays non-recording.
  }
  return span;
}

}  // namespace edaobs::telemetry
