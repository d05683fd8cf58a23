// The fatal-error surface of Producer and Consumer (fatal_error.h): both report what their
// ClientEvents saw, and the testing hook asks librdkafka to raise one.
#include "edaobs/kafka/client/fatal_error.h"

#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "edaobs/kafka/client/consumer.h"
#include "edaobs/kafka/client/producer.h"

#include "client/client_events.h"

namespace edaobs::kafka {

namespace {

std::optional<std::string> fatal_error_of(const detail::ClientEvents& events) {
  if (!events.fatal()) return std::nullopt;
  return events.fatal_reason();
}

void raise_on(RdKafka::Handle& handle, std::string_view reason) {
  // The underlying error of a broken idempotent sequence; librdkafka prefixes the reason
  // with "test_fatal_error: ".
  (void)rd_kafka_test_fatal_error(handle.c_ptr(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                                  std::string(reason).c_str());
}

}  // namespace

std::optional<std::string> Producer::fatal_error() const { return fatal_error_of(*events_); }
void Producer::on_fatal_error(FatalErrorHandler handler) {
  events_->on_fatal_error(std::move(handler));
}
std::optional<std::string> Consumer::fatal_error() const { return fatal_error_of(*events_); }
void Consumer::on_fatal_error(FatalErrorHandler handler) {
  events_->on_fatal_error(std::move(handler));
}

void testing::raise_fatal_error(Producer& producer, std::string_view reason) {
  raise_on(*producer.producer_, reason);
}
void testing::raise_fatal_error(Consumer& consumer, std::string_view reason) {
  raise_on(*consumer.consumer_, reason);
}

}  // namespace edaobs::kafka
