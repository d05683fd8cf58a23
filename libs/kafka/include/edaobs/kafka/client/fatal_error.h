#pragma once
// librdkafka's fatal errors: the client can no longer keep its guarantees (the idempotent
// producer's sequence broke, a static group member was fenced by a newer instance) and stays
// unusable; every later send or commit fails. The only recovery is a new client — for an agent,
// an orderly stop and a restart by its supervisor (runtime/stop_on_fatal_error.h wires that).
#include <functional>
#include <string_view>

namespace edaobs::kafka {

// Receives "<error name>: <librdkafka's reason>". Runs on a librdkafka thread: keep it quick.
using FatalErrorHandler = std::function<void(std::string_view reason)>;

class Producer;
class Consumer;

namespace testing {
// Makes librdkafka raise a fabricated fatal error on the client (rd_kafka_test_fatal_error), as
// it would for a broken idempotent sequence. For tests of the fatal error path.
void raise_fatal_error(Producer& producer, std::string_view reason);
void raise_fatal_error(Consumer& consumer, std::string_view reason);
}  // namespace testing

}  // namespace edaobs::kafka
