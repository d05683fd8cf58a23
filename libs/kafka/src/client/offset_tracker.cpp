#include "client/offset_tracker.h"

#include <algorithm>
#include <utility>

namespace edaobs::kafka {

void Completion::done() noexcept {
  if (!state_) return;
  std::optional<ProcessingMetrics::Success> success;
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->finished) return;
    state_->finished = true;
    success = state_->success;
  }
  if (success)
    success->record(std::chrono::steady_clock::now() - state_->started, state_->exemplar);
  state_->track->finish(state_->offset, true);
}

bool Completion::pending() const noexcept {
  if (!state_) return false;
  const std::lock_guard lock(state_->mutex);
  return !state_->finished;
}

}  // namespace edaobs::kafka

namespace edaobs::kafka::detail {

void PartitionTrack::begin(std::int64_t offset) {
  const std::lock_guard lock(mutex_);
  // A re-fetched offset (seek back) must not be tracked twice; keep records ascending.
  if (!records_.empty() && offset <= records_.back().offset) return;
  records_.push_back({offset, State::kPending});
  ++pending_;
}

void PartitionTrack::finish(std::int64_t offset, bool handled) {
  const std::lock_guard lock(mutex_);
  const auto it = std::lower_bound(records_.begin(), records_.end(), offset,
                                   [](const Entry& e, std::int64_t o) { return e.offset < o; });
  if (it == records_.end() || it->offset != offset || it->state != State::kPending) return;
  it->state = handled ? State::kDone : State::kAbandoned;
  --pending_;
  if (!handled) abandoned_ = true;
  while (!records_.empty() && records_.front().state == State::kDone) {
    ready_ = records_.front().offset + 1;
    dirty_ = true;
    records_.pop_front();
  }
  if (pending_ == 0) idle_.notify_all();
}

std::optional<std::int64_t> PartitionTrack::take_ready() {
  const std::lock_guard lock(mutex_);
  if (!dirty_) return std::nullopt;
  dirty_ = false;
  return ready_;
}

std::optional<std::int64_t> PartitionTrack::take_abandoned() {
  const std::lock_guard lock(mutex_);
  if (!std::exchange(abandoned_, false) || records_.empty()) return std::nullopt;
  // The first record not done (done ones are popped from the front): the abandoned one or a
  // record before it still in flight, whose completion will no longer count.
  return records_.front().offset;
}

bool PartitionTrack::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return idle_.wait_until(lock, deadline, [this] { return pending_ == 0; });
}

std::size_t PartitionTrack::pending() const {
  const std::lock_guard lock(mutex_);
  return pending_;
}

std::shared_ptr<PartitionTrack>* OffsetTracker::find(std::string_view topic,
                                                     std::int32_t partition) {
  const auto topic_it = partitions_.find(topic);
  if (topic_it == partitions_.end()) return nullptr;
  const auto it = topic_it->second.find(partition);
  return it == topic_it->second.end() ? nullptr : &it->second;
}

void OffsetTracker::assign(std::string_view topic, std::int32_t partition) {
  auto topic_it = partitions_.find(topic);
  if (topic_it == partitions_.end())
    topic_it = partitions_.emplace(std::string(topic), decltype(topic_it->second){}).first;
  topic_it->second[partition] = std::make_shared<PartitionTrack>();
}

void OffsetTracker::revoke(std::string_view topic, std::int32_t partition) {
  const auto topic_it = partitions_.find(topic);
  if (topic_it == partitions_.end()) return;
  topic_it->second.erase(partition);
  if (topic_it->second.empty()) partitions_.erase(topic_it);
}

void OffsetTracker::clear() { partitions_.clear(); }

Completion OffsetTracker::begin(std::string_view topic, std::int32_t partition,
                                std::int64_t offset) {
  std::shared_ptr<PartitionTrack>* track = find(topic, partition);
  if (track == nullptr) {
    assign(topic, partition);
    track = find(topic, partition);
  }
  (*track)->begin(offset);
  return Completion(std::make_shared<CompletionState>(*track, offset));
}

std::vector<ReadyOffset> OffsetTracker::take_ready() {
  std::vector<ReadyOffset> ready;
  for (auto& [topic, partitions] : partitions_) {
    for (auto& [partition, track] : partitions) {
      if (const auto offset = track->take_ready()) ready.push_back({topic, partition, *offset});
    }
  }
  return ready;
}

std::vector<ReadyOffset> OffsetTracker::take_abandoned() {
  std::vector<ReadyOffset> abandoned;
  for (auto& [topic, partitions] : partitions_) {
    for (auto& [partition, track] : partitions) {
      if (const auto offset = track->take_abandoned()) {
        abandoned.push_back({topic, partition, *offset});
        track = std::make_shared<PartitionTrack>();
      }
    }
  }
  return abandoned;
}

bool OffsetTracker::wait_idle(const std::vector<std::pair<std::string, std::int32_t>>& partitions,
                              std::chrono::steady_clock::time_point deadline) {
  bool idle = true;
  if (partitions.empty()) {
    for (auto& [topic, tracks] : partitions_) {
      for (auto& [partition, track] : tracks) idle = track->wait_idle(deadline) && idle;
    }
    return idle;
  }
  for (const auto& [topic, partition] : partitions) {
    if (auto* track = find(topic, partition)) idle = (*track)->wait_idle(deadline) && idle;
  }
  return idle;
}

std::size_t OffsetTracker::pending() const {
  std::size_t total = 0;
  for (const auto& [topic, tracks] : partitions_) {
    for (const auto& [partition, track] : tracks) total += track->pending();
  }
  return total;
}

}  // namespace edaobs::kafka::detail
