#pragma once
// Span attributes. AttributeValue owns its string (for APIs that keep values, e.g. links and the
// resource); AttributeList stores a span's attributes compactly: keys and string values share one
// arena string, so a span with a handful of attributes costs no allocation once its buffers are
// recycled (see SpanData).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace edaobs::telemetry {

using AttributeValue = std::variant<bool, std::int64_t, double, std::string>;
// A non-owning value, valid as long as the storage it was read from is unchanged.
using AttributeValueView = std::variant<bool, std::int64_t, double, std::string_view>;

// One attribute passed by view, e.g. add_event("retry", {{"attempt", 2}, {"reason", "timeout"}}).
struct AttributeKeyValue {
  std::string_view key;
  AttributeValueView value;
};

using OwnedAttributes = std::vector<std::pair<std::string, AttributeValue>>;

[[nodiscard]] AttributeValueView view_of(const AttributeValue& value) noexcept;

class AttributeList {
 public:
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT's default; attributes beyond it are counted, not stored.
  static constexpr std::size_t kDefaultCountLimit = 128;

  AttributeList() = default;

  // Setting an existing key replaces its value (OpenTelemetry semantics).
  void set(std::string_view key, bool value);
  void set(std::string_view key, std::int64_t value);
  void set(std::string_view key, double value);
  void set(std::string_view key, std::string_view value);
  // A string literal would otherwise pick the bool overload (pointer-to-bool beats string_view).
  void set(std::string_view key, const char* value) { set(key, std::string_view(value)); }
  void set(std::string_view key, const AttributeValueView& value);
  void set(std::string_view key, const AttributeValue& value);

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  // The i-th attribute in insertion order; views are valid until the list is next changed.
  [[nodiscard]] AttributeKeyValue operator[](std::size_t i) const noexcept;
  [[nodiscard]] std::optional<AttributeValueView> find(std::string_view key) const noexcept;
  [[nodiscard]] std::uint32_t dropped() const noexcept { return dropped_; }

  // Forgets the attributes but keeps the buffers, so a recycled list does not allocate again.
  void clear() noexcept;
  // Releases buffers that one unusually large span left behind.
  void shrink_if_larger_than(std::size_t bytes) noexcept;
  // Pre-sizes the buffers for a typical span.
  void reserve(std::size_t entries, std::size_t arena_bytes);

 private:
  enum class Type : std::uint8_t { kBool, kInt, kDouble, kString };
  struct Entry {
    std::uint32_t key_offset;
    std::uint32_t key_size;
    std::uint64_t payload;  // bool/int/double bits, or (offset << 32 | size) of a string value
    Type type;
  };

  Entry* find_entry(std::string_view key) noexcept;
  Entry* slot_for(std::string_view key);  // existing entry or a new one; null when over the limit
  std::uint64_t append_string(std::string_view s);
  [[nodiscard]] std::string_view arena_view(std::uint32_t offset,
                                            std::uint32_t size) const noexcept {
    return {arena_.data() + offset, size};
  }

  std::string arena_;
  std::vector<Entry> entries_;
  std::uint32_t dropped_ = 0;
};

}  // namespace edaobs::telemetry
