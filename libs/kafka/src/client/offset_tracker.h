#pragma once
// Per-partition bookkeeping of in-flight records so that offsets are stored strictly in order:
// the stored offset is one past the last record of an unbroken prefix of handled records.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "edaobs/kafka/client/completion.h"
#include "edaobs/kafka/client/processing_metrics.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::kafka::detail {

// One assigned partition for one assignment. Completions hold it by shared_ptr, so a completion
// that arrives after the partition was revoked touches a detached object and has no effect.
class PartitionTrack {
 public:
  void begin(std::int64_t offset);
  void finish(std::int64_t offset, bool handled);
  // The offset to store (next to consume) if it moved since the last call.
  [[nodiscard]] std::optional<std::int64_t> take_ready();
  // When a completion was dropped without done() since the last call (the partition is stuck
  // behind it), the offset to consume again from: the first record not done.
  [[nodiscard]] std::optional<std::int64_t> take_abandoned();
  // Waits until no record is pending (abandoned ones do not count); false at the deadline.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] std::size_t pending() const;

 private:
  enum class State : std::uint8_t { kPending, kDone, kAbandoned };
  struct Entry {
    std::int64_t offset;
    State state;
  };
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  std::deque<Entry> records_;  // ascending offsets
  std::size_t pending_ = 0;
  std::int64_t ready_ = -1;
  bool dirty_ = false;
  bool abandoned_ = false;
};

}  // namespace edaobs::kafka::detail

namespace edaobs::kafka::detail {

struct CompletionState {
  CompletionState(std::shared_ptr<PartitionTrack> partition_track, std::int64_t record_offset)
      : track(std::move(partition_track)), offset(record_offset) {}
  ~CompletionState() {
    if (!finished) track->finish(offset, false);
  }
  CompletionState(const CompletionState&) = delete;
  CompletionState& operator=(const CompletionState&) = delete;

  std::shared_ptr<PartitionTrack> track;
  std::int64_t offset;
  std::mutex mutex;
  bool finished = false;
  // Recorded by done() unless disarmed (a rejected record counts as failed instead).
  std::optional<ProcessingMetrics::Success> success;
  std::chrono::steady_clock::time_point started;
  telemetry::SpanContext exemplar;
};

// The consumer's side door into a Completion: what done() records.
struct CompletionAccess {
  static void arm(Completion& completion, ProcessingMetrics::Success success,
                  std::chrono::steady_clock::time_point started,
                  const telemetry::SpanContext& exemplar) {
    if (!completion.state_) return;
    const std::lock_guard lock(completion.state_->mutex);
    completion.state_->success = success;
    completion.state_->started = started;
    completion.state_->exemplar = exemplar;
  }
  static void disarm(Completion& completion) {
    if (!completion.state_) return;
    const std::lock_guard lock(completion.state_->mutex);
    completion.state_->success.reset();
  }
};

struct ReadyOffset {
  std::string topic;
  std::int32_t partition;
  std::int64_t offset;  // next offset to consume
};

// All partitions of one consumer. Used from the consumer's thread only (poll, rebalance
// callbacks, close); completions reach the PartitionTracks directly.
class OffsetTracker {
 public:
  // Forgets earlier state of the partition: a new assignment starts from the committed offset.
  void assign(std::string_view topic, std::int32_t partition);
  void revoke(std::string_view topic, std::int32_t partition);
  void clear();
  // Registers the record as in flight; the partition is tracked on first sight if needed.
  [[nodiscard]] Completion begin(std::string_view topic, std::int32_t partition,
                                 std::int64_t offset);
  [[nodiscard]] std::vector<ReadyOffset> take_ready();
  // Partitions with an abandoned record, each with the offset to consume again from. Their
  // tracking restarts there (completions still out for the old records no longer count).
  [[nodiscard]] std::vector<ReadyOffset> take_abandoned();
  // Waits for the pending records of the given partitions (all when empty) until the deadline.
  bool wait_idle(const std::vector<std::pair<std::string, std::int32_t>>& partitions,
                 std::chrono::steady_clock::time_point deadline);
  [[nodiscard]] std::size_t pending() const;

 private:
  std::shared_ptr<PartitionTrack>* find(std::string_view topic, std::int32_t partition);

  std::map<std::string, std::unordered_map<std::int32_t, std::shared_ptr<PartitionTrack>>,
           std::less<>>
      partitions_;
};

}  // namespace edaobs::kafka::detail
