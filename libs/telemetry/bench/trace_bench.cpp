// Tracing hot paths. Targets (docs/architecture.md §5): sampled span start+end with 6 attributes ≤
// 300 ns, unsampled ≤ 20 ns, traceparent inject ≤ 60 ns, extract+validate ≤ 100 ns.
//
// Spans go through the real batch processor into an exporter that discards, so the figures
// include queueing and buffer recycling. The worker must keep up for the sampled figure to be
// honest (a dropped span skips part of the work), so each sampled benchmark reports the share of
// spans dropped ("dropped_ratio"); the *LargeQueue variant gives the worker more slack.
//
// The *CrossThread and *QueueFull benchmarks reproduce an agent's "send" span (started on the
// consuming thread, ended on librdkafka's delivery-report thread) and a dead Collector (exporter
// failing slowly, queue full, spans dropped). They measure process CPU time, so the ending thread
// and the worker count too, and report heap allocations per span ("allocs_per_span").
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/propagation.h"

// Every operator new in this program is counted, so a benchmark can report allocations per span.
// Kept out of line: inlined, GCC would see malloc'ed memory reach `delete` and warn.
namespace {
std::atomic<std::uint64_t> g_allocations{0};
}  // namespace

[[gnu::noinline]] void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t /*size*/) noexcept { std::free(p); }

namespace edaobs::telemetry {
namespace {

class DiscardingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(SpanBatch batch,
                            std::chrono::steady_clock::time_point /*deadline*/) override {
    benchmark::DoNotOptimize(batch.data());
    return ExportResult::kSuccess;
  }
};

std::unique_ptr<TracerProvider> make_provider(const SamplerOptions& sampler,
                                              std::size_t queue_size) {
  TracerProviderOptions options;
  options.service_name = "bench";
  options.sampler = sampler;
  options.batch.max_queue_size = queue_size;
  return std::make_unique<TracerProvider>(options, std::make_unique<DiscardingExporter>());
}

void report_drops(benchmark::State& state, const TracerProvider& provider,
                  const TracerStats& before) {
  const TracerStats after = provider.stats();
  const auto started = static_cast<double>(after.spans_started - before.spans_started);
  const auto dropped = static_cast<double>(after.spans_dropped - before.spans_dropped);
  state.counters["dropped_ratio"] = started > 0 ? dropped / started : 0.0;
}

// A consumer span as an agent records it: six messaging/event attributes.
void set_six_attributes(Span& span, std::int64_t offset) {
  span.set_attribute("messaging.system", "kafka");
  span.set_attribute("messaging.operation.type", "process");
  span.set_attribute("messaging.destination.name", "orders");
  span.set_attribute("messaging.destination.partition.id", "3");
  span.set_attribute("messaging.kafka.offset", offset);
  span.set_attribute("event.type", "order.created");
}

void span_with_six_attributes(Tracer& tracer, std::int64_t offset) {
  Span span = tracer.start_span("process orders", SpanKind::kConsumer);
  set_six_attributes(span, offset);
}

void run_sampled(benchmark::State& state, std::size_t queue_size) {
  auto provider = make_provider(SamplerOptions{}, queue_size);
  Tracer& tracer = provider->tracer();
  const TracerStats before = provider->stats();
  std::int64_t offset = 0;
  for (auto _ : state) {
    span_with_six_attributes(tracer, ++offset);
  }
  report_drops(state, *provider, before);
  provider->shutdown();
}

void BM_SpanSampledSixAttributes(benchmark::State& state) { run_sampled(state, 2048); }
BENCHMARK(BM_SpanSampledSixAttributes);

void BM_SpanSampledSixAttributesLargeQueue(benchmark::State& state) { run_sampled(state, 16384); }
BENCHMARK(BM_SpanSampledSixAttributesLargeQueue);

// The consumer path of an agent: StartSpanOptions with the extracted remote parent.
void BM_SpanSampledSixAttributesRemoteParent(benchmark::State& state) {
  auto provider = make_provider(SamplerOptions{}, 2048);
  Tracer& tracer = provider->tracer();
  const SpanContext parent =
      *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const TracerStats before = provider->stats();
  std::int64_t offset = 0;
  for (auto _ : state) {
    Span span =
        tracer.start_span("process orders", {.kind = SpanKind::kConsumer, .parent = parent});
    set_six_attributes(span, ++offset);
  }
  report_drops(state, *provider, before);
  provider->shutdown();
}
BENCHMARK(BM_SpanSampledSixAttributesRemoteParent);

void BM_SpanSampledNoAttributes(benchmark::State& state) {
  auto provider = make_provider(SamplerOptions{}, 2048);
  Tracer& tracer = provider->tracer();
  const TracerStats before = provider->stats();
  for (auto _ : state) {
    Span span = tracer.start_span("empty");
  }
  report_drops(state, *provider, before);
  provider->shutdown();
}
BENCHMARK(BM_SpanSampledNoAttributes);

// A Collector that is down: every export fails after a while (a connect timeout or a retry
// back-off), so the queue stays full and nearly every span is dropped.
class SlowFailingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(SpanBatch /*batch*/,
                            std::chrono::steady_clock::time_point /*deadline*/) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return ExportResult::kFailure;
  }
};

