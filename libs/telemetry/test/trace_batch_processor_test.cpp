// Batch span processor: queue-full accounting, scheduled and batch-size exports, flush and
// shutdown semantics, failures, cancellation, and many producers at once.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/testing/in_memory_span_exporter.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

// Records spans like InMemorySpanExporter but can hold the worker inside export_spans until the
// test releases it, and can fail on demand.
class ControlledExporter final : public SpanExporter {
 public:
  struct Control {
    std::mutex mutex;
    std::condition_variable changed;
    bool blocking = false;
    bool fail = false;
    bool block_until_cancel = false;
    bool cancelled = false;
    int exports_entered = 0;
    std::vector<std::string> names;

    void release() {
      {
        std::lock_guard lock(mutex);
        blocking = false;
      }
      changed.notify_all();
    }
    bool wait_entered(int count, std::chrono::milliseconds timeout) {
      std::unique_lock lock(mutex);
      return changed.wait_for(lock, timeout, [&] { return exports_entered >= count; });
    }
    std::vector<std::string> received() {
      std::lock_guard lock(mutex);
      return names;
    }
  };

  explicit ControlledExporter(std::shared_ptr<Control> control) : control_(std::move(control)) {}

  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point deadline) override {
    std::unique_lock lock(control_->mutex);
    ++control_->exports_entered;
    control_->changed.notify_all();
    if (control_->block_until_cancel) {
      control_->changed.wait_until(lock, deadline, [&] { return control_->cancelled; });
      return ExportResult::kFailure;
    }
    control_->changed.wait(lock, [&] { return !control_->blocking; });
    if (control_->fail) {
      return ExportResult::kFailure;
    }
    for (const auto& span : batch) {
      control_->names.push_back(span->name);
    }
    return ExportResult::kSuccess;
  }

  void cancel() noexcept override {
    {
      std::lock_guard lock(control_->mutex);
      control_->cancelled = true;
    }
    control_->changed.notify_all();
  }

 private:
  std::shared_ptr<Control> control_;
};

TracerProviderOptions options_with(std::size_t queue, std::size_t batch,
                                   std::chrono::milliseconds delay) {
  TracerProviderOptions options;
  options.service_name = "bsp-test";
  options.batch.max_queue_size = queue;
  options.batch.max_export_batch_size = batch;
  options.batch.schedule_delay = delay;
  return options;
}

// Built with append: GCC 12 reports a false -Wrestrict for "literal" + std::string.
std::string numbered(std::string_view prefix, int i) {
  return std::string(prefix).append(std::to_string(i));
}

void end_spans(Tracer& tracer, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    Span span = tracer.start_span(numbered("span-", i));
  }
}

void expect_accounting_identity(const TracerStats& s) {
  EXPECT_EQ(s.spans_ended,
            s.spans_exported + s.spans_failed + s.spans_dropped + s.queue_size + s.in_flight);
}

TEST(BatchSpanProcessorTest, QueueFullDropsAndCountsWithoutBlocking) {
  auto control = std::make_shared<ControlledExporter::Control>();
  control->blocking = true;
  TracerProvider provider(options_with(8, 4, 1h), std::make_unique<ControlledExporter>(control));

  end_spans(provider.tracer(), 0, 4);  // a full batch wakes the worker, which blocks in export
  ASSERT_TRUE(control->wait_entered(1, 5s));

  const auto start = std::chrono::steady_clock::now();
  end_spans(provider.tracer(), 4, 20);  // 8 fit in the queue, 12 are dropped
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "ending spans must not block";

  TracerStats stats = provider.stats();
  EXPECT_EQ(stats.spans_started, 24U);
  EXPECT_EQ(stats.spans_ended, 24U);
  EXPECT_EQ(stats.in_flight, 4U);
  EXPECT_EQ(stats.queue_size, 8U);
  EXPECT_EQ(stats.spans_dropped, 12U);
  EXPECT_EQ(stats.spans_exported, 0U);
  expect_accounting_identity(stats);

  control->release();
  ASSERT_TRUE(provider.shutdown(5s));
  stats = provider.stats();
  EXPECT_EQ(stats.spans_exported, 12U);
  EXPECT_EQ(stats.queue_size, 0U);
  EXPECT_EQ(stats.in_flight, 0U);
  EXPECT_EQ(stats.spans_started, stats.spans_exported + stats.spans_dropped);
  expect_accounting_identity(stats);

  std::vector<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    expected.push_back(numbered("span-", i));
  }
  EXPECT_EQ(control->received(), expected);
}

TEST(BatchSpanProcessorTest, ShutdownExportsEverythingQueuedAndIsIdempotent) {
  auto store = std::make_shared<InMemorySpanStore>();
  TracerProvider provider(options_with(2048, 512, 1h),
                          std::make_unique<InMemorySpanExporter>(store));
  end_spans(provider.tracer(), 0, 100);  // below the batch size, long before the timer
  EXPECT_EQ(store->size(), 0U);
  EXPECT_TRUE(provider.shutdown(5s));
  EXPECT_EQ(store->size(), 100U);
  EXPECT_TRUE(provider.shutdown(5s));

  end_spans(provider.tracer(), 100, 3);  // after shutdown: dropped and counted
  const TracerStats stats = provider.stats();
  EXPECT_EQ(stats.spans_exported, 100U);
  EXPECT_EQ(stats.spans_dropped, 3U);
  EXPECT_EQ(stats.spans_started, 103U);
  expect_accounting_identity(stats);
  EXPECT_TRUE(provider.force_flush(1s));
}

