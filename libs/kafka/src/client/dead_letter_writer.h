#pragma once
// The one dead-letter path of the library: a record that cannot be processed (it failed decoding,
// or its handler rejected it) goes to `<topic><suffix>` as it arrived — original key, value and
// headers — plus dlq_reason, dlq_detail (truncated), dlq_original_topic/partition/offset and
// dlq_original_traceparent. One log line per letter; dlq_events_total{topic,reason} counts the
// letters the broker acknowledged (topic: the input topic). The input record completes only
// then; until then the letter is re-sent with backoff (ResendingSender).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "edaobs/core/header.h"
#include "edaobs/kafka/client/completion.h"
#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"

#include "client/resending_sender.h"

namespace edaobs::kafka::detail {

// The consumed record as it arrived (views, valid during the call).
struct OriginalRecord {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::optional<std::string_view> key;
  std::string_view value;
  std::span<const HeaderView> headers;
};

// dlq_detail is for people: long enough to explain, short enough that an echoed input (a
// 500 KB header value) cannot make the letter larger than the record it reports.
inline constexpr std::size_t kMaxDeadLetterDetailBytes = 512;

// `detail` cut to at most `max` bytes on a UTF-8 character boundary, marked with "…" when cut.
[[nodiscard]] std::string truncate_detail(std::string_view detail,
                                          std::size_t max = kMaxDeadLetterDetailBytes);

class DeadLetterWriter {
 public:
  DeadLetterWriter(std::string suffix, std::shared_ptr<ResendingSender> sender,
                   telemetry::Registry& registry, telemetry::Logger& logger);

  // Sends the letter (with the caller's span active: its send span joins the record's trace);
  // `completion` is done once the broker acknowledged it.
  void send(const OriginalRecord& original, std::string_view reason, std::string_view detail,
            std::string_view event_type, Completion completion);

 private:
  std::string suffix_;
  std::shared_ptr<ResendingSender> sender_;
  telemetry::Family<telemetry::Counter>& letters_;
  telemetry::Logger& logger_;
};

}  // namespace edaobs::kafka::detail
