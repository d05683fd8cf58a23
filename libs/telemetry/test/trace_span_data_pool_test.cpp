// SpanData recycling across threads: spans started on one thread and ended on another, and spans
// dropped because the queue is full, reuse spent objects instead of allocating; what the pool
// retains stays within its bound. Uses the pool's internal counters (span_data_pool.h).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/tracer_provider.h"

#include "../src/trace/span_data_pool.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;
using detail::kSharedSpanDataCapacity;
using detail::kThreadSpanDataCapacity;
using detail::span_data_pool_stats;

// A Collector that is down: the worker stays inside export_spans until the test opens the gate,
// so the queue fills and further spans are dropped.
class GatedExporter final : public SpanExporter {
 public:
  struct Gate {
    std::mutex mutex;
    std::condition_variable opened;
    bool open = false;

    void open_now() {
      {
        std::lock_guard lock(mutex);
        open = true;
      }
      opened.notify_all();
    }
  };

  explicit GatedExporter(std::shared_ptr<Gate> gate) : gate_(std::move(gate)) {}

  ExportResult export_spans(SpanBatch /*batch*/,
                            std::chrono::steady_clock::time_point /*deadline*/) override {
    std::unique_lock lock(gate_->mutex);
    gate_->opened.wait(lock, [&] { return gate_->open; });
    return ExportResult::kFailure;
  }

 private:
  std::shared_ptr<Gate> gate_;
};

// Small queue so that it fills at once: at most kQueue + kBatch spans are held by the processor.
constexpr std::size_t kQueue = 64;
constexpr std::size_t kBatch = 16;

std::unique_ptr<TracerProvider> make_dead_collector_provider(
    std::shared_ptr<GatedExporter::Gate> gate) {
  TracerProviderOptions options;
  options.service_name = "pool-test";
  options.batch.max_queue_size = kQueue;
  options.batch.max_export_batch_size = kBatch;
  options.batch.schedule_delay = 1ms;
  return std::make_unique<TracerProvider>(options,
                                          std::make_unique<GatedExporter>(std::move(gate)));
}

void record_six_attributes(Span& span, std::int64_t offset) {
  span.set_attribute("messaging.system", "kafka");
  span.set_attribute("messaging.operation.type", "send");
  span.set_attribute("messaging.destination.name", "orders");
  span.set_attribute("messaging.destination.partition.id", "3");
  span.set_attribute("messaging.kafka.offset", offset);
  span.set_attribute("event.type", "order.created");
}

// Ends spans on its own thread, like librdkafka's delivery-report thread ends "send" spans.
class EndingThread {
 public:
  EndingThread() : thread_([this] { run(); }) {}
  ~EndingThread() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  EndingThread(const EndingThread&) = delete;
  EndingThread& operator=(const EndingThread&) = delete;

  // Waits until the previous hand-off has been ended, then hands these spans over.
  void hand_off(std::vector<Span>& spans) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return handed_.empty(); });
    handed_.swap(spans);
    changed_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return handed_.empty() && !ending_; });
  }

 private:
  void run() {
    std::vector<Span> spans;
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stop_ || !handed_.empty(); });
      if (handed_.empty()) {
        return;
      }
      spans.swap(handed_);
      ending_ = true;
      lock.unlock();
      changed_.notify_all();
      spans.clear();  // ends them here
      lock.lock();
      ending_ = false;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Span> handed_;
  bool ending_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Starts `count` spans on this thread and ends them on `ender`, `per_hand_off` at a time.
void start_here_end_there(Tracer& tracer, EndingThread& ender, int count, int per_hand_off) {
  std::vector<Span> spans;
  for (int i = 0; i < count; ++i) {
    Span span = tracer.start_span("send orders", SpanKind::kProducer);
    record_six_attributes(span, i);
    spans.push_back(std::move(span));
    if (static_cast<int>(spans.size()) == per_hand_off) {
      ender.hand_off(spans);
    }
  }
  ender.hand_off(spans);
  ender.wait_idle();
}

// No span reaches the processor; acquire_span_data() only asks it for spares (it has none).
class NullProcessor final : public SpanProcessor {
 public:
  void on_end(std::unique_ptr<SpanData>& /*data*/) noexcept override {}
};

TEST(SpanDataPoolTest, SpansEndedOnAnotherThreadWhileTheQueueIsFullAreRecycled) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto provider = make_dead_collector_provider(gate);
  EndingThread ender;
  constexpr int kSpans = 20000;
  constexpr int kPerHandOff = 100;

  const auto before = span_data_pool_stats();
  start_here_end_there(provider->tracer(), ender, kSpans, kPerHandOff);
  const auto after = span_data_pool_stats();

  const TracerStats stats = provider->stats();
  EXPECT_GE(stats.spans_dropped, std::uint64_t{kSpans - kQueue - kBatch});
  // This thread allocates only with its stock and the shared pool empty, so at most what can be
  // elsewhere then: the processor's spans, three hand-offs (filling, handed over, being ended)
  // and the ending thread's stock. Without cross-thread recycling each of the 20000 spans would
  // be a fresh allocation.
  constexpr std::uint64_t kLiveBound =
      kQueue + kBatch + 3 * kPerHandOff + kThreadSpanDataCapacity + 1;
  EXPECT_LE(after.fresh_allocations - before.fresh_allocations, kLiveBound);
  EXPECT_EQ(after.discarded, before.discarded) << "nothing should overflow the shared pool";

  gate->open_now();
  ASSERT_TRUE(provider->shutdown(5s));
}

