#pragma once
// Receives finished recording spans from Span::end().
#include <memory>
#include <vector>

#include "edaobs/telemetry/sdk/trace/span_data.h"

namespace edaobs::telemetry {

// Spent SpanData objects a processor hands back for reuse, a batch at a time.
struct SpanDataChunk {
  std::vector<std::unique_ptr<SpanData>> items;
};

class SpanProcessor {
 public:
  virtual ~SpanProcessor();
  // Takes the finished span without blocking. On return `data` holds a spent SpanData (or null)
  // whose buffers the caller may reuse for its next span after SpanData::reset().
  virtual void on_end(std::unique_ptr<SpanData>& data) noexcept = 0;
  // Spent objects ready for reuse, if any (called by a thread that ran out of them). Must not
  // block.
  virtual std::unique_ptr<SpanDataChunk> take_spares() noexcept { return nullptr; }

 protected:
  SpanProcessor() = default;
  SpanProcessor(const SpanProcessor&) = default;
  SpanProcessor& operator=(const SpanProcessor&) = default;
  SpanProcessor(SpanProcessor&&) = default;
  SpanProcessor& operator=(SpanProcessor&&) = default;
};

}  // namespace edaobs::telemetry
