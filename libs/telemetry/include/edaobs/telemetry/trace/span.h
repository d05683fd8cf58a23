#pragma once
// The RAII span. A recording span collects attributes, events and status and hands itself to
// the processor on end(); a non-recording span (not sampled, or tracing disabled) only carries
// its context for propagation and every call on it is a cheap no-op. Methods never throw: if
// memory runs out the attribute or event is dropped.
#include <chrono>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "edaobs/telemetry/sdk/trace/span_data.h"
#include "edaobs/telemetry/sdk/trace/span_processor.h"
#include "edaobs/telemetry/trace/attributes.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

class Span {
 public:
  // A non-recording span with an invalid context.
  Span() noexcept = default;
  ~Span() { end(); }
  Span(Span&& other) noexcept = default;
  // Ends this span first, then takes over `other`.
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;

  // The recording check is inline so that calls on non-recording spans cost a compare.
  void set_attribute(std::string_view key, const AttributeValue& value) noexcept {
    if (data_) {
      record_attribute(key, view_of(value));
    }
  }
  void set_attribute(std::string_view key, std::string_view value) noexcept {
    if (data_) {
      record_attribute(key, value);
    }
  }
  void set_attribute(std::string_view key, const char* value) noexcept {
    if (data_) {
      record_attribute(key, std::string_view(value));
    }
  }
  void set_attribute(std::string_view key, const std::string& value) noexcept {
    if (data_) {
      record_attribute(key, std::string_view(value));
    }
  }
  void set_attribute(std::string_view key, std::int64_t value) noexcept {
    if (data_) {
      record_attribute(key, value);
    }
  }
  void set_attribute(std::string_view key, double value) noexcept {
    if (data_) {
      record_attribute(key, value);
    }
  }
  void set_attribute(std::string_view key, bool value) noexcept {
    if (data_) {
      record_attribute(key, value);
    }
  }
  // Any other integer type (int, unsigned, size_t, ...) is stored as int64.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, std::int64_t>)
  void set_attribute(std::string_view key, T value) noexcept {
    set_attribute(key, static_cast<std::int64_t>(value));
  }

  void add_event(std::string_view name,
                 std::initializer_list<AttributeKeyValue> attributes = {}) noexcept;
  void add_event(std::string_view name, const OwnedAttributes& attributes) noexcept;

  // OpenTelemetry rules: kUnset is ignored, kOk is final, the description is kept only for kError.
  void set_status(StatusCode code, std::string_view description = {}) noexcept;
  // Adds an "exception" event (exception.type, exception.message), sets status Error with the
  // message and the attribute error.type.
  void record_error(std::string_view error_type, std::string_view message) noexcept;

  void update_name(std::string_view name) noexcept;

  // Ends the span now (or at `end_time`); later calls do nothing.
  void end() noexcept {
    if (data_) {
      finish_now();
    }
  }
  void end(std::chrono::system_clock::time_point end_time) noexcept;

  // Valid after end() too, so a SpanScope may outlive the end of its span (not the Span object).
  [[nodiscard]] const SpanContext& context() const noexcept { return context_; }
  [[nodiscard]] bool is_recording() const noexcept { return data_ != nullptr; }

 private:
  friend class Tracer;
  void record_attribute(std::string_view key, std::string_view value) noexcept;
  void record_attribute(std::string_view key, std::int64_t value) noexcept;
  void record_attribute(std::string_view key, double value) noexcept;
  void record_attribute(std::string_view key, bool value) noexcept;
  void record_attribute(std::string_view key, const AttributeValueView& value) noexcept;
  void finish_now() noexcept;
  void finish(std::uint64_t end_unix_nano) noexcept;

  SpanContext context_;
  std::unique_ptr<SpanData> data_;  // null when not recording or already ended
  SpanProcessor* processor_ = nullptr;
};

// RAII: makes `span` the active span of this thread (what child spans, logs and exemplars see)
// until destroyed. The Span object must outlive the scope and must not be moved meanwhile.
class SpanScope {
 public:
  explicit SpanScope(const Span& span) noexcept : scope_(span.context()) {}

 private:
  ActiveContextScope scope_;
};

// Wall clock in unix nanoseconds, as OTLP timestamps want.
[[nodiscard]] inline std::uint64_t unix_nanos(std::chrono::system_clock::time_point t) noexcept {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}
[[nodiscard]] inline std::uint64_t unix_nanos_now() noexcept {
  return unix_nanos(std::chrono::system_clock::now());
}

}  // namespace edaobs::telemetry
