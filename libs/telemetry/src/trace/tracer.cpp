#include "edaobs/telemetry/trace/tracer.h"

#include "edaobs/telemetry/trace/id_generator.h"
#include "span_data_pool.h"

namespace edaobs::telemetry {

Tracer::Tracer(const SamplerOptions& sampler, SpanProcessor* processor) noexcept
    : sampler_(sampler), processor_(processor) {}

Span Tracer::start_span(std::string_view name, StartSpanOptions options) noexcept {
  const SpanContext* parent = nullptr;
  if (options.parent.has_value()) {
    if (options.parent->valid()) {
      parent = &*options.parent;
    }
  } else if (!options.new_root) {
    const SpanContext& active = active_span_context();
    if (active.valid()) {
      parent = &active;
    }
  }

  if (processor_ == nullptr) {
    // Disabled: pass the parent through so propagation still works end to end.
    Span span;
    if (parent != nullptr) {
      try {
        span.context_ = *parent;
      } catch (...) {
      }
    }
    return span;
  }

  SpanContext context;
  context.trace_id = parent != nullptr ? parent->trace_id : generate_trace_id();
  context.span_id = generate_span_id();
  const bool sampled = sampler_.should_sample(parent, context.trace_id);
  context.trace_flags = sampled ? kTraceFlagSampled : std::uint8_t{0};
  try {
    if (parent != nullptr && !parent->trace_state.empty()) {
      context.trace_state = parent->trace_state;
    }
    if (!sampled) {
      return Span(std::move(context), nullptr, nullptr);
    }
    std::unique_ptr<SpanData> data = detail::acquire_span_data();
    data->name.assign(name);
    data->kind = options.kind;
    data->start_unix_nano = options.start_time.has_value() ? unix_nanos(*options.start_time) : unix_nanos_now();
    if (parent != nullptr) {
      data->parent_span_id = parent->span_id;
      data->parent_is_remote = parent->is_remote;
    }
    if (!options.links.empty()) {
      if (options.links.size() > SpanData::kMaxLinks) {
        data->dropped_links = static_cast<std::uint32_t>(options.links.size() - SpanData::kMaxLinks);
        options.links.resize(SpanData::kMaxLinks);
      }
      data->links = std::move(options.links);
    }
    spans_started_.fetch_add(1, std::memory_order_relaxed);
    return Span(std::move(context), std::move(data), processor_);
  } catch (...) {
    return Span(std::move(context), nullptr, nullptr);
  }
}

}  // namespace edaobs::telemetry
