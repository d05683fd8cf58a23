#pragma once
// Writes one JSON log line (layout in logs/logger.h) from a decoded record. Runs on the logging
// worker, appending straight into the sink's output batch.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/logs/log_level.h"

#include "logs/log_record.h"
#include "logs/masked_keys.h"

namespace edaobs::telemetry {

class LogLineFormatter {
 public:
  LogLineFormatter(std::string_view service, const std::vector<std::string>& masked_keys);

  // Appends the complete line, '\n' included. `file` may be a full path; its basename is used.
  void format(std::string& out, LogLevel level, std::chrono::system_clock::time_point time,
              std::string_view file, int line, const DecodedRecord& record) const;

 private:
  void append_field(std::string& out, const DecodedField& field) const;

  std::string service_fragment_;  // ,"service":"<escaped>"
  MaskedKeys masked_;
};

// Appends "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339, UTC, milliseconds).
void append_rfc3339_millis(std::string& out, std::chrono::system_clock::time_point time);

}  // namespace edaobs::telemetry
