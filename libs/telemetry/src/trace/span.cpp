#include "edaobs/telemetry/trace/span.h"

#include <algorithm>

#include "span_data_pool.h"

namespace edaobs::telemetry {

SpanProcessor::~SpanProcessor() = default;

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    end();
    context_ = std::move(other.context_);
    data_ = std::move(other.data_);
    processor_ = other.processor_;
  }
  return *this;
}

// Attribute recording catches std::bad_alloc: dropping an attribute beats failing the caller.
void Span::record_attribute(std::string_view key, std::string_view value) noexcept {
  try {
    data_->attributes.set(key, value);
  } catch (...) {
  }
}

void Span::record_attribute(std::string_view key, std::int64_t value) noexcept {
  try {
    data_->attributes.set(key, value);
  } catch (...) {
  }
}

void Span::record_attribute(std::string_view key, double value) noexcept {
  try {
    data_->attributes.set(key, value);
  } catch (...) {
  }
}

void Span::record_attribute(std::string_view key, bool value) noexcept {
  try {
    data_->attributes.set(key, value);
  } catch (...) {
  }
}

void Span::record_attribute(std::string_view key, const AttributeValueView& value) noexcept {
  try {
    data_->attributes.set(key, value);
  } catch (...) {
  }
}

namespace {

// Appends an event unless the span already holds kMaxEvents (then counts it as dropped);
// set_all copies the caller's attributes into the new event.
template <typename SetAll>
void append_event(SpanData& data, std::string_view name, const SetAll& set_all) noexcept {
  if (data.events.size() >= SpanData::kMaxEvents) {
    ++data.dropped_events;
    return;
  }
  try {
    SpanEvent& event = data.events.emplace_back();
    event.name.assign(name);
    event.time_unix_nano = unix_nanos_now();
    set_all(event.attributes);
  } catch (...) {
  }
}

}  // namespace

void Span::add_event(std::string_view name,
                     std::initializer_list<AttributeKeyValue> attributes) noexcept {
  if (!data_) {
    return;
  }
  append_event(*data_, name, [&](auto& into) {
    for (const AttributeKeyValue& kv : attributes) {
      into.set(kv.key, kv.value);
    }
  });
}

void Span::add_event(std::string_view name, const OwnedAttributes& attributes) noexcept {
  if (!data_) {
    return;
  }
  append_event(*data_, name, [&](auto& into) {
    for (const auto& [key, value] : attributes) {
      into.set(key, value);
    }
  });
}

void Span::set_status(StatusCode code, std::string_view description) noexcept {
  if (!data_ || code == StatusCode::kUnset || data_->status_code == StatusCode::kOk) {
    return;
  }
  data_->status_code = code;
  try {
    if (code == StatusCode::kError) {
      data_->status_message.assign(description);
    } else {
      data_->status_message.clear();
    }
  } catch (...) {
  }
}

void Span::record_error(std::string_view error_type, std::string_view message) noexcept {
  if (!data_) {
    return;
  }
  add_event("exception", {{"exception.type", error_type}, {"exception.message", message}});
  set_status(StatusCode::kError, message);
  set_attribute("error.type", error_type);
}

void Span::update_name(std::string_view name) noexcept {
  if (data_) {
    try {
      data_->name.assign(name);
    } catch (...) {
    }
  }
}

void Span::finish_now() noexcept { finish(unix_nanos_now()); }

void Span::end(std::chrono::system_clock::time_point end_time) noexcept {
  if (data_) {
    finish(unix_nanos(end_time));
  }
}

void Span::finish(std::uint64_t end_unix_nano) noexcept {
  data_->end_unix_nano = std::max(end_unix_nano, data_->start_unix_nano);
  try {
    data_->context = context_;  // reuses the recycled trace_state buffer
  } catch (...) {
    data_->context.trace_state.clear();
  }
  processor_->on_end(data_);
  detail::release_span_data(std::move(data_));
  data_.reset();
}

}  // namespace edaobs::telemetry
