#include "logs/record_buffer.h"

#include <algorithm>

namespace edaobs::telemetry {
namespace {

// A typical record (ids, a message, a few fields) is 150-250 bytes: one allocation covers it.
constexpr std::size_t kFirstCapacity = 256;

}  // namespace

void RecordBuffer::grow(std::size_t extra) {
  const std::size_t capacity = std::max({kFirstCapacity, capacity_ * 2, size_ + extra});
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  if (size_ != 0) {
    std::memcpy(bigger.get(), data_.get(), size_);
  }
  data_ = std::move(bigger);
  capacity_ = capacity;
}

}  // namespace edaobs::telemetry
