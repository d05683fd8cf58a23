#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): `traceparent` and `tracestate`
// carried over any text map (Kafka headers, HTTP headers). Parsing is strict for traceparent and
// loose for tracestate; anything invalid is ignored so the receiver starts a new root trace.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

inline constexpr std::string_view kTraceparentHeader = "traceparent";
inline constexpr std::string_view kTracestateHeader = "tracestate";
// "00-" + 32 + "-" + 16 + "-" + 2
inline constexpr std::size_t kTraceparentSize = 55;
// W3C: at most 32 list members in tracestate.
inline constexpr std::size_t kMaxTracestateMembers = 32;

// Adapts a header collection. Keys are header names as written above (lowercase); adapters for
// case-insensitive protocols (HTTP) compare case-insensitively.
class TextMapCarrier {
 public:
  virtual ~TextMapCarrier();
  [[nodiscard]] virtual std::optional<std::string_view> get(std::string_view key) const = 0;
  virtual void set(std::string_view key, std::string_view value) = 0;

 protected:
  TextMapCarrier() = default;
  TextMapCarrier(const TextMapCarrier&) = default;
  TextMapCarrier& operator=(const TextMapCarrier&) = default;
  TextMapCarrier(TextMapCarrier&&) = default;
  TextMapCarrier& operator=(TextMapCarrier&&) = default;
};

// Writes traceparent (version 00) and, when non-empty, tracestate. Does nothing for an invalid
// context.
void inject(const SpanContext& context, TextMapCarrier& carrier);

// The remote parent context, or nullopt when traceparent is absent or invalid. A malformed
// tracestate is dropped (the traceparent still counts).
[[nodiscard]] std::optional<SpanContext> extract(const TextMapCarrier& carrier);

// The building blocks, exposed for tests and for carriers that are not text maps.
// Writes exactly kTraceparentSize chars to `out`.
void format_traceparent(const SpanContext& context, char* out) noexcept;
// Parses and validates one traceparent value; the result has an empty trace_state and
// is_remote set.
[[nodiscard]] std::optional<SpanContext> parse_traceparent(std::string_view value) noexcept;
// True when `value` is a well-formed tracestate list (at most 32 members, keys and values as
// the W3C grammar defines). An empty value is valid.
[[nodiscard]] bool is_valid_tracestate(std::string_view value) noexcept;

}  // namespace edaobs::telemetry
