#pragma once
// How a fuzz target reads structure out of libFuzzer's bytes: fields separated by the ASCII unit
// separator (0x1f), so seeds stay readable (fuzz/seed_corpus.py writes them) and the fuzzer can
// still put every other byte, NUL and invalid UTF-8 included, inside a field.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace edaobs::fuzz {

inline constexpr char kFieldSeparator = '\x1f';

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) noexcept
      : rest_(reinterpret_cast<const char*>(data), size) {}

  [[nodiscard]] bool empty() const noexcept { return rest_.empty() && !pending_empty_field_; }

  // The next field; "" once the input is used up.
  std::string_view field() noexcept {
    const std::size_t end = rest_.find(kFieldSeparator);
    const std::string_view taken = rest_.substr(0, end);
    pending_empty_field_ = end != std::string_view::npos && end + 1 == rest_.size();
    rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
    return taken;
  }

  // A small number from the next field's first byte (0 for an empty field).
  std::uint8_t byte() noexcept {
    const std::string_view text = field();
    return text.empty() ? 0 : static_cast<std::uint8_t>(text.front());
  }

 private:
  std::string_view rest_;
  bool pending_empty_field_ = false;
};

// A property the target checks failed: libFuzzer records the input as a crash.
[[noreturn]] inline void property_failed() { std::abort(); }

}  // namespace edaobs::fuzz
