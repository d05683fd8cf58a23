#include "envelope/json_validation.h"

#include <cstddef>
#include <cstdint>

#include <boost/json/basic_parser_impl.hpp>

namespace edaobs::kafka::detail {
namespace {

namespace json = boost::json;

// Accepts every well-formed value and remembers whether the top level is an object.
class ValidatingHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  bool top_level_object = false;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code&) { return enter(false); }
  bool on_array_end(std::size_t, json::error_code&) { return leave(); }
  bool on_object_begin(json::error_code&) { return enter(true); }
  bool on_object_end(std::size_t, json::error_code&) { return leave(); }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool enter(bool object) {
    if (depth_ == 0) top_level_object = object;
    ++depth_;
    return true;
  }
  bool leave() {
    --depth_;
    return true;
  }
  std::size_t depth_ = 0;
};

}  // namespace

JsonCheck check_json(std::string_view text) {
  json::parse_options options;
  options.max_depth = 64;
  json::basic_parser<ValidatingHandler> parser(options);
  json::error_code ec;
  parser.reset();
  const std::size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && consumed != text.size()) ec = json::error::extra_data;
  if (ec) return JsonCheck{JsonKind::kInvalid, ec.message()};
  return JsonCheck{parser.handler().top_level_object ? JsonKind::kObject : JsonKind::kOther, {}};
}

}  // namespace edaobs::kafka::detail
