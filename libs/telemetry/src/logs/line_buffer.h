#pragma once
// The buffer a log line is built in, on the caller's stack. Appends are inline and branch once
// on capacity, because a line is assembled from dozens of small pieces; fmt's memory_buffer
// spends most of a log call in its out-of-line append.
#include <cstddef>
#include <cstring>
#include <memory>

namespace edaobs::telemetry {

class LineBuffer {
 public:
  LineBuffer() noexcept : data_(inline_) {}
  LineBuffer(const LineBuffer&) = delete;
  LineBuffer& operator=(const LineBuffer&) = delete;
  LineBuffer(LineBuffer&&) = delete;
  LineBuffer& operator=(LineBuffer&&) = delete;
  ~LineBuffer() = default;

  void append(const char* first, const char* last) {
    const auto count = static_cast<std::size_t>(last - first);
    if (count > capacity_ - size_) {
      grow(count);
    }
    if (count != 0) {
      std::memcpy(data_ + size_, first, count);
    }
    size_ += count;
  }
  void push_back(char c) {
    if (size_ == capacity_) {
      grow(1);
    }
    data_[size_++] = c;
  }
  [[nodiscard]] const char* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] const char* begin() const noexcept { return data_; }
  [[nodiscard]] const char* end() const noexcept { return data_ + size_; }

 private:
  void grow(std::size_t extra);

  // A typical line (ids, source, a few fields) is 250-400 bytes: it stays on the stack.
  static constexpr std::size_t kInlineCapacity = 1024;

  char* data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = kInlineCapacity;
  std::unique_ptr<char[]> heap_;
  char inline_[kInlineCapacity];
};

}  // namespace edaobs::telemetry
