#include "edaobs/telemetry/sdk/trace/span_data.h"

namespace edaobs::telemetry {
namespace {
// A recycled span keeps at most this much buffer per field; larger leftovers are freed so one
// huge span does not pin memory in every queue slot it later passes through.
constexpr std::size_t kMaxRetainedBytes = 4096;
}  // namespace

void SpanData::reset() noexcept {
  context.trace_id = {};
  context.span_id = {};
  context.trace_flags = 0;
  context.trace_state.clear();
  context.is_remote = false;
  parent_span_id = {};
  parent_is_remote = false;
  name.clear();
  kind = SpanKind::kInternal;
  start_unix_nano = 0;
  end_unix_nano = 0;
  attributes.clear();
  events.clear();
  links.clear();
  status_code = StatusCode::kUnset;
  status_message.clear();
  dropped_events = 0;
  dropped_links = 0;
  attributes.shrink_if_larger_than(kMaxRetainedBytes);
  if (name.capacity() > kMaxRetainedBytes) {
    std::string().swap(name);
  }
  if (context.trace_state.capacity() > kMaxRetainedBytes) {
    std::string().swap(context.trace_state);
  }
}

}  // namespace edaobs::telemetry
