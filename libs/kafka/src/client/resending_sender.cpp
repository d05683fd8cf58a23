#include "client/resending_sender.h"

#include <algorithm>
#include <bit>
#include <vector>

namespace edaobs::kafka::detail {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::chrono::milliseconds backoff(int attempts) {
  const int doublings = std::clamp(attempts - 1, 0, 16);
  return std::min(kMaxBackoff, kFirstBackoff * (1 << doublings));
}

// Every failure is counted; only the 1st, 2nd, 4th, 8th ... are logged, so an outage does not
// become a stream of WARN lines (which are themselves forwarded to Kafka).
bool worth_logging(int attempts) { return std::has_single_bit(static_cast<unsigned>(attempts)); }

bool too_large(const std::string& error_type) {
  return error_type == "MSG_SIZE_TOO_LARGE" || error_type == "_MSG_SIZE_TOO_LARGE";
}

}  // namespace

ResendingSender::ResendingSender(Producer& producer, telemetry::Registry& registry,
                                 telemetry::Logger& logger)
    : producer_(producer),
      logger_(logger),
      retries_(registry.counter("kafka_output_retries_total",
                                "Output records (republished events, dead letters) sent again "
                                "after a failed attempt.",
                                {"topic"})),
      waiting_gauge_(registry
                         .gauge("kafka_output_stalled",
                                "Output records that failed and are not yet acknowledged; their "
                                "input offsets are held back meanwhile.")
                         .with({})) {}

void ResendingSender::send(std::shared_ptr<OutputSend> output) { attempt(output); }

void ResendingSender::attempt(const std::shared_ptr<OutputSend>& output) {
  ++output->attempts;
  DeliveryCallback on_delivery = [weak = weak_from_this(), output](const DeliveryReport& report) {
    const auto self = weak.lock();
    if (report.ok) {
      if (output->failed_once && self) self->recovered();
      output->on_acknowledged(report);
      return;
    }
    if (self) self->failed(output, report.error);
  };
  const Status status = std::visit(
      [&](auto& payload) {
        if constexpr (std::is_same_v<std::decay_t<decltype(payload)>, Event>) {
          return producer_.send(output->topic, payload, std::move(on_delivery));
        } else {
          return producer_.send_record(output->topic, payload, std::move(on_delivery));
        }
      },
      output->payload);
  if (!status) failed(output, status.error());
}

void ResendingSender::failed(const std::shared_ptr<OutputSend>& output, const Failure& error) {
  if (output->omit_value_when_too_large && too_large(error.reason)) {
    if (auto* record = std::get_if<EncodedRecord>(&output->payload);
        record && !record->value.empty()) {
      record->headers.push_back({"dlq_value_omitted", std::to_string(record->value.size())});
      record->value.clear();
    }
  }
  retries_.with({output->topic}).inc();
  if (!output->failed_once) {
    output->failed_once = true;
    waiting_gauge_.set(static_cast<double>(stalled_.fetch_add(1) + 1));
  }
  if (worth_logging(output->attempts)) {
    logger_.warn("output not delivered; retrying, the input offset is held back",
                 {{"topic", output->topic},
                  {"error", error.reason},
                  {"detail", error.detail},
                  {"attempts", output->attempts}});
  }
  output->due = std::chrono::steady_clock::now() + backoff(output->attempts);
  const std::lock_guard lock(mutex_);
  waiting_.push_back(output);
}

void ResendingSender::recovered() noexcept {
  waiting_gauge_.set(static_cast<double>(std::max(0L, stalled_.fetch_sub(1) - 1)));
}

void ResendingSender::resend_due() {
  std::vector<std::shared_ptr<OutputSend>> due;
  {
    const std::lock_guard lock(mutex_);
    if (waiting_.empty()) return;
    const auto now = std::chrono::steady_clock::now();
    // Retried records lose their order anyway (the broker may have some of the batch), so take
    // whatever is due.
    const auto not_due = std::stable_partition(waiting_.begin(), waiting_.end(),
                                               [now](const auto& w) { return w->due <= now; });
    due.assign(std::make_move_iterator(waiting_.begin()), std::make_move_iterator(not_due));
    waiting_.erase(waiting_.begin(), not_due);
  }
  for (const auto& output : due) {
    const telemetry::ActiveContextScope scope(output->parent);
    attempt(output);
  }
}

std::size_t ResendingSender::stalled() const noexcept {
  return static_cast<std::size_t>(std::max(0L, stalled_.load()));
}

void ResendingSender::clear() {
  const std::lock_guard lock(mutex_);
  waiting_.clear();
  stalled_ = 0;
  waiting_gauge_.set(0);
}

}  // namespace edaobs::kafka::detail
