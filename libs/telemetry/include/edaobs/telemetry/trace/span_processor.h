#pragma once
// Receives finished recording spans from Span::end().
#include <memory>

#include "edaobs/telemetry/trace/span_data.h"

namespace edaobs::telemetry {

class SpanProcessor {
 public:
  virtual ~SpanProcessor();
  // Takes the finished span without blocking. On return `data` holds a spent SpanData (or null)
  // whose buffers the caller may reuse for its next span after SpanData::reset().
  virtual void on_end(std::unique_ptr<SpanData>& data) noexcept = 0;

 protected:
  SpanProcessor() = default;
  SpanProcessor(const SpanProcessor&) = default;
  SpanProcessor& operator=(const SpanProcessor&) = default;
  SpanProcessor(SpanProcessor&&) = default;
  SpanProcessor& operator=(SpanProcessor&&) = default;
};

}  // namespace edaobs::telemetry
