#pragma once
// What an event handler decided for one record. The consumer carries the decision out, so the
// handler is only domain logic:
//   done()            handled here and now;
//   reject(r, d)      not processable: the consumer dead-letters the original record with
//                     reason `r` (a short, stable, low-cardinality name) and detail `d`;
//   forward(t, e)     republish `e` to topic `t`: the record is complete once the broker has
//                     acknowledged the republished event; a failed send is retried with backoff
//                     (the input offset is held back meanwhile), never dead-lettered;
//   deferred()        the handler took a copy of the record's Completion
//                     (ConsumedEvent::completion) and completes it itself, later, from any thread.
// The consumer records events_processed_total, event_processing_duration_seconds and
// event_errors_total for every outcome, success when the record is really complete.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "edaobs/core/failure.h"
#include "edaobs/kafka/envelope/event.h"

namespace edaobs::kafka {

class Outcome {
 public:
  struct Done {};
  using Reject = Failure;  // reason: stable, low-cardinality (edaobs/core/failure.h)
  struct Forward {
    std::string topic;
    Event event;
  };
  // A record sent as it is (e.g. a deliberately malformed one in fault injection).
  struct ForwardRecord {
    std::string topic;
    EncodedRecord record;
  };
  struct Deferred {};
  using Decision = std::variant<Done, Reject, Forward, ForwardRecord, Deferred>;

  [[nodiscard]] static Outcome done() { return Outcome(Done{}); }
  [[nodiscard]] static Outcome reject(std::string_view reason, std::string_view detail) {
    return Outcome(Reject{std::string(reason), std::string(detail)});
  }
  [[nodiscard]] static Outcome reject(Failure failure) { return Outcome(std::move(failure)); }
  [[nodiscard]] static Outcome forward(std::string_view topic, Event event) {
    return Outcome(Forward{std::string(topic), std::move(event)});
  }
  [[nodiscard]] static Outcome forward(std::string_view topic, EncodedRecord record) {
    return Outcome(ForwardRecord{std::string(topic), std::move(record)});
  }
  [[nodiscard]] static Outcome deferred() { return Outcome(Deferred{}); }

  [[nodiscard]] Decision& decision() noexcept { return decision_; }
  [[nodiscard]] const Decision& decision() const noexcept { return decision_; }

 private:
  explicit Outcome(Decision decision) : decision_(std::move(decision)) {}
  Decision decision_;
};

}  // namespace edaobs::kafka
