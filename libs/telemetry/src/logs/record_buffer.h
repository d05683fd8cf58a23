#pragma once
// The bytes of one encoded log record (logs/log_record.h), kept in a queue slot. The caller
// encodes straight into it; the capacity stays with the slot between uses, so once the queue
// has gone round once a log call no longer allocates. Appends are inline and branch once on
// capacity, because a record is assembled from many small pieces.
#include <cstddef>
#include <cstring>
#include <memory>

namespace edaobs::telemetry {

class RecordBuffer {
 public:
  void append(const char* first, const char* last) {
    const auto count = static_cast<std::size_t>(last - first);
    if (count > capacity_ - size_) {
      grow(count);
    }
    if (count != 0) {
      std::memcpy(data_.get() + size_, first, count);
    }
    size_ += count;
  }
  void clear() noexcept { size_ = 0; }
  // Frees the storage when it grew past `max_kept` bytes: one unusually large record must not
  // pin that much memory in its slot for the life of the queue.
  void release_if_larger_than(std::size_t max_kept) noexcept {
    if (capacity_ > max_kept) {
      data_.reset();
      size_ = 0;
      capacity_ = 0;
    }
  }

  [[nodiscard]] const char* data() const noexcept { return data_.get(); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  void grow(std::size_t extra);

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace edaobs::telemetry
