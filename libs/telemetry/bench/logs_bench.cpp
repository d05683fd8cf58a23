// Cost of a log call on the caller's thread (docs/architecture.md §5: async log call <= 250 ns
// p50). Lines go to /dev/null through the real file writer, so the worker does real write(2)s.
//
// The producer is paced: every kPaceEvery calls the timer pauses until the queue is empty, so
// every timed call is an accepted line (a dropped call is far cheaper and would flatter the
// figures; dropped_fraction is reported to prove it stays 0) while the worker runs alongside,
// as in an agent that logs at a rate its worker sustains. Besides the mean per call, p50/p99 of
// single calls are reported (the cost of the two clock reads around each call subtracted).
//
// The *OtlpOn variants run the same calls with the OTLP log exporter on (its records encoded and
// handed to a discarding sink instead of the network): the caller's cost must not change, since
// the hand-over happens on the logging worker.
//
// BM_LogCallSteadyRate logs at a fixed rate instead, as an agent does (one line per event), and
// also reports what the logging worker costs per line (process CPU minus the calling thread's)
// and how many lines share one write: the costs a per-line wake-up would add.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <time.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/null_sink.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/sdk/logs/log_writer.h"
#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kPaceEvery = 512;  // well below the default queue_size of 4096

SpanContext bench_context() {
  SpanContext context;
  for (std::size_t i = 0; i < context.trace_id.bytes.size(); ++i) {
    context.trace_id.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  }
  for (std::size_t i = 0; i < context.span_id.bytes.size(); ++i) {
    context.span_id.bytes[i] = static_cast<std::uint8_t>(0x10 + i);
  }
  context.trace_flags = kTraceFlagSampled;
  return context;
}

LoggerOptions bench_options() {
  LoggerOptions options;
  options.service = "bench-agent";
  options.output = "/dev/null";
  options.masked_keys = {"password"};
  return options;
}

// With the OTLP log exporter on when `otlp` (state.range(0) of the variants).
LoggerOptions bench_options(bool otlp) {
  LoggerOptions options = bench_options();
  if (otlp) {
    OtlpLogExporterOptions exporter;
    exporter.body_sink = [](std::string_view body) { return !body.empty(); };
    options.otlp_exporter =
        std::make_shared<OtlpLogExporter>(exporter, Resource{}, options.masked_keys);
  }
  return options;
}

// Waits until the logger and, when on, the OTLP exporter have taken everything.
void settle(Logger& logger, const LoggerOptions& options) {
  logger.flush();
  if (options.otlp_exporter) {
    options.otlp_exporter->force_flush(std::chrono::seconds(10));
  }
}

// Median cost of an empty pair of clock reads, subtracted from each sample.
double timer_overhead_ns() {
  std::vector<std::int64_t> samples(10'000);
  for (auto& sample : samples) {
    const auto start = Clock::now();
    const auto end = Clock::now();
    sample = std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count();
  }
  std::nth_element(samples.begin(), samples.begin() + 5'000, samples.end());
  return static_cast<double>(samples[5'000]);
}

void report_percentiles(benchmark::State& state, std::vector<std::int64_t>& samples) {
  if (samples.empty()) {
    return;
  }
  const double overhead = timer_overhead_ns();
  const auto at = [&](double quantile) {
    const auto index = static_cast<std::size_t>(quantile * static_cast<double>(samples.size() - 1));
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index),
                     samples.end());
    return std::max(0.0, static_cast<double>(samples[index]) - overhead);
  };
  state.counters["p50_ns"] = at(0.50);
  state.counters["p90_ns"] = at(0.90);
  state.counters["p99_ns"] = at(0.99);
  state.counters["timer_overhead_ns"] = overhead;
}

void report_drops(benchmark::State& state, const Logger& logger, std::int64_t calls) {
  state.counters["dropped_fraction"] = static_cast<double>(logger.dropped_lines()) /
                                       static_cast<double>(std::max<std::int64_t>(calls, 1));
}

void log_one(Logger& logger, std::int64_t i) {
  logger.info("event processed", {{"event_id", "6f1c2d3e-0001"},
                                  {"event_type", "order.created"},
                                  {"duration_ms", 1.75},
                                  {"partition", i}});
}

// The target case: INFO with 4 fields (three promoted, one extra) under an active span.
void BM_LogCall4FieldsActiveSpan(benchmark::State& state) {
  const LoggerOptions options = bench_options(state.range(0) != 0);
  Logger logger(options);
  const SpanContext context = bench_context();
  const ActiveContextScope scope(context);
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 21);
  std::int64_t i = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    log_one(logger, i);
    const auto end = Clock::now();
    if (samples.size() < samples.capacity()) {
      samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
    }
    if (++i % kPaceEvery == 0) {
      state.PauseTiming();
      settle(logger, options);
      state.ResumeTiming();
    }
  }
  settle(logger, options);
  report_percentiles(state, samples);
  report_drops(state, logger, i);
}
BENCHMARK(BM_LogCall4FieldsActiveSpan)->ArgName("OtlpOn")->Arg(0)->Arg(1);