std::unique_ptr<TracerProvider> make_dead_collector_provider() {
  TracerProviderOptions options;
  options.service_name = "bench";
  return std::make_unique<TracerProvider>(options, std::make_unique<SlowFailingExporter>());
}

void report_allocations(benchmark::State& state, std::uint64_t allocations_before) {
  const auto allocations =
      static_cast<double>(g_allocations.load(std::memory_order_relaxed) - allocations_before);
  state.counters["allocs_per_span"] =
      state.iterations() > 0 ? allocations / static_cast<double>(state.iterations()) : 0.0;
}

// Hands spans from the benchmark thread to an ending thread, a batch at a time (as a producer's
// delivery reports arrive in bursts). The two batch vectors are swapped, never reallocated, so the
// hand-off itself does not allocate.
class SpanEnder {
 public:
  static constexpr std::size_t kBatch = 256;

  SpanEnder() {
    filling_.reserve(kBatch);
    handed_.reserve(kBatch);
    thread_ = std::thread([this] { run(); });
  }
  ~SpanEnder() {
    hand_off();
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  SpanEnder(const SpanEnder&) = delete;
  SpanEnder& operator=(const SpanEnder&) = delete;

  void end_elsewhere(Span span) {
    filling_.push_back(std::move(span));
    if (filling_.size() == kBatch) {
      hand_off();
    }
  }

 private:
  void hand_off() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return handed_.empty(); });
    handed_.swap(filling_);
    changed_.notify_all();
  }

  void run() {
    std::vector<Span> ending;
    ending.reserve(kBatch);
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || !handed_.empty(); });
        if (handed_.empty()) {
          return;
        }
        ending.swap(handed_);
      }
      changed_.notify_all();
      ending.clear();  // ends every span on this thread
    }
  }

  std::vector<Span> filling_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Span> handed_;
  bool stop_ = false;
  std::thread thread_;
};

void run_cross_thread(benchmark::State& state, TracerProvider& provider) {
  Tracer& tracer = provider.tracer();
  const TracerStats before = provider.stats();
  std::uint64_t allocations_before = 0;
  {
    SpanEnder ender;
    allocations_before = g_allocations.load(std::memory_order_relaxed);
    std::int64_t offset = 0;
    for (auto _ : state) {
      Span span = tracer.start_span("send orders", SpanKind::kProducer);
      set_six_attributes(span, ++offset);
      ender.end_elsewhere(std::move(span));
    }
  }
  report_allocations(state, allocations_before);
  report_drops(state, provider, before);
  provider.shutdown();
}

// Started on this thread, ended on another; the worker keeps up.
void BM_SpanCrossThread(benchmark::State& state) {
  auto provider = make_provider(SamplerOptions{}, 2048);
  run_cross_thread(state, *provider);
}
BENCHMARK(BM_SpanCrossThread)->MeasureProcessCPUTime()->UseRealTime();

