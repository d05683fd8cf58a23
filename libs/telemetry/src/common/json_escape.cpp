#include "common/json_escape.h"

#include "common/json_text.h"

namespace edaobs::telemetry {

void append_json_escaped(std::string& out, std::string_view text) {
  json_text::append_escaped(out, text);
}

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  json_text::append_escaped(out, text);
  out.push_back('"');
}

}  // namespace edaobs::telemetry