// Mean of the same call without per-call clock reads.
void BM_LogCall4FieldsActiveSpanMean(benchmark::State& state) {
  const LoggerOptions options = bench_options(state.range(0) != 0);
  Logger logger(options);
  const SpanContext context = bench_context();
  const ActiveContextScope scope(context);
  std::int64_t i = 0;
  for (auto _ : state) {
    log_one(logger, i);
    if (++i % kPaceEvery == 0) {
      state.PauseTiming();
      settle(logger, options);
      state.ResumeTiming();
    }
  }
  settle(logger, options);
  report_drops(state, logger, i);
}
BENCHMARK(BM_LogCall4FieldsActiveSpanMean)->ArgName("OtlpOn")->Arg(0)->Arg(1);

// Lines to /dev/null through the real file writer, counting the write calls.
class CountingNullWriter final : public LogWriter {
 public:
  void write(std::string_view lines) override {
    null_->write(lines);
    writes_.fetch_add(1, std::memory_order_relaxed);
  }
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_.load(); }

 private:
  std::shared_ptr<LogWriter> null_ = make_output_writer("/dev/null");
  std::atomic<std::uint64_t> writes_{0};
};

double cpu_time_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// One line every state.range(0) ns (20'000 = 50k lines/s, the processor's event rate), paced by
// spinning, so the worker sleeps between lines exactly as much as it would in an agent.
void BM_LogCallSteadyRate(benchmark::State& state) {
  const std::chrono::nanoseconds interval(state.range(0));
  auto writer = std::make_shared<CountingNullWriter>();
  LoggerOptions options = bench_options();
  options.writer = writer;
  Logger logger(options);
  const SpanContext context = bench_context();
  const ActiveContextScope scope(context);
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 20);
  std::int64_t i = 0;
  const double process_start = cpu_time_ns(CLOCK_PROCESS_CPUTIME_ID);
  const double thread_start = cpu_time_ns(CLOCK_THREAD_CPUTIME_ID);
  auto next = Clock::now();
  for (auto _ : state) {
    const auto start = Clock::now();
    log_one(logger, i++);
    const auto end = Clock::now();
    if (samples.size() < samples.capacity()) {
      samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
    }
    next += interval;
    while (Clock::now() < next) {
    }
  }
  logger.flush();
  const double worker_cpu = (cpu_time_ns(CLOCK_PROCESS_CPUTIME_ID) - process_start) -
                            (cpu_time_ns(CLOCK_THREAD_CPUTIME_ID) - thread_start);
  const auto lines = static_cast<double>(std::max<std::int64_t>(i, 1));
  state.counters["worker_cpu_ns_per_line"] = worker_cpu / lines;
  state.counters["lines_per_write"] =
      lines / static_cast<double>(std::max<std::uint64_t>(writer->writes(), 1));
  report_percentiles(state, samples);
  report_drops(state, logger, i);
}
BENCHMARK(BM_LogCallSteadyRate)->Arg(20'000)->Arg(100'000)->Unit(benchmark::kMicrosecond);

// A call below the configured level: what disabled DEBUG lines cost an agent.
void BM_LogCallFilteredOut(benchmark::State& state) {
  Logger logger(bench_options());
  for (auto _ : state) {
    logger.debug("not written", {{"event_id", "x"}, {"n", 1}});
  }
}
BENCHMARK(BM_LogCallFilteredOut);

// For comparison: posting a ready payload of our records' size (~190 bytes) through spdlog 1.10's
// own async logger to a null sink, same pacing. Its queue is a mutex and a condition variable
// signalled on every line, which is why the Logger queues into its own ring instead.
void BM_SpdlogAsyncPostFloor(benchmark::State& state) {
  auto pool = std::make_shared<spdlog::details::thread_pool>(4096, 1);
  auto logger = std::make_shared<spdlog::async_logger>(
      "floor", std::make_shared<spdlog::sinks::null_sink_mt>(), pool,
      spdlog::async_overflow_policy::overrun_oldest);
  const std::string payload(190, 'x');
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 21);
  std::int64_t i = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    logger->log(std::chrono::system_clock::now(), spdlog::source_loc{}, spdlog::level::info,
                spdlog::string_view_t(payload.data(), payload.size()));
    const auto end = Clock::now();
    if (samples.size() < samples.capacity()) {
      samples.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count());
    }
    if (++i % kPaceEvery == 0) {
      state.PauseTiming();
      while (pool->queue_size() != 0) {
        std::this_thread::yield();
      }
      state.ResumeTiming();
    }
  }
  report_percentiles(state, samples);
  state.counters["dropped_fraction"] = static_cast<double>(pool->overrun_counter()) /
                                       static_cast<double>(std::max<std::int64_t>(i, 1));
}
BENCHMARK(BM_SpdlogAsyncPostFloor);

}  // namespace
}  // namespace edaobs::telemetry

BENCHMARK_MAIN();
