#pragma once
// JSON string escaping per RFC 8259 that always yields valid JSON: quotes, backslash and every
// control character below 0x20 are escaped, and invalid UTF-8 (overlongs, surrogates, stray or
// truncated sequences, code points above U+10FFFF) becomes U+FFFD, one per maximal invalid
// subpart as Unicode recommends.
#include <string>
#include <string_view>

namespace edaobs::telemetry {

// Appends the escaped body of `text` (without the surrounding quotes) to `out`.
void append_json_escaped(std::string& out, std::string_view text);

// Appends `text` as a complete JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

}  // namespace edaobs::telemetry
