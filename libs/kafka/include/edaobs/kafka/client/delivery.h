#pragma once
// The outcome of producing one record: synchronously (could it be enqueued?) and later
// (did the broker acknowledge it?).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace edaobs::kafka {

// Result of send(): enqueued, or why not. Nothing else is reported for a record that was not
// enqueued (its delivery callback is never called).
class [[nodiscard]] SendStatus {
 public:
  static SendStatus enqueued() { return SendStatus(); }
  static SendStatus failed(std::string error_type, std::string message) {
    return SendStatus(std::move(error_type), std::move(message));
  }
  [[nodiscard]] bool ok() const noexcept { return error_type_.empty(); }
  explicit operator bool() const noexcept { return ok(); }
  // librdkafka's error name ("_QUEUE_FULL", "MSG_SIZE_TOO_LARGE", "_FATAL"), empty when ok.
  [[nodiscard]] const std::string& error_type() const noexcept { return error_type_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SendStatus() = default;
  SendStatus(std::string error_type, std::string message)
      : error_type_(std::move(error_type)), message_(std::move(message)) {}
  std::string error_type_;
  std::string message_;
};

struct DeliveryReport {
  bool ok = false;
  std::string error_type;  // librdkafka's error name when !ok ("_MSG_TIMED_OUT", ...)
  std::string error_message;
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
