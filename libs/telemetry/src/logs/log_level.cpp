#include "edaobs/telemetry/logs/log_level.h"

#include <array>
#include <stdexcept>
#include <string>

namespace edaobs::telemetry {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != b[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

LogLevel parse_log_level(std::string_view text, std::string_view setting_name) {
  struct Name {
    std::string_view text;
    LogLevel level;
  };
  static constexpr std::array<Name, 4> kNames{{{"debug", LogLevel::kDebug},
                                               {"info", LogLevel::kInfo},
                                               {"warn", LogLevel::kWarn},
                                               {"error", LogLevel::kError}}};
  for (const Name& name : kNames) {
    if (equals_ignoring_case(text, name.text)) {
      return name.level;
    }
  }
  throw std::invalid_argument(std::string(setting_name) + ": invalid log level \"" +
                              std::string(text) + "\" (expected debug, info, warn or error)");
}

}  // namespace edaobs::telemetry
