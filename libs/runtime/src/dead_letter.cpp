#include "edaobs/runtime/dead_letter.h"

#include <string>

namespace edaobs::runtime {

kafka::SendStatus dead_letter(kafka::Producer& producer, const kafka::ConsumedEvent& record,
                              std::string_view reason, std::string_view detail,
                              kafka::Completion completion) {
  kafka::EncodedRecord letter = kafka::encode(record.event);
  letter.headers.push_back({"dlq_reason", std::string(reason)});
  letter.headers.push_back({"dlq_detail", std::string(detail)});
  letter.headers.push_back({"dlq_original_topic", std::string(record.topic)});
  letter.headers.push_back({"dlq_original_partition", std::to_string(record.partition)});
  letter.headers.push_back({"dlq_original_offset", std::to_string(record.offset)});
  return producer.send_record(std::string(record.topic) + ".dlq", std::move(letter),
                              [completion](const kafka::DeliveryReport& report) mutable {
                                // Unacknowledged: leave the record pending, it is consumed again.
                                if (report.ok) completion.done();
                              });
}

}  // namespace edaobs::runtime
