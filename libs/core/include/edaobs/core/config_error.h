#pragma once
// The one exception of start-up: a setting is missing, malformed or out of range. It names the
// setting (a flag and its environment variable, an OTEL_* variable, a librdkafka property) so
// the operator knows what to fix; agents print it and exit with status 2. Nothing throws it
// once an agent is running.
#include <stdexcept>
#include <string>
#include <string_view>

namespace edaobs {

class ConfigError : public std::invalid_argument {
 public:
  // what() is "<setting>: <message>".
  ConfigError(std::string_view setting, std::string_view message)
      : std::invalid_argument(std::string(setting) + ": " + std::string(message)),
        setting_(setting) {}
  [[nodiscard]] const std::string& setting() const noexcept { return setting_; }

 private:
  std::string setting_;
};

}  // namespace edaobs
