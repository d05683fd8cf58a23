// Hot-path and scrape costs of the metric registry. Targets (docs/architecture.md §5): bound
// counter ≤ 5 ns, bound histogram observe ≤ 15 ns, rendering 10k series ≤ 5 ms.
#include <string>

#include <benchmark/benchmark.h>

#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

SpanContext make_context(bool sampled) {
  SpanContext context;
  for (std::size_t i = 0; i < 16; ++i) context.trace_id.bytes[i] = static_cast<std::uint8_t>(i + 1);
  for (std::size_t i = 0; i < 8; ++i) context.span_id.bytes[i] = static_cast<std::uint8_t>(i + 1);
  context.trace_flags = sampled ? kTraceFlagSampled : 0;
  return context;
}

Registry& shared_registry() {
  static Registry registry({{"service", "bench"}});
  return registry;
}

void BM_CounterInc(benchmark::State& state) {
  Counter& counter = shared_registry()
                         .counter("bench_events_total", "h", {"event_type", "source", "success"})
                         .with({"order.created", "agent1", "true"});
  for (auto _ : state) counter.inc();
  benchmark::DoNotOptimize(counter.whole_part());
}
BENCHMARK(BM_CounterInc);
BENCHMARK(BM_CounterInc)->Threads(2);  // two cores hammering one cache line

void BM_CounterIncFraction(benchmark::State& state) {
  Counter& counter = shared_registry().counter("bench_seconds_total", "h").with({});
  for (auto _ : state) counter.inc(0.25);
  benchmark::DoNotOptimize(counter.value());
}
BENCHMARK(BM_CounterIncFraction);

void BM_GaugeSet(benchmark::State& state) {
  Gauge& gauge = shared_registry().gauge("bench_queue_depth", "h").with({});
  double v = 0;
  for (auto _ : state) gauge.set(v += 1.0);
  benchmark::DoNotOptimize(gauge.value());
}
BENCHMARK(BM_GaugeSet);

Histogram& bench_histogram() {
  return shared_registry()
      .histogram("bench_duration_seconds", "h", {"event_type", "source"})
      .with({"order.created", "agent1"});
}

// Values spread over the default buckets, as real latencies would be.
constexpr double kValues[8] = {0.003, 0.007, 0.02, 0.04, 0.08, 0.2, 0.4, 3.0};

void BM_HistogramObserve(benchmark::State& state) {
  Histogram& histogram = bench_histogram();
  std::size_t i = 0;
  for (auto _ : state) histogram.observe(kValues[i++ & 7]);
  benchmark::DoNotOptimize(histogram.sum());
}
BENCHMARK(BM_HistogramObserve);

void BM_HistogramObserveUnsampledSpan(benchmark::State& state) {
  Histogram& histogram = bench_histogram();
  const SpanContext context = make_context(false);
  ActiveContextScope scope(context);
  std::size_t i = 0;
  for (auto _ : state) histogram.observe(kValues[i++ & 7]);
  benchmark::DoNotOptimize(histogram.sum());
}
BENCHMARK(BM_HistogramObserveUnsampledSpan);

void BM_HistogramObserveSampledSpan(benchmark::State& state) {
  Histogram& histogram = bench_histogram();
  const SpanContext context = make_context(true);
  ActiveContextScope scope(context);
  std::size_t i = 0;
  for (auto _ : state) histogram.observe(kValues[i++ & 7]);
  benchmark::DoNotOptimize(histogram.sum());
}
BENCHMARK(BM_HistogramObserveSampledSpan);

void BM_LabelledLookup(benchmark::State& state) {
  auto& family = shared_registry().counter("bench_lookup_total", "h", {"event_type", "source"});
  for (int i = 0; i < 100; ++i) family.with({"type." + std::to_string(i), "agent1"});
  const std::string event_type = "type.42";
  for (auto _ : state) benchmark::DoNotOptimize(&family.with({event_type, "agent1"}));
}
BENCHMARK(BM_LabelledLookup);

// 10k series: 10k sample lines, every one with the constant `service` label and two more.
void fill_counters(Registry& registry, int series) {
  auto& family = registry.counter("bench_render_total", "Rendered.", {"event_type", "partition"});
  for (int i = 0; i < series; ++i) {
    family.with({"type." + std::to_string(i / 100), std::to_string(i % 100)}).inc(i);
  }
}

void BM_Render10kCounterSeries(benchmark::State& state) {
  Registry registry({{"service", "bench"}});
  fill_counters(registry, 10'000);
  const auto format = static_cast<ExpositionFormat>(state.range(0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = registry.render(format);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Render10kCounterSeries)
    ->Arg(static_cast<int>(ExpositionFormat::kPrometheusText004))
    ->Arg(static_cast<int>(ExpositionFormat::kOpenMetrics100))
    ->Unit(benchmark::kMillisecond);

// A mix closer to an agent's: counters, gauges and histograms (each histogram series is 14
// lines with the default buckets) adding up to ~10k lines, exemplars on every histogram.
void BM_Render10kMixedSeries(benchmark::State& state) {
  Registry registry({{"service", "bench"}});
  fill_counters(registry, 5'000);
  auto& gauges = registry.gauge("bench_render_lag", "Lag.", {"topic", "partition"});
  for (int i = 0; i < 2'000; ++i)
    gauges.with({"topic" + std::to_string(i / 50), std::to_string(i % 50)}).set(i);
  auto& histograms = registry.histogram("bench_render_seconds", "Latency.", {"event_type"});
  const SpanContext context = make_context(true);
  for (int i = 0; i < 215; ++i) {  // 215 * 14 = 3010 lines
    Histogram& histogram = histograms.with({"type." + std::to_string(i)});
    for (double v : kValues) histogram.observe(v, context);
  }
  const auto format = static_cast<ExpositionFormat>(state.range(0));
  for (auto _ : state) {
    const std::string text = registry.render(format);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_Render10kMixedSeries)
    ->Arg(static_cast<int>(ExpositionFormat::kPrometheusText004))
    ->Arg(static_cast<int>(ExpositionFormat::kOpenMetrics100))
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace edaobs::telemetry

BENCHMARK_MAIN();
