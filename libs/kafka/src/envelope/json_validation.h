#pragma once
// Validates JSON text without building a document (SAX-style, no allocation per value).
#include <string>
#include <string_view>

namespace edaobs::kafka::detail {

enum class JsonKind { kInvalid, kObject, kOther };

struct JsonCheck {
  JsonKind kind = JsonKind::kInvalid;
  std::string error;  // parser message when kInvalid
};

[[nodiscard]] JsonCheck check_json(std::string_view text);

}  // namespace edaobs::kafka::detail
