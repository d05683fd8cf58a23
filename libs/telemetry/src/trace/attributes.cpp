#include "edaobs/telemetry/trace/attributes.h"

#include <bit>
#include <cstring>
#include <limits>

namespace edaobs::telemetry {

AttributeValueView view_of(const AttributeValue& value) noexcept {
  return std::visit(
      [](const auto& v) -> AttributeValueView {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return std::string_view(v);
        } else {
          return v;
        }
      },
      value);
}

AttributeList::Entry* AttributeList::find_entry(std::string_view key) noexcept {
  for (Entry& e : entries_) {
    if (e.key_size == key.size() &&
        std::memcmp(arena_.data() + e.key_offset, key.data(), key.size()) == 0) {
      return &e;
    }
  }
  return nullptr;
}

std::uint64_t AttributeList::append_string(std::string_view s) {
  // Offsets are 32-bit; a span's attributes never approach 4 GiB, so clamp rather than fail.
  const auto size = static_cast<std::uint32_t>(
      std::min<std::size_t>(s.size(), std::numeric_limits<std::uint32_t>::max()));
  const auto offset = static_cast<std::uint32_t>(arena_.size());
  arena_.append(s.data(), size);
  return (std::uint64_t{offset} << 32) | size;
}

AttributeList::Entry* AttributeList::slot_for(std::string_view key) {
  if (Entry* existing = find_entry(key)) {
    return existing;
  }
  if (entries_.size() >= kDefaultCountLimit) {
    ++dropped_;
    return nullptr;
  }
  const std::uint64_t k = append_string(key);
  entries_.push_back(Entry{static_cast<std::uint32_t>(k >> 32),
                           static_cast<std::uint32_t>(k & 0xffffffffU), 0, Type::kBool});
  return &entries_.back();
}

void AttributeList::set(std::string_view key, bool value) {
  if (Entry* e = slot_for(key)) {
    e->type = Type::kBool;
    e->payload = value ? 1U : 0U;
  }
}

void AttributeList::set(std::string_view key, std::int64_t value) {
  if (Entry* e = slot_for(key)) {
    e->type = Type::kInt;
    e->payload = std::bit_cast<std::uint64_t>(value);
  }
}

void AttributeList::set(std::string_view key, double value) {
  if (Entry* e = slot_for(key)) {
    e->type = Type::kDouble;
    e->payload = std::bit_cast<std::uint64_t>(value);
  }
}

void AttributeList::set(std::string_view key, std::string_view value) {
  if (Entry* e = slot_for(key)) {
    // slot_for may have grown the arena; the entry pointer stays valid (it lives in entries_).
    e->payload = append_string(value);
    e->type = Type::kString;
  }
}

void AttributeList::set(std::string_view key, const AttributeValueView& value) {
  std::visit([&](const auto& v) { set(key, v); }, value);
}

void AttributeList::set(std::string_view key, const AttributeValue& value) {
  set(key, view_of(value));
}

AttributeKeyValue AttributeList::operator[](std::size_t i) const noexcept {
  const Entry& e = entries_[i];
  AttributeKeyValue kv{arena_view(e.key_offset, e.key_size), false};
  switch (e.type) {
    case Type::kBool:
      kv.value = e.payload != 0;
      break;
    case Type::kInt:
      kv.value = std::bit_cast<std::int64_t>(e.payload);
      break;
    case Type::kDouble:
      kv.value = std::bit_cast<double>(e.payload);
      break;
    case Type::kString:
      kv.value = arena_view(static_cast<std::uint32_t>(e.payload >> 32),
                            static_cast<std::uint32_t>(e.payload & 0xffffffffU));
      break;
  }
  return kv;
}

std::optional<AttributeValueView> AttributeList::find(std::string_view key) const noexcept {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    AttributeKeyValue kv = (*this)[i];
    if (kv.key == key) {
      return kv.value;
    }
  }
  return std::nullopt;
}

void AttributeList::clear() noexcept {
  arena_.clear();
  entries_.clear();
  dropped_ = 0;
}

void AttributeList::shrink_if_larger_than(std::size_t bytes) noexcept {
  if (arena_.capacity() > bytes) {
    std::string().swap(arena_);
  }
  if (entries_.capacity() * sizeof(Entry) > bytes) {
    std::vector<Entry>().swap(entries_);
  }
}

void AttributeList::reserve(std::size_t entries, std::size_t arena_bytes) {
  entries_.reserve(entries);
  arena_.reserve(arena_bytes);
}

}  // namespace edaobs::telemetry
