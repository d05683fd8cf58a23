#include <charconv>
#include <optional>
#include <string>

#include "edaobs/core/config_error.h"
#include "edaobs/core/text.h"
#include "edaobs/telemetry/logs/logger.h"

#include "common/env_values.h"

namespace edaobs::telemetry {
namespace {

std::optional<std::string> env_value(std::string_view name) {
  return detail::read(detail::process_env, name);
}

std::vector<std::string> split_keys(std::string_view list) {
  std::vector<std::string> keys;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view key = trim(list.substr(0, comma));
    if (!key.empty()) {
      keys.emplace_back(key);
    }
    if (comma == std::string_view::npos) {
      break;
    }
    list.remove_prefix(comma + 1);
  }
  return keys;
}

std::size_t parse_queue_size(std::string_view text, std::string_view setting_name) {
  // Beyond this the queue's preallocated slots alone would cost hundreds of megabytes.
  constexpr std::size_t kMaxQueueSize = 1U << 20;
  std::size_t value = 0;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  if (result.ec != std::errc{} || result.ptr != text.data() + text.size() || value == 0 ||
      value > kMaxQueueSize) {
    throw ConfigError(setting_name, "invalid queue size \"" + std::string(text) +
                                        "\" (expected 1.." + std::to_string(kMaxQueueSize) + ")");
  }
  return value;
}

}  // namespace

LoggerOptions LoggerOptions::from_env(LoggerOptions defaults) {
  if (const auto level = env_value("EDAOBS_LOG_LEVEL")) {
    defaults.level = parse_log_level(*level, "EDAOBS_LOG_LEVEL");
  }
  if (const auto output = env_value("EDAOBS_LOG_OUTPUT")) {
    defaults.output = std::string(*output);
  }
  if (const auto keys = env_value("EDAOBS_LOG_MASKED_KEYS")) {
    for (std::string& key : split_keys(*keys)) defaults.masked_keys.push_back(std::move(key));
  }
  if (const auto size = env_value("EDAOBS_LOG_QUEUE_SIZE")) {
    defaults.queue_size = parse_queue_size(*size, "EDAOBS_LOG_QUEUE_SIZE");
  }
  if (const auto service = env_value("OTEL_SERVICE_NAME")) {
    defaults.service = std::string(*service);
  }
  return defaults;
}

LoggerOptions LoggerOptions::from_env() { return from_env(LoggerOptions{}); }

}  // namespace edaobs::telemetry
