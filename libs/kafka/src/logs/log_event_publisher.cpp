#include "edaobs/kafka/logs/log_event_publisher.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <pthread.h>
#include <random>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "edaobs/core/config_error.h"
#include "edaobs/kafka/envelope/event.h"
#include "edaobs/kafka/envelope/rfc3339.h"

#include "client/rdkafka_config.h"

namespace edaobs::kafka {

namespace {

std::string_view event_type_of(std::string_view line) {
  if (line.find(R"("level":"ERROR")") != std::string_view::npos) return "edaobs.log.error";
  if (line.find(R"("level":"WARN")") != std::string_view::npos) return "edaobs.log.warn";
  if (line.find(R"("level":"INFO")") != std::string_view::npos) return "edaobs.log.info";
  if (line.find(R"("level":"DEBUG")") != std::string_view::npos) return "edaobs.log.debug";
  return "edaobs.log";
}

std::string random_instance_id() {
  std::random_device device;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", device(), device());
  return text;
}

}  // namespace

struct LogEventPublisher::State {
  State(const LogEventPublisherOptions& options, telemetry::Registry& registry)
      : capacity(options.queue_capacity == 0 ? 1 : options.queue_capacity),
        fallback(options.fallback),
        published_counter(registry
                              .counter("log_events_published_total",
                                       "WARN/ERROR log lines acknowledged on the log-events topic.")
                              .with({})),
        fallback_family(registry.counter(
            "log_events_fallback_total",
            "WARN/ERROR log lines not published to the log-events topic (they are in the agent's "
            "own log; given to the fallback when one is set).",
            {"reason"})) {}

  // Never throws: a failing fallback is swallowed (the line was already logged locally once).
  void fall_back(std::string_view line, std::string_view reason) noexcept {
    fallback_count.fetch_add(1, std::memory_order_relaxed);
    try {
      fallback_family.with({reason}).inc();
      if (fallback) fallback(line);
    } catch (...) {
    }
  }

  void settle() {
    settled.fetch_add(1, std::memory_order_release);
    const std::lock_guard lock(mutex);
    settled_changed.notify_all();
  }

  void publish(std::string_view line) noexcept {
    try {
      std::unique_lock lock(mutex);
      if (closed) {
        lock.unlock();
        fall_back(line, "closed");
        return;
      }
      if (queue.size() >= capacity) {
        lock.unlock();
        fall_back(line, "queue_full");
        return;
      }
      queue.emplace_back(line);
      accepted.fetch_add(1, std::memory_order_relaxed);
      lock.unlock();
      wake.notify_one();
    } catch (...) {
      fall_back(line, "queue_full");
    }
  }

  const std::size_t capacity;
  const std::function<void(std::string_view)> fallback;
  telemetry::Counter& published_counter;
  telemetry::Family<telemetry::Counter>& fallback_family;

  std::mutex mutex;
  std::condition_variable wake;             // worker: lines queued or closing
  std::condition_variable settled_changed;  // flush(): a line was acknowledged or fell back
  std::deque<std::string> queue;
  bool closed = false;

  std::atomic<std::uint64_t> accepted{0};  // lines taken into the queue
  std::atomic<std::uint64_t> settled{0};   // of those, acknowledged or fallen back
  std::atomic<std::uint64_t> published_count{0};
  std::atomic<std::uint64_t> fallback_count{0};
};

class LogEventPublisher::Worker final : public RdKafka::DeliveryReportCb, public RdKafka::EventCb {
 public:
  Worker(const LogEventPublisherOptions& options, std::shared_ptr<State> state)
      : state_(std::move(state)),
        topic_(options.topic),
        source_(options.source),
        id_prefix_(options.source + "-" + random_instance_id() + "-"),
        close_timeout_(options.close_timeout) {
    const auto conf = detail::make_global_conf();
    detail::set_property(*conf, "bootstrap.servers", options.brokers);
    detail::set_property(*conf, "client.id", options.client_id);
    detail::set_property(*conf, "acks", "1");
    detail::set_property(*conf, "message.timeout.ms", detail::millis(options.delivery_timeout));
    detail::set_property(*conf, "queue.buffering.max.messages", std::to_string(state_->capacity));
    detail::set_properties(*conf, options.properties);
    detail::set_delivery_cb(*conf, *this);
    detail::set_event_cb(*conf, *this);
    std::string error;
    producer_.reset(RdKafka::Producer::create(conf.get(), error));
    if (!producer_) throw ConfigError("producer", error);
    thread_ = std::jthread([this] { run(); });
  }

