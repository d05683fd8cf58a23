#pragma once
// Sends a decoded event that the agent rejected (failed validation, injected fault) to
// `<topic>.dlq` with the reason, so nothing is lost; the record completes once the dead letter
// is acknowledged.
#include <string_view>

#include "edaobs/kafka/client/completion.h"
#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"

namespace edaobs::runtime {

kafka::SendStatus dead_letter(kafka::Producer& producer, const kafka::ConsumedEvent& record,
                              std::string_view reason, std::string_view detail,
                              kafka::Completion completion);

}  // namespace edaobs::runtime
