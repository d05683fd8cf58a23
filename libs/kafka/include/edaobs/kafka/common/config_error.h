#pragma once
// Thrown at construction when librdkafka rejects the configuration; names the property so the
// operator knows what to fix. The only exception the kafka library throws after startup is none.
#include <stdexcept>
#include <string>

namespace edaobs::kafka {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string property, const std::string& message)
      : std::runtime_error("kafka configuration '" + property + "': " + message),
        property_(std::move(property)) {}
  [[nodiscard]] const std::string& property() const noexcept { return property_; }

 private:
  std::string property_;
};

}  // namespace edaobs::kafka