  ~Worker() override { stop(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      state_->published_count.fetch_add(1, std::memory_order_relaxed);
      state_->published_counter.inc();
    } else {
      state_->fall_back(
          std::string_view(static_cast<const char*>(message.payload()), message.len()),
          "delivery_failed");
    }
    state_->settle();
  }

  // The event producer reports broker trouble; this client stays quiet (and never logs
  // through the Logger, which would loop back here).
  void event_cb(RdKafka::Event&) override {}

  void stop() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    pthread_setname_np(pthread_self(), "edaobs-logpub");
    std::vector<std::string> batch;
    for (;;) {
      bool closing = false;
      {
        std::unique_lock lock(state_->mutex);
        state_->wake.wait_for(lock, std::chrono::milliseconds(20),
                              [this] { return !state_->queue.empty() || state_->closed; });
        batch.assign(std::make_move_iterator(state_->queue.begin()),
                     std::make_move_iterator(state_->queue.end()));
        state_->queue.clear();
        closing = state_->closed;
      }
      for (const auto& line : batch) produce(line);
      batch.clear();
      producer_->poll(0);
      if (closing) break;
    }
    // Closing: give queued lines close_timeout to reach the broker, the rest falls back.
    const auto deadline = std::chrono::steady_clock::now() + close_timeout_;
    while (producer_->outq_len() > 0 && std::chrono::steady_clock::now() < deadline) {
      producer_->poll(10);
    }
    if (producer_->outq_len() > 0) {
      producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
      for (int i = 0; i < 100 && producer_->outq_len() > 0; ++i) producer_->poll(10);
    }
  }

  void produce(const std::string& line) {
    std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
    const std::string id = id_prefix_ + std::to_string(++sequence_);
    headers->add(std::string(header_names::kSpecVersion), std::string(kCloudEventsSpecVersion));
    headers->add(std::string(header_names::kId), id);
    headers->add(std::string(header_names::kSource), source_);
    headers->add(std::string(header_names::kType), std::string(event_type_of(line)));
    headers->add(std::string(header_names::kTime),
                 format_rfc3339(std::chrono::system_clock::now()));
    headers->add(std::string(header_names::kContentType), std::string(kJsonContentType));
    const RdKafka::ErrorCode error =
        producer_->produce(topic_, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                           const_cast<char*>(line.data()), line.size(), source_.data(),
                           source_.size(), 0, headers.get(), nullptr);
    if (error == RdKafka::ERR_NO_ERROR) {
      static_cast<void>(headers.release());  // librdkafka took the headers over
      return;
    }
    state_->fall_back(line, error == RdKafka::ERR__QUEUE_FULL ? "queue_full" : "produce_failed");
    state_->settle();
  }

  std::shared_ptr<State> state_;
  std::string topic_;
  std::string source_;
  std::string id_prefix_;
  std::chrono::milliseconds close_timeout_;
  std::uint64_t sequence_ = 0;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::jthread thread_;  // last: joined before the producer goes
};

LogEventPublisher::LogEventPublisher(LogEventPublisherOptions options,
                                     telemetry::Registry& registry)
    : state_(std::make_shared<State>(options, registry)),
      worker_(std::make_unique<Worker>(options, state_)) {}

LogEventPublisher::~LogEventPublisher() { close(); }

void LogEventPublisher::publish(std::string_view json_line) noexcept { state_->publish(json_line); }

telemetry::Logger::Forwarder LogEventPublisher::forwarder() const {
  return [state = state_](std::string_view line) { state->publish(line); };
}

bool LogEventPublisher::flush(std::chrono::milliseconds timeout) {
  const std::uint64_t target = state_->accepted.load(std::memory_order_relaxed);
  std::unique_lock lock(state_->mutex);
  return state_->settled_changed.wait_for(
      lock, timeout, [&] { return state_->settled.load(std::memory_order_acquire) >= target; });
}

void LogEventPublisher::close() {
  {
    const std::lock_guard lock(state_->mutex);
    if (state_->closed) return;
    state_->closed = true;
  }
  state_->wake.notify_all();
  worker_->stop();
}

LogEventStats LogEventPublisher::stats() const noexcept {
  return {state_->published_count.load(std::memory_order_relaxed),
          state_->fallback_count.load(std::memory_order_relaxed)};
}

}  // namespace edaobs::kafka
