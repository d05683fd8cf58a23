#include "edaobs/telemetry/logs/log_level.h"

#include <array>
#include <stdexcept>
#include <string>

#include "edaobs/core/config_error.h"
#include "edaobs/core/text.h"

namespace edaobs::telemetry {
std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug:
      return "DEBUG";
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
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
    if (iequals_ascii(text, name.text)) {
      return name.level;
    }
  }
  throw ConfigError(setting_name, "invalid log level \"" + std::string(text) +
                                      "\" (expected debug, info, warn or error)");
}

}  // namespace edaobs::telemetry
