#pragma once
// The outcome of producing one record: synchronously (could it be enqueued?) and later
// (did the broker acknowledge it?).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "edaobs/core/expected.h"

namespace edaobs::kafka {

// send() returns a Status (edaobs/core/expected.h): enqueued, or a Failure whose reason is
// librdkafka's error name ("_QUEUE_FULL", "MSG_SIZE_TOO_LARGE", "_FATAL") or "closed". Nothing
// else is reported for a record that was not enqueued (its delivery callback is never called).

struct DeliveryReport {
  bool ok = false;
  Failure error;  // when !ok: reason = librdkafka's error name ("_MSG_TIMED_OUT", ...), detail =
                  // its text
  std::string topic;
  std::int32_t partition = -1;  // known when ok
  std::int64_t offset = -1;     // known when ok
  // When !ok: whether the broker may have stored the record anyway (it failed after being sent,
  // e.g. timed out waiting for the acknowledgement). false means known not stored, and
  // librdkafka will not send it later.
  bool possibly_persisted = false;
  std::chrono::nanoseconds latency{0};  // enqueue -> acknowledgement (or failure)
};

// Called exactly once per enqueued record, on the producer's delivery thread, with the record's
// send span active (so logs written in the callback carry its trace id). Keep it short: it holds
// up the delivery reports of every other record.
using DeliveryCallback = std::function<void(const DeliveryReport&)>;

}  // namespace edaobs::kafka