TEST(SpanDataPoolTest, SpansDroppedOnAFullQueueAreReusedOnTheSameThread) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto provider = make_dead_collector_provider(gate);
  constexpr int kSpans = 10000;

  const auto before = span_data_pool_stats();
  for (int i = 0; i < kSpans; ++i) {
    Span span = provider->tracer().start_span("process orders", SpanKind::kConsumer);
    record_six_attributes(span, i);
  }
  const auto after = span_data_pool_stats();

  EXPECT_GE(provider->stats().spans_dropped, std::uint64_t{kSpans - kQueue - kBatch});
  // Only the spans the processor holds were ever new; each dropped one is taken again at once.
  EXPECT_LE(after.fresh_allocations - before.fresh_allocations, std::uint64_t{kQueue + kBatch + 1});
  EXPECT_EQ(after.discarded, before.discarded);

  gate->open_now();
  ASSERT_TRUE(provider->shutdown(5s));
}

TEST(SpanDataPoolTest, RetainedObjectsStayWithinTheBound) {
  NullProcessor processor;
  constexpr std::size_t kObjects = 3 * kSharedSpanDataCapacity;
  std::vector<std::unique_ptr<SpanData>> spent;
  std::thread([&] {  // a fresh thread: allocates whatever the shared pool cannot supply
    for (std::size_t i = 0; i < kObjects; ++i) {
      spent.push_back(detail::acquire_span_data(processor));
    }
  })
      .join();

  const auto before = span_data_pool_stats();
  detail::SpanDataPoolStats released{};
  std::thread([&] {  // releases far more than both levels hold
    for (auto& data : spent) {
      detail::release_span_data(std::move(data));
    }
    released = span_data_pool_stats();
  })
      .join();

  EXPECT_EQ(released.shared_size, kSharedSpanDataCapacity);
  EXPECT_LE(released.thread_stock_size, kThreadSpanDataCapacity);
  EXPECT_GT(released.thread_stock_size, 0U);
  // Every released object is kept by one of the two levels or freed, none is lost track of.
  EXPECT_EQ((released.shared_size - before.shared_size) + released.thread_stock_size +
                (released.discarded - before.discarded),
            kObjects);

  // A thread with an empty stock takes from the shared pool instead of allocating.
  std::thread([&] {
    const auto start = span_data_pool_stats();
    std::vector<std::unique_ptr<SpanData>> taken;
    for (std::size_t i = 0; i < 2 * detail::kSpanDataTransferBatch; ++i) {
      taken.push_back(detail::acquire_span_data(processor));
    }
    EXPECT_EQ(span_data_pool_stats().fresh_allocations, start.fresh_allocations);
  }).join();
}

TEST(SpanDataPoolTest, BulkReleaseGoesToTheSharedPoolWithinItsBound) {
  NullProcessor processor;
  std::vector<std::unique_ptr<SpanData>> spent(2 * kSharedSpanDataCapacity + 1);  // last one null
  std::thread([&] {
    for (std::size_t i = 0; i + 1 < spent.size(); ++i) {
      spent[i] = detail::acquire_span_data(processor);
    }
  }).join();

  const auto before = span_data_pool_stats();
  detail::release_span_data_batch(spent);
  const auto after = span_data_pool_stats();

  EXPECT_EQ(after.shared_size, kSharedSpanDataCapacity);
  EXPECT_EQ(after.thread_stock_size, before.thread_stock_size) << "bypasses the thread's stock";
  EXPECT_EQ((after.shared_size - before.shared_size) + (after.discarded - before.discarded),
            spent.size() - 1);
  for (const auto& data : spent) {
    EXPECT_EQ(data, nullptr);
  }
}

TEST(SpanDataPoolTest, ReusedObjectsComeBackEmpty) {
  NullProcessor processor;
  std::unique_ptr<SpanData> data = detail::acquire_span_data(processor);
  data->name = "used";
  data->attributes.set("k", std::string_view("v"));
  data->status_code = StatusCode::kError;
  SpanData* const address = data.get();
  detail::release_span_data(std::move(data));

  std::unique_ptr<SpanData> again = detail::acquire_span_data(processor);
  EXPECT_EQ(again.get(), address) << "the last released object is reused first";
  EXPECT_TRUE(again->name.empty());
  EXPECT_EQ(again->attributes.size(), 0U);
  EXPECT_EQ(again->status_code, StatusCode::kUnset);
}

// Many threads starting and ending each other's spans at once (for ThreadSanitizer): all spans
// are accounted for and nothing is allocated beyond what is live at once.
TEST(SpanDataPoolTest, ConcurrentCrossThreadRecyclingKeepsAllocationsBounded) {
  auto gate = std::make_shared<GatedExporter::Gate>();
  auto provider = make_dead_collector_provider(gate);
  constexpr int kPairs = 3;
  constexpr int kSpans = 5000;
  constexpr int kPerHandOff = 50;

  const auto before = span_data_pool_stats();
  {
    std::vector<std::thread> starters;
    for (int p = 0; p < kPairs; ++p) {
      starters.emplace_back([&] {
        EndingThread ender;
        start_here_end_there(provider->tracer(), ender, kSpans, kPerHandOff);
      });
    }
    for (auto& t : starters) {
      t.join();
    }
  }
  const auto after = span_data_pool_stats();

  const TracerStats stats = provider->stats();
  EXPECT_EQ(stats.spans_started, std::uint64_t{kPairs * kSpans});
  // As in the single-pair test, plus the stocks of the other pairs' threads.
  constexpr std::uint64_t kPerPair = 3 * kPerHandOff + 2 * kThreadSpanDataCapacity;
  EXPECT_LE(after.fresh_allocations - before.fresh_allocations,
            kQueue + kBatch + kPairs * kPerPair);

  gate->open_now();
  ASSERT_TRUE(provider->shutdown(5s));
}

}  // namespace
}  // namespace edaobs::telemetry
