#pragma once
// One log call as it waits in the queue: what spdlog's log_msg will carry (level, time,
// file:line) plus the encoded record. The worker builds the log_msg from it in place.
#include <chrono>
#include <cstdint>

#include "edaobs/telemetry/logs/log_level.h"

#include "logs/record_buffer.h"

namespace edaobs::telemetry {

struct QueuedRecord {
  std::chrono::system_clock::time_point time;
  const char* file = nullptr;  // from std::source_location: a string literal, never freed
  std::uint32_t line = 0;
  LogLevel level = LogLevel::kInfo;
  bool complete = false;  // false: encoding failed, the worker counts the line as dropped
  RecordBuffer payload;
};

}  // namespace edaobs::telemetry