// Started on this thread, ended on another, with the Collector down: almost every span is dropped.
void BM_SpanCrossThreadQueueFull(benchmark::State& state) {
  auto provider = make_dead_collector_provider();
  run_cross_thread(state, *provider);
}
BENCHMARK(BM_SpanCrossThreadQueueFull)->MeasureProcessCPUTime()->UseRealTime();

// Started and ended on this thread with the Collector down: the dropped span must be cheap.
void BM_SpanQueueFull(benchmark::State& state) {
  auto provider = make_dead_collector_provider();
  Tracer& tracer = provider->tracer();
  const TracerStats before = provider->stats();
  const std::uint64_t allocations_before = g_allocations.load(std::memory_order_relaxed);
  std::int64_t offset = 0;
  for (auto _ : state) {
    span_with_six_attributes(tracer, ++offset);
  }
  report_allocations(state, allocations_before);
  report_drops(state, *provider, before);
  provider->shutdown();
}
BENCHMARK(BM_SpanQueueFull)->MeasureProcessCPUTime()->UseRealTime();

void BM_SpanUnsampled(benchmark::State& state) {
  auto provider = make_provider(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = true}, 2048);
  Tracer& tracer = provider->tracer();
  for (auto _ : state) {
    Span span = tracer.start_span("process orders");
    benchmark::DoNotOptimize(span.context().span_id);
  }
}
BENCHMARK(BM_SpanUnsampled);

// Unsampled with the six attribute calls: each must be a cheap no-op.
void BM_SpanUnsampledSixAttributes(benchmark::State& state) {
  auto provider = make_provider(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = true}, 2048);
  Tracer& tracer = provider->tracer();
  std::int64_t offset = 0;
  for (auto _ : state) {
    span_with_six_attributes(tracer, ++offset);
  }
}
BENCHMARK(BM_SpanUnsampledSixAttributes);

SpanContext sample_context() {
  return *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

void BM_Inject(benchmark::State& state) {
  const SpanContext context = sample_context();
  HeaderMapCarrier carrier;
  inject(context, carrier);  // the header exists afterwards: steady state replaces its value
  for (auto _ : state) {
    inject(context, carrier);
    benchmark::DoNotOptimize(carrier.headers().data());
  }
}
BENCHMARK(BM_Inject);

void BM_FormatTraceparent(benchmark::State& state) {
  const SpanContext context = sample_context();
  char out[kTraceparentSize];
  for (auto _ : state) {
    format_traceparent(context, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_FormatTraceparent);

void BM_ExtractValidate(benchmark::State& state) {
  HeaderMapCarrier carrier;
  inject(sample_context(), carrier);
  for (auto _ : state) {
    auto context = extract(carrier);
    benchmark::DoNotOptimize(context);
  }
}
BENCHMARK(BM_ExtractValidate);

// A CloudEvents record: traceparent after six other headers, so the lookup is part of the cost.
void BM_ExtractFromEventHeaders(benchmark::State& state) {
  HeaderMapCarrier carrier(HeaderList{{"ce_specversion", "1.0"},
                                      {"ce_id", "5c1b0a7e-1f3d-4e59-9d0c-0b6f3b4f7d21"},
                                      {"ce_source", "agent1"},
                                      {"ce_type", "order.created"},
                                      {"ce_time", "2024-05-01T12:00:00Z"},
                                      {"content-type", "application/json"}});
  inject(sample_context(), carrier);
  for (auto _ : state) {
    auto context = extract(carrier);
    benchmark::DoNotOptimize(context);
  }
}
BENCHMARK(BM_ExtractFromEventHeaders);

void BM_ParseTraceparentInvalid(benchmark::State& state) {
  const std::string value = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
  for (auto _ : state) {
    auto context = parse_traceparent(value);
    benchmark::DoNotOptimize(context);
  }
}
BENCHMARK(BM_ParseTraceparentInvalid);

}  // namespace
}  // namespace edaobs::telemetry

BENCHMARK_MAIN();
