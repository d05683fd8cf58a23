#include "logs/line_buffer.h"

#include <algorithm>

namespace edaobs::telemetry {

void LineBuffer::grow(std::size_t extra) {
  const std::size_t capacity = std::max(capacity_ * 2, size_ + extra);
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(bigger.get(), data_, size_);
  heap_ = std::move(bigger);
  data_ = heap_.get();
  capacity_ = capacity;
}

}  // namespace edaobs::telemetry
