// Histogram bucket maths and exemplar capture.
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <thread>

#include <gtest/gtest.h>

#include "edaobs/telemetry/metrics/histogram.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

SpanContext make_context(std::uint8_t seed, bool sampled) {
  SpanContext context;
  for (std::size_t i = 0; i < context.trace_id.bytes.size(); ++i) {
    context.trace_id.bytes[i] = static_cast<std::uint8_t>(seed + i);
  }
  for (std::size_t i = 0; i < context.span_id.bytes.size(); ++i) {
    context.span_id.bytes[i] = static_cast<std::uint8_t>(seed + 0x40 + i);
  }
  context.trace_flags = sampled ? kTraceFlagSampled : 0;
  return context;
}

TEST(MetricsHistogram, DefaultBucketsArePrometheusDefaults) {
  EXPECT_EQ(default_buckets(),
            (std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}));
  EXPECT_EQ(linear_buckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
  EXPECT_EQ(exponential_buckets(1, 10, 3), (std::vector<double>{1, 10, 100}));
  EXPECT_THROW(static_cast<void>(exponential_buckets(0, 2, 3)), std::invalid_argument);
}

TEST(MetricsHistogram, UpperBoundsAreInclusive) {
  const std::vector<double> bounds{1.0, 2.0, 5.0};
  Histogram histogram(bounds);
  histogram.observe(1.0);  // exactly on a bound: counts in le="1"
  histogram.observe(1.0000001);
  histogram.observe(2.0);
  histogram.observe(-3.0);  // below every bound: first bucket
  histogram.observe(5.0);
  histogram.observe(7.0);  // above every bound: +Inf only
  EXPECT_EQ(histogram.bucket_count(0), 2U);
  EXPECT_EQ(histogram.bucket_count(1), 2U);
  EXPECT_EQ(histogram.bucket_count(2), 1U);
  EXPECT_EQ(histogram.bucket_count(3), 1U);
  const HistogramSnapshot snap = histogram.snapshot();
  EXPECT_EQ(snap.cumulative, (std::vector<std::uint64_t>{2, 4, 5, 6}));
  EXPECT_EQ(snap.count, 6U);
  EXPECT_DOUBLE_EQ(snap.sum, 1.0 + 1.0000001 + 2.0 - 3.0 + 5.0 + 7.0);
}

TEST(MetricsHistogram, InfinityAndNaNLandInTheInfBucket) {
  const std::vector<double> bounds{1.0};
  Histogram histogram(bounds);
  histogram.observe(std::numeric_limits<double>::infinity());
  histogram.observe(std::numeric_limits<double>::quiet_NaN());
  histogram.observe(-std::numeric_limits<double>::infinity());
  EXPECT_EQ(histogram.bucket_count(0), 1U);
  EXPECT_EQ(histogram.bucket_count(1), 2U);
  EXPECT_TRUE(std::isnan(histogram.sum()));
}

TEST(MetricsHistogram, ManyBucketsUseTheSameInclusiveRule) {
  // More than 16 bounds switches to binary search; the answers must not change.
  const std::vector<double> bounds = linear_buckets(1.0, 1.0, 40);  // 1..40
  Histogram histogram(bounds);
  for (int v = 0; v <= 41; ++v) histogram.observe(static_cast<double>(v));
  histogram.observe(20.5);
  EXPECT_EQ(histogram.bucket_count(0), 2U);   // 0 and 1
  EXPECT_EQ(histogram.bucket_count(19), 1U);  // 20
  EXPECT_EQ(histogram.bucket_count(20), 2U);  // 20.5 and 21
  EXPECT_EQ(histogram.bucket_count(39), 1U);  // 40
  EXPECT_EQ(histogram.bucket_count(40), 1U);  // 41 -> +Inf
  EXPECT_EQ(histogram.snapshot().count, 43U);
}

TEST(MetricsHistogram, ExemplarTakenFromActiveSampledContext) {
  const std::vector<double> bounds{0.1, 1.0};
  Histogram histogram(bounds);
  histogram.observe(0.05);  // no active context: no exemplar
  EXPECT_FALSE(histogram.exemplar(0).has_value());

  const SpanContext unsampled = make_context(1, false);
  {
    ActiveContextScope scope(unsampled);
    histogram.observe(0.06);
  }
  EXPECT_FALSE(histogram.exemplar(0).has_value());

  const SpanContext sampled = make_context(7, true);
  const auto before = std::chrono::system_clock::now();
  {
    ActiveContextScope scope(sampled);
    histogram.observe(0.07);
  }
  const auto after = std::chrono::system_clock::now();
  const auto exemplar = histogram.exemplar(0);
  ASSERT_TRUE(exemplar.has_value());
  EXPECT_EQ(exemplar->trace_id, sampled.trace_id);
  EXPECT_EQ(exemplar->span_id, sampled.span_id);
  EXPECT_DOUBLE_EQ(exemplar->value, 0.07);
  const auto ns = [](auto tp) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
  };
  EXPECT_GE(exemplar->timestamp_ns, ns(before));
  EXPECT_LE(exemplar->timestamp_ns, ns(after));
  EXPECT_FALSE(histogram.exemplar(1).has_value());
  EXPECT_FALSE(histogram.exemplar(2).has_value());

  // The latest sampled observation replaces the bucket's exemplar.
  const SpanContext newer = make_context(9, true);
  histogram.observe(0.08, newer);
  EXPECT_EQ(histogram.exemplar(0)->trace_id, newer.trace_id);
  EXPECT_DOUBLE_EQ(histogram.exemplar(0)->value, 0.08);
  // An explicit unsampled or invalid context leaves it alone.
  histogram.observe(0.09, unsampled);
  histogram.observe(0.09, SpanContext{});
  EXPECT_EQ(histogram.exemplar(0)->trace_id, newer.trace_id);
  EXPECT_EQ(histogram.snapshot().count, 6U);
}

TEST(MetricsHistogram, ConcurrentExemplarsAreNeverTorn) {
  // Writers store exemplars whose every byte and value carry one seed; a reader must never see
  // a mix of two writes.
  const std::vector<double> bounds{1000.0};
  Histogram histogram(bounds);
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&, t] {
      std::uint8_t seed = static_cast<std::uint8_t>(1 + t * 100);
      while (!stop.load(std::memory_order_relaxed)) {
        SpanContext context;
        context.trace_id.bytes.fill(seed);
        context.span_id.bytes.fill(seed);
        context.trace_flags = kTraceFlagSampled;
        histogram.observe(static_cast<double>(seed), context);
        seed = static_cast<std::uint8_t>(seed == 250 ? 1 : seed + 1);
      }
    });
  }
  // Read until plenty of exemplars were checked while writers run (deadline: writer threads
  // may start late on a loaded machine).
  int seen = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (seen < 100'000 && std::chrono::steady_clock::now() < deadline) {
    const auto exemplar = histogram.exemplar(0);
    if (!exemplar) continue;
    ++seen;
    const auto seed = static_cast<std::uint8_t>(exemplar->value);
    for (std::uint8_t b : exemplar->trace_id.bytes) ASSERT_EQ(b, seed);
    for (std::uint8_t b : exemplar->span_id.bytes) ASSERT_EQ(b, seed);
  }
  stop = true;
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(seen, 100'000);
}

}  // namespace
}  // namespace edaobs::telemetry
