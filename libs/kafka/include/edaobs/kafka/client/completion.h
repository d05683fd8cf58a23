#pragma once
// Marks a consumed record as handled. The consumer stores a partition's offset only up to the
// first record not yet handled, so nothing is committed ahead of unfinished work (at-least-once).
//
// A Completion is a shared handle: copies refer to the same record (so it can be captured by a
// std::function, e.g. a producer's delivery callback), done() on any copy completes it, and when
// the last copy goes away without done() the record counts as NOT handled (a bug in a deferred
// handler): its offset stays unstored and the consumer consumes its partition again from it
// (records in flight after it are handled twice); a record dropped on three attempts in a row is
// dead-lettered as "completion_abandoned". Thread-safe; done() may be called from any thread.
#include <memory>

namespace edaobs::kafka {

namespace detail {
struct CompletionState;
struct CompletionAccess;
}  // namespace detail

class Completion {
 public:
  Completion() = default;  // completes nothing
  explicit Completion(std::shared_ptr<detail::CompletionState> state) noexcept
      : state_(std::move(state)) {}

  // The record is fully handled (for a republishing agent: its output was acknowledged). The
  // consumer's success metrics for the record are recorded now.
  void done() noexcept;
  // True until done() was called on some copy.
  [[nodiscard]] bool pending() const noexcept;

 private:
  friend struct detail::CompletionAccess;
  std::shared_ptr<detail::CompletionState> state_;
};

}  // namespace edaobs::kafka
