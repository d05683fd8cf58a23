#pragma once
// Receives finished recording spans from Span::end().
#include <memory>

#include "edaobs/telemetry/trace/span_data.h"

namespace edaobs::telemetry {

class SpanProcessor {
 public:
  virtual ~SpanProcessor();
  // Takes the finished span without blocking. On return `data` holds an empty (reset) SpanData
  // or null, which the caller may reuse for its next span.
  virtual void on_end(std::unique_ptr<SpanData>& data) noexcept = 0;

 protected:
  SpanProcessor() = default;
  SpanProcessor(const SpanProcessor&) = default;
  SpanProcessor& operator=(const SpanProcessor&) = default;
  SpanProcessor(SpanProcessor&&) = default;
  SpanProcessor& operator=(SpanProcessor&&) = default;
};

}  // namespace edaobs::telemetry