TEST(BatchSpanProcessorTest, DestructorShutsDownAndExports) {
  auto store = std::make_shared<InMemorySpanStore>();
  {
    TracerProvider provider(options_with(2048, 512, 1h),
                            std::make_unique<InMemorySpanExporter>(store));
    end_spans(provider.tracer(), 0, 7);
  }
  EXPECT_EQ(store->size(), 7U);
}

TEST(BatchSpanProcessorTest, ScheduledDelayExportsAPartialBatch) {
  auto store = std::make_shared<InMemorySpanStore>();
  TracerProvider provider(options_with(2048, 512, 20ms),
                          std::make_unique<InMemorySpanExporter>(store));
  end_spans(provider.tracer(), 0, 3);
  EXPECT_TRUE(store->wait_for_size(3, 5s));
}

TEST(BatchSpanProcessorTest, AFullBatchIsExportedBeforeTheTimer) {
  auto store = std::make_shared<InMemorySpanStore>();
  TracerProvider provider(options_with(64, 10, 1h), std::make_unique<InMemorySpanExporter>(store));
  end_spans(provider.tracer(), 0, 10);
  EXPECT_TRUE(store->wait_for_size(10, 5s));
}

TEST(BatchSpanProcessorTest, ForceFlushExportsAndReportsTimeout) {
  auto control = std::make_shared<ControlledExporter::Control>();
  TracerProvider provider(options_with(64, 32, 1h), std::make_unique<ControlledExporter>(control));
  end_spans(provider.tracer(), 0, 5);
  EXPECT_TRUE(provider.force_flush(5s));
  EXPECT_EQ(control->received().size(), 5U);

  {
    std::lock_guard lock(control->mutex);
    control->blocking = true;
  }
  end_spans(provider.tracer(), 5, 1);
  EXPECT_FALSE(provider.force_flush(50ms));  // the exporter is stuck
  control->release();
  EXPECT_TRUE(provider.force_flush(5s));
  EXPECT_EQ(control->received().size(), 6U);
}

TEST(BatchSpanProcessorTest, FailedExportsAreCounted) {
  auto control = std::make_shared<ControlledExporter::Control>();
  control->fail = true;
  TracerProvider provider(options_with(64, 4, 1h), std::make_unique<ControlledExporter>(control));
  end_spans(provider.tracer(), 0, 10);
  ASSERT_TRUE(provider.force_flush(5s));
  const TracerStats stats = provider.stats();
  EXPECT_EQ(stats.spans_failed, 10U);
  EXPECT_GE(stats.export_failures, 3U);  // at least ceil(10 / 4) batches
  EXPECT_EQ(stats.spans_exported, 0U);
  expect_accounting_identity(stats);
}

TEST(BatchSpanProcessorTest, ShutdownTimeoutCancelsAStuckExporter) {
  auto control = std::make_shared<ControlledExporter::Control>();
  control->block_until_cancel = true;
  TracerProviderOptions options = options_with(64, 4, 1h);
  options.batch.export_timeout = 60s;
  TracerProvider provider(options, std::make_unique<ControlledExporter>(control));
  end_spans(provider.tracer(), 0, 12);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(provider.shutdown(100ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  const TracerStats stats = provider.stats();
  EXPECT_EQ(stats.spans_failed, 12U);
  EXPECT_EQ(stats.queue_size, 0U);
  expect_accounting_identity(stats);
}

TEST(BatchSpanProcessorTest, ManyProducersLoseNothingUnaccounted) {
  auto control = std::make_shared<ControlledExporter::Control>();
  TracerProvider provider(options_with(256, 64, 1ms),
                          std::make_unique<ControlledExporter>(control));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Span span = provider.tracer().start_span(numbered(numbered("p", t) + "-", i));
        span.set_attribute("i", i);
      }
    });
  }
  for (auto& p : producers) {
    p.join();
  }
  ASSERT_TRUE(provider.shutdown(10s));
  const TracerStats stats = provider.stats();
  EXPECT_EQ(stats.spans_started, std::uint64_t{kThreads * kPerThread});
  EXPECT_EQ(stats.spans_started, stats.spans_exported + stats.spans_dropped);
  expect_accounting_identity(stats);
  const auto names = control->received();
  EXPECT_EQ(names.size(), stats.spans_exported);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size())
      << "a span was exported twice";
}

TEST(BatchSpanProcessorTest, RejectsInvalidOptions) {
  auto make = [](BatchSpanProcessorOptions o) {
    return BatchSpanProcessor(
        o, std::make_unique<InMemorySpanExporter>(std::make_shared<InMemorySpanStore>()));
  };
  EXPECT_THROW(make({.max_queue_size = 0}), std::invalid_argument);
  EXPECT_THROW(make({.max_export_batch_size = 0}), std::invalid_argument);
  EXPECT_THROW(make({.export_timeout = std::chrono::milliseconds(0)}), std::invalid_argument);
}

}  // namespace
}  // namespace edaobs::telemetry
