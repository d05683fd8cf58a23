// The telemetry of one event allocates nothing in steady state. Each event does what an agent
// does per record: a CONSUMER span with the messaging attributes and a child PRODUCER span
// (ended on another thread, as a delivery report would), a traceparent injected into a reused
// buffer, one INFO log line with fields, a counter and a histogram update; the spans are exported
// in batches by an exporter that encodes them as OTLP protobuf (the default) into a reused buffer.
// A global counting operator new counts every allocation on every thread (caller, delivery thread,
// span worker, log worker) while 10k events run after a warm-up of 10k.
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"
#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"
#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/trace/propagation.h"

#include "../src/trace/span_data_pool.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<std::uint64_t> allocations{0};

void* counted_alloc(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace et = edaobs::telemetry;
using namespace std::chrono_literals;

namespace {

// Encodes every batch as the OTLP exporter would, into one buffer reused across batches.
class EncodingExporter final : public et::SpanExporter {
 public:
  explicit EncodingExporter(et::Resource resource) : resource_(std::move(resource)) {}
  et::ExportResult export_spans(et::SpanBatch batch,
                                std::chrono::steady_clock::time_point) override {
    body_.clear();
    et::append_otlp_traces_protobuf(body_, resource_, batch);
    return et::ExportResult::kSuccess;
  }

 private:
  et::Resource resource_;
  std::string body_;
};

// Lines are formatted and handed over, then forgotten.
class DiscardingWriter final : public et::LogWriter {
 public:
  void write(std::string_view lines) override { bytes_ += lines.size(); }

 private:
  std::size_t bytes_ = 0;
};

// A fixed-size header buffer, as the Kafka producer's header list is reused.
class FixedCarrier final : public et::TextMapCarrier {
 public:
  [[nodiscard]] std::optional<std::string_view> get(std::string_view) const override {
    return std::nullopt;
  }
  void set(std::string_view, std::string_view value) override {
    size_ = std::min(value.size(), sizeof buffer_);
    std::copy_n(value.data(), size_, buffer_);
  }

 private:
  char buffer_[256]{};
  std::size_t size_ = 0;
};

// Ends PRODUCER spans on its own thread, like librdkafka's delivery-report thread. Two vectors
// swapped under the lock keep their capacity, so the hand-over itself allocates nothing once warm.
class DeliveryThread {
 public:
  DeliveryThread() : thread_([this](std::stop_token stop) { run(stop); }) {
    pending_.reserve(1024);
    delivering_.reserve(1024);
  }
  ~DeliveryThread() {
    thread_.request_stop();
    ready_.notify_all();
  }
  void hand_over(et::Span span) {
    {
      const std::lock_guard lock(mutex_);
      pending_.push_back(std::move(span));
    }
    ready_.notify_one();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [this] { return pending_.empty() && !busy_; });
  }

 private:
  void run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      ready_.wait(lock, [&] { return stop.stop_requested() || !pending_.empty(); });
      pending_.swap(delivering_);
      busy_ = true;
      lock.unlock();
      for (et::Span& span : delivering_) {
        span.set_attribute("messaging.destination.partition.id", "3");
        span.set_attribute("messaging.kafka.offset", std::int64_t{12345});
        span.end();
      }
      delivering_.clear();
      lock.lock();
      busy_ = false;
      idle_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable idle_;
  std::vector<et::Span> pending_;
  std::vector<et::Span> delivering_;  // only the delivery thread touches it
  bool busy_ = false;
  std::jthread thread_;
};

// One enricher's worth of telemetry: a tracer exporting through the OTLP encoder, a logger with
// the OTLP log exporter, the processing metrics, and a delivery thread that ends send spans.
class AgentTelemetry {
 public:
  AgentTelemetry()
      : provider_(tracing_options(), std::make_unique<EncodingExporter>(et::Resource{})),
        log_exporter_(std::make_shared<et::OtlpLogExporter>(log_export_options(), et::Resource{},
                                                            std::vector<std::string>{})),
        log_(logging_options(log_exporter_)),
        registry_({{"service", "allocation-test"}}),
        processed_(registry_.counter("events_processed_total", "Events.", {"event_type", "success"})
                       .with({"order.created", "true"})),
        duration_(registry_
                      .histogram("event_processing_duration_seconds", "Time.", {"event_type"},
                                 {0.001, 0.01, 0.1, 1})
                      .with({"order.created"})),
        upstream_(
            *et::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")) {}

  // The per-event telemetry of the enricher: two spans with their attributes, one INFO line,
  // the metrics, the send span ended on the delivery thread.
  void one_event() {
    et::StartSpanOptions options;
    options.kind = et::SpanKind::kConsumer;
    options.parent = upstream_;
    et::Span process = provider_.tracer().start_span("process events.raw", options);
    process.set_attribute("messaging.system", "kafka");
    process.set_attribute("messaging.operation.name", "process");
    process.set_attribute("messaging.operation.type", "process");
    process.set_attribute("messaging.destination.name", "events.raw");
    process.set_attribute("messaging.consumer.group.name", "edaobs-enricher");
    process.set_attribute("messaging.destination.partition.id", "1");
    process.set_attribute("messaging.kafka.offset", std::int64_t{4242});
    process.set_attribute("event.id", event_id_);
    process.set_attribute("event.type", "order.created");
    const et::SpanScope scope(process);
    et::Span send = provider_.tracer().start_span("send events.enriched", et::SpanKind::kProducer);
    send.set_attribute("messaging.system", "kafka");
    send.set_attribute("messaging.operation.name", "send");
    send.set_attribute("messaging.operation.type", "send");
    send.set_attribute("messaging.destination.name", "events.enriched");
    send.set_attribute("event.id", event_id_);
    send.set_attribute("event.type", "order.created");
    et::inject(send.context(), headers_);
    log_.info("event enriched",
              {{"event_id", event_id_}, {"event_type", "order.created"}, {"duration_ms", 0.042}});
    processed_.inc();
    duration_.observe(0.0042);
    delivery_.hand_over(std::move(send));
  }

  // Everything handed over so far is ended, exported and written.
  void settle() {
    delivery_.wait_idle();
    ASSERT_TRUE(provider_.force_flush(10s));
    ASSERT_TRUE(log_.flush(10s));
    ASSERT_TRUE(log_exporter_->force_flush(10s));
  }

  [[nodiscard]] et::TracerStats tracer_stats() const { return provider_.stats(); }
  [[nodiscard]] auto log_export_stats() const { return log_exporter_->stats(); }
  [[nodiscard]] std::size_t log_bodies() const { return log_bodies_.load(); }

 private:
  static et::TracerProviderOptions tracing_options() {
    et::TracerProviderOptions tracing;
    tracing.service_name = "allocation-test";
    tracing.batch.schedule_delay = 5ms;
    return tracing;
  }
  et::OtlpLogExporterOptions log_export_options() {
    et::OtlpLogExporterOptions log_export;
    log_export.body_sink = [this](std::string_view body) {
      log_bodies_.fetch_add(body.empty() ? 0 : 1, std::memory_order_relaxed);
      return true;
    };
    log_export.schedule_delay = 5ms;
    return log_export;
  }
  static et::LoggerOptions logging_options(std::shared_ptr<et::OtlpLogExporter> exporter) {
    et::LoggerOptions logging;
    logging.service = "allocation-test";
    logging.writer = std::make_shared<DiscardingWriter>();
    logging.otlp_exporter = std::move(exporter);
    return logging;
  }

  std::atomic<std::size_t> log_bodies_{0};  // first: the log exporter's sink counts into it
  et::TracerProvider provider_;
  std::shared_ptr<et::OtlpLogExporter> log_exporter_;
  et::Logger log_;
  et::Registry registry_;
  et::Counter& processed_;
  et::Histogram& duration_;
  const et::SpanContext upstream_;
  const std::string event_id_ = "evt-000123";
  FixedCarrier headers_;
  DeliveryThread delivery_;  // last: stops first, while the spans' provider lives
};

TEST(SteadyStateAllocation, OneEventsTelemetryAllocatesNothing) {
  AgentTelemetry agent;
  // Paced as a steady stream is: the span queue (2048) never overflows, so nothing is dropped
  // (a dropped span's data would be freed and allocated again: that path is the queue-full
  // accounting, not steady state).
  constexpr int kEvents = 10'000;
  const auto run = [&] {
    for (int i = 1; i <= kEvents; ++i) {
      agent.one_event();
      if (i % 500 == 0) agent.settle();
    }
    agent.settle();
  };
  run();  // warm-up: pools, queues and buffers fill

  const auto pool_before = et::detail::span_data_pool_stats();
  allocations = 0;
  counting = true;
  run();
  counting = false;

  const auto pool_after = et::detail::span_data_pool_stats();
  const auto stats = agent.tracer_stats();
  const auto log_stats = agent.log_export_stats();
  EXPECT_EQ(log_stats.exported, 2U * kEvents)
      << "every log record must go through the OTLP exporter";
  EXPECT_EQ(log_stats.dropped + log_stats.failed, 0U);
  EXPECT_GT(agent.log_bodies(), 0U);
  EXPECT_EQ(pool_after.fresh_allocations - pool_before.fresh_allocations, 0U)
      << "span data allocated";
  EXPECT_EQ(pool_after.discarded - pool_before.discarded, 0U) << "span data freed for want of room";
  EXPECT_EQ(stats.spans_dropped, 0U) << "the test must export everything it started";
  EXPECT_EQ(allocations.load(), 0U) << static_cast<double>(allocations.load()) / kEvents
                                    << " allocations per event in steady state";
}

}  // namespace
