#include "client/dead_letter_writer.h"

#include "edaobs/kafka/envelope/event.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::kafka::detail {

std::string truncate_detail(std::string_view detail, std::size_t max) {
  if (detail.size() <= max) return std::string(detail);
  constexpr std::string_view kEllipsis = "\xE2\x80\xA6";
  std::size_t cut = max - kEllipsis.size();
  // Never split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(detail[cut]) & 0xC0U) == 0x80U) --cut;
  std::string out(detail.substr(0, cut));
  out += kEllipsis;
  return out;
}

DeadLetterWriter::DeadLetterWriter(std::string suffix, std::shared_ptr<ResendingSender> sender,
                                   telemetry::Registry& registry, telemetry::Logger& logger)
    : suffix_(std::move(suffix)),
      sender_(std::move(sender)),
      letters_(registry.counter("dlq_events_total",
                                "Records dead-lettered (acknowledged by the DLQ topic), by input "
                                "topic and reason.",
                                {"topic", "reason"})),
      logger_(logger) {}

void DeadLetterWriter::send(const OriginalRecord& original, std::string_view reason,
                            std::string_view detail, std::string_view event_type,
                            Completion completion) {
  EncodedRecord letter;
  if (original.key) letter.key = std::string(*original.key);
  letter.value = std::string(original.value);
  letter.headers.reserve(original.headers.size() + 7);
  for (const HeaderView& header : original.headers) {
    letter.headers.push_back({std::string(header.key), std::string(header.value)});
    // The producer replaces traceparent with the letter's own send span; keep the original.
    if (header.key == header_names::kTraceparent) {
      letter.headers.push_back({"dlq_original_traceparent", std::string(header.value)});
    }
  }
  const std::string short_detail = truncate_detail(detail);
  letter.headers.push_back({"dlq_reason", std::string(reason)});
  if (!short_detail.empty()) letter.headers.push_back({"dlq_detail", short_detail});
  letter.headers.push_back({"dlq_original_topic", std::string(original.topic)});
  letter.headers.push_back({"dlq_original_partition", std::to_string(original.partition)});
  letter.headers.push_back({"dlq_original_offset", std::to_string(original.offset)});

  logger_.warn("event sent to the dead-letter topic", {{"reason", reason},
                                                       {"detail", short_detail},
                                                       {"topic", original.topic},
                                                       {"partition", original.partition},
                                                       {"offset", original.offset},
                                                       {"event_type", event_type}});

  auto output = std::make_shared<OutputSend>();
  output->topic = std::string(original.topic) + suffix_;
  output->payload = std::move(letter);
  output->parent = telemetry::active_span_context();
  output->omit_value_when_too_large = true;
  output->on_acknowledged = [counter = &letters_.with({original.topic, reason}),
                             completion = std::move(completion)](const DeliveryReport&) mutable {
    counter->inc();
    completion.done();
  };
  sender_->send(std::move(output));
}

}  // namespace edaobs::kafka::detail
