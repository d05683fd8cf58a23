#include "logs/log_record.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <variant>

namespace edaobs::telemetry {
namespace {

constexpr std::uint8_t kHasContext = 1;
constexpr std::uint8_t kMsgTruncated = 2;

enum class FieldType : std::uint8_t { kString, kInt, kDouble, kBool };

struct RecordHeader {
  std::uint32_t msg_len;
  std::uint8_t flags;
  std::uint8_t trace_flags;  // of the span context, when there is one
  std::uint16_t field_count;
};

struct FieldHeader {
  FieldType type;
  std::uint8_t truncated;
  std::uint16_t key_len;
  std::uint32_t value_len;
};

static_assert(std::is_trivially_copyable_v<RecordHeader> && sizeof(RecordHeader) == 8);
static_assert(std::is_trivially_copyable_v<FieldHeader> && sizeof(FieldHeader) == 8);

template <class T>
void append_pod(RecordBuffer& out, const T& value) {
  const auto* bytes = reinterpret_cast<const char*>(&value);
  out.append(bytes, bytes + sizeof(T));
}

void append_bytes(RecordBuffer& out, std::string_view bytes) {
  out.append(bytes.data(), bytes.data() + bytes.size());
}

// Reads from a payload with bounds checks; a failed read poisons the reader.
class Reader {
 public:
  explicit Reader(std::string_view bytes) noexcept : rest_(bytes) {}
  template <class T>
  bool read(T& value) noexcept {
    if (rest_.size() < sizeof(T)) {
      return false;
    }
    std::memcpy(&value, rest_.data(), sizeof(T));
    rest_.remove_prefix(sizeof(T));
    return true;
  }
  bool read_view(std::size_t length, std::string_view& view) noexcept {
    if (rest_.size() < length) {
      return false;
    }
    view = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return true;
  }
  [[nodiscard]] bool empty() const noexcept { return rest_.empty(); }

 private:
  std::string_view rest_;
};

}  // namespace

std::size_t utf8_safe_cut(std::string_view text, std::size_t max_bytes) noexcept {
  if (text.size() <= max_bytes) {
    return text.size();
  }
  std::size_t cut = max_bytes;
  // Step back over at most three continuation bytes so a code point is not split.
  for (int steps = 0;
       steps < 3 && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U; ++steps) {
    --cut;
  }
  return cut;
}

void encode_log_record(RecordBuffer& out, std::string_view msg, std::span<const LogField> fields,
                       const SpanContext& context, std::size_t max_value_bytes) {
  // Lengths are u32 on the wire; a limit keeps them in range even when none is configured.
  constexpr std::size_t kHardLimit = std::numeric_limits<std::uint32_t>::max();
  const std::size_t limit = max_value_bytes == 0 ? kHardLimit : max_value_bytes;
  const std::size_t msg_len = utf8_safe_cut(msg, limit);
  const bool has_context = context.valid();

  RecordHeader header{};
  header.msg_len = static_cast<std::uint32_t>(msg_len);
  header.flags = static_cast<std::uint8_t>((has_context ? kHasContext : 0U) |
                                           (msg_len < msg.size() ? kMsgTruncated : 0U));
  header.trace_flags = has_context ? context.trace_flags : std::uint8_t{0};
  header.field_count = static_cast<std::uint16_t>(
      std::min<std::size_t>(fields.size(), std::numeric_limits<std::uint16_t>::max()));
  append_pod(out, header);
  if (has_context) {
    append_pod(out, context.trace_id.bytes);
    append_pod(out, context.span_id.bytes);
  }
  append_bytes(out, msg.substr(0, msg_len));

  for (std::size_t i = 0; i < header.field_count; ++i) {
    const LogField& field = fields[i];
    const std::string_view key =
        field.key.substr(0, utf8_safe_cut(field.key, std::numeric_limits<std::uint16_t>::max()));
    FieldHeader field_header{};
    field_header.key_len = static_cast<std::uint16_t>(key.size());
    if (const auto* text = std::get_if<std::string_view>(&field.value)) {
      const std::size_t kept = utf8_safe_cut(*text, limit);
      field_header.type = FieldType::kString;
      field_header.truncated = kept < text->size() ? 1 : 0;
      field_header.value_len = static_cast<std::uint32_t>(kept);
      append_pod(out, field_header);
      append_bytes(out, key);
      append_bytes(out, text->substr(0, kept));
      continue;
    }
    field_header.value_len = 8;
    if (const auto* integer = std::get_if<std::int64_t>(&field.value)) {
      field_header.type = FieldType::kInt;
      append_pod(out, field_header);
      append_bytes(out, key);
      append_pod(out, *integer);
    } else if (const auto* number = std::get_if<double>(&field.value)) {
      field_header.type = FieldType::kDouble;
      append_pod(out, field_header);
      append_bytes(out, key);
      append_pod(out, *number);
    } else {
      field_header.type = FieldType::kBool;
      append_pod(out, field_header);
      append_bytes(out, key);
      const std::int64_t flag = std::get<bool>(field.value) ? 1 : 0;
      append_pod(out, flag);
    }
  }
}

bool decode_log_record(std::string_view payload, DecodedRecord& record) {
  Reader reader(payload);
  RecordHeader header{};
  if (!reader.read(header)) {
    return false;
  }
  record.has_context = (header.flags & kHasContext) != 0;
  record.msg_truncated = (header.flags & kMsgTruncated) != 0;
  record.trace_flags = header.trace_flags;
  if (record.has_context &&
      !(reader.read(record.trace_id.bytes) && reader.read(record.span_id.bytes))) {
    return false;
  }
  if (!reader.read_view(header.msg_len, record.msg)) {
    return false;
  }
  record.fields.clear();
  for (std::size_t i = 0; i < header.field_count; ++i) {
    FieldHeader field_header{};
    DecodedField field;
    if (!reader.read(field_header) || !reader.read_view(field_header.key_len, field.key)) {
      return false;
    }
    field.truncated = field_header.truncated != 0;
    if (field_header.type == FieldType::kString) {
      std::string_view text;
      if (!reader.read_view(field_header.value_len, text)) {
        return false;
      }
      field.value = text;
    } else if (field_header.type == FieldType::kInt || field_header.type == FieldType::kBool) {
      std::int64_t integer = 0;
      if (!reader.read(integer)) {
        return false;
      }
      if (field_header.type == FieldType::kBool) {
        field.value = integer != 0;
      } else {
        field.value = integer;
      }
    } else if (field_header.type == FieldType::kDouble) {
      double number = 0;
      if (!reader.read(number)) {
        return false;
      }
      field.value = number;
    } else {
      return false;
    }
    record.fields.push_back(field);
  }
  return reader.empty();
}

}  // namespace edaobs::telemetry
