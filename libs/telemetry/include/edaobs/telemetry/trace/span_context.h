#pragma once
// The identity of a span as W3C Trace Context defines it: 16-byte trace id, 8-byte span id,
// trace flags and the opaque tracestate. Plain values, cheap to copy, no allocation unless
// tracestate is set.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace edaobs::telemetry {

struct TraceId {
  std::array<std::uint8_t, 16> bytes{};
  [[nodiscard]] bool valid() const noexcept;  // not all zeros
  // Writes 32 lowercase hex characters; `out` must hold at least 32 chars.
  void write_hex(char* out) const noexcept;
  [[nodiscard]] std::string hex() const;
  friend bool operator==(const TraceId&, const TraceId&) = default;
};

struct SpanId {
  std::array<std::uint8_t, 8> bytes{};
  [[nodiscard]] bool valid() const noexcept;  // not all zeros
  // Writes 16 lowercase hex characters; `out` must hold at least 16 chars.
  void write_hex(char* out) const noexcept;
  [[nodiscard]] std::string hex() const;
  friend bool operator==(const SpanId&, const SpanId&) = default;
};

inline constexpr std::uint8_t kTraceFlagSampled = 0x01;

struct SpanContext {
  TraceId trace_id;
  SpanId span_id;
  std::uint8_t trace_flags = 0;
  std::string trace_state;  // raw W3C tracestate header value, already validated
  bool is_remote = false;   // true when extracted from a carrier

  [[nodiscard]] bool valid() const noexcept { return trace_id.valid() && span_id.valid(); }
  [[nodiscard]] bool sampled() const noexcept { return (trace_flags & kTraceFlagSampled) != 0; }
};

// The span context active on the calling thread (set by trace::Scope), or an invalid context.
// Logging and histogram exemplars read it; it never allocates.
[[nodiscard]] const SpanContext& active_span_context() noexcept;

// RAII: makes `context` the active span context of this thread until destroyed, then restores
// the previous one. Scopes nest; they must be destroyed in reverse order (stack discipline).
class ActiveContextScope {
 public:
  explicit ActiveContextScope(const SpanContext& context) noexcept;
  ~ActiveContextScope();
  ActiveContextScope(const ActiveContextScope&) = delete;
  ActiveContextScope& operator=(const ActiveContextScope&) = delete;
  ActiveContextScope(ActiveContextScope&&) = delete;
  ActiveContextScope& operator=(ActiveContextScope&&) = delete;

 private:
  const SpanContext* previous_;
};

}  // namespace edaobs::telemetry
