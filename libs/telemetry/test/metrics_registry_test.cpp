// Registration rules, series identity and concurrent updates.
#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/telemetry/metrics/registry.h"

namespace edaobs::telemetry {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(MetricsRegistry, RejectsInvalidMetricNames) {
  Registry registry;
  for (const char* bad : {"", "1abc", "has-dash", "has space", "é"}) {
    const std::string message = error_of([&] { registry.gauge(bad, "h"); });
    EXPECT_NE(message.find("invalid metric name"), std::string::npos) << bad << ": " << message;
  }
  EXPECT_NO_THROW(registry.gauge("ok_name:with_colon", "h"));
  EXPECT_NO_THROW(registry.gauge("_leading_underscore", "h"));
}

TEST(MetricsRegistry, RejectsInvalidLabelNames) {
  Registry registry({{"service", "svc"}});
  EXPECT_NE(error_of([&] {
              registry.counter("a_total", "h", {"__reserved"});
            }).find("invalid label name '__reserved'"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { registry.counter("b_total", "h", {"has:colon"}); }).find("invalid label name"),
      std::string::npos);
  EXPECT_NE(error_of([&] {
              registry.counter("c_total", "h", {"x", "x"});
            }).find("given twice"),
            std::string::npos);
  EXPECT_NE(error_of([&] { registry.counter("d_total", "h", {"service"}); }).find("constant label"),
            std::string::npos);
  EXPECT_NE(error_of([&] { registry.histogram("e_seconds", "h", {"le"}); }).find("'le'"),
            std::string::npos);
  EXPECT_THROW(Registry({{"bad-name", "x"}}), std::invalid_argument);
  EXPECT_THROW(Registry({{"a", "1"}, {"a", "2"}}), std::invalid_argument);
}

TEST(MetricsRegistry, RejectsBadBuckets) {
  Registry registry;
  EXPECT_NE(error_of([&] {
              registry.histogram("h1", "h", {}, {1.0, 1.0});
            }).find("strictly increasing"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              registry.histogram("h2", "h", {}, {2.0, 1.0});
            }).find("strictly increasing"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              registry.histogram("h3", "h", {}, {1.0, std::numeric_limits<double>::quiet_NaN()});
            }).find("finite"),
            std::string::npos);
  // A trailing +Inf is accepted and folded into the implicit +Inf bucket.
  auto& family =
      registry.histogram("h4", "h", {}, {1.0, 2.0, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(family.buckets(), (std::vector<double>{1.0, 2.0}));
}

TEST(MetricsRegistry, SameRegistrationReturnsSameFamily) {
  Registry registry;
  auto& first = registry.counter("events_total", "Events.", {"type"});
  auto& second = registry.counter("events_total", "Events.", {"type"});
  EXPECT_EQ(&first, &second);
  // The `_total` suffix is the counter convention: both spellings name one family.
  EXPECT_EQ(&registry.counter("events", "Events.", {"type"}), &first);
  EXPECT_EQ(first.name(), "events_total");
  auto& h1 = registry.histogram("lat_seconds", "h", {}, {1.0, 2.0});
  EXPECT_EQ(&registry.histogram("lat_seconds", "h", {}, {1.0, 2.0}), &h1);
}

TEST(MetricsRegistry, ConflictingRegistrationIsAnError) {
  Registry registry;
  registry.counter("events_total", "Events.", {"type"});
  EXPECT_NE(error_of([&] {
              registry.counter("events_total", "Events.", {"other"});
            }).find("already registered as a counter"),
            std::string::npos);
  EXPECT_THROW(registry.gauge("events_total", "Events."), std::invalid_argument);
  registry.histogram("lat_seconds", "h", {}, {1.0, 2.0});
  EXPECT_THROW(registry.histogram("lat_seconds", "h", {}, {1.0, 3.0}), std::invalid_argument);
  // Names that would shadow another family's samples collide too.
  EXPECT_NE(error_of([&] { registry.gauge("lat_seconds_count", "h"); }).find("collides"),
            std::string::npos);
  EXPECT_NE(error_of([&] { registry.gauge("events", "h"); }).find("collides"), std::string::npos);
}

TEST(MetricsRegistry, WithReturnsStableReferencePerLabelSet) {
  Registry registry;
  auto& family = registry.counter("hits_total", "h", {"a", "b"});
  Counter& x = family.with({"1", "2"});
  Counter& y = family.with({"1", "3"});
  EXPECT_NE(&x, &y);
  for (int i = 0; i < 1000; ++i) family.with({"k", std::to_string(i)});  // rehash/rebalance
  EXPECT_EQ(&family.with({"1", "2"}), &x);
  std::string dynamic = "2";
  EXPECT_EQ(&family.with({"1", dynamic}), &x);
  EXPECT_EQ(family.series_count(), 1002U);
}

TEST(MetricsRegistry, WrongLabelArityThrows) {
  Registry registry;
  auto& family = registry.gauge("g", "h", {"a", "b"});
  EXPECT_NE(error_of([&] { family.with({"only-one"}); }).find("expects 2 label values (a, b)"),
            std::string::npos);
  EXPECT_THROW(family.with({"1", "2", "3"}), std::invalid_argument);
}

TEST(MetricsRegistry, CounterIgnoresNegativeAndNaNAndKeepsFractions) {
  Counter counter;
  counter.inc();
  counter.inc(2.0);
  counter.inc(0.25);
  counter.inc(-5.0);
  counter.inc(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(counter.whole_part(), 3U);
  EXPECT_DOUBLE_EQ(counter.value(), 3.25);
}

TEST(MetricsRegistry, GaugeSetIncDec) {
  Gauge gauge;
  gauge.set(10.0);
  gauge.inc();
  gauge.dec(2.5);
  EXPECT_DOUBLE_EQ(gauge.value(), 8.5);
  gauge.set_to_current_time();
  EXPECT_GT(gauge.value(), 1.6e9);
}

TEST(MetricsRegistry, ConcurrentUpdatesGiveExactTotals) {
  Registry registry;
  auto& counters = registry.counter("work_total", "h", {"kind"});
  auto& histograms = registry.histogram("work_seconds", "h", {}, {0.5, 1.0});
  constexpr int kThreads = 4;
  constexpr int kIterations = 200'000;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // Every thread resolves the same series concurrently: it must be created once.
      Counter& whole = counters.with({"whole"});
      Counter& half = counters.with({"half"});
      Histogram& histogram = histograms.with({});
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      for (int i = 0; i < kIterations; ++i) {
        whole.inc();
        half.inc(0.5);
        histogram.observe(1.0);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  constexpr auto kTotal = static_cast<std::uint64_t>(kThreads) * kIterations;
  EXPECT_EQ(counters.series_count(), 2U);
  EXPECT_EQ(counters.with({"whole"}).whole_part(), kTotal);
  EXPECT_DOUBLE_EQ(counters.with({"half"}).value(), static_cast<double>(kTotal) / 2);
  const HistogramSnapshot snap = histograms.with({}).snapshot();
  EXPECT_EQ(snap.count, kTotal);
  EXPECT_EQ(snap.cumulative[0], 0U);
  EXPECT_EQ(snap.cumulative[1], kTotal);
  EXPECT_DOUBLE_EQ(snap.sum, static_cast<double>(kTotal));
}

TEST(MetricsRegistry, InvalidUtf8LabelValueIsRepaired) {
  Registry registry;
  auto& family = registry.gauge("g", "h", {"v"});
  Gauge& gauge = family.with({"ok\xff"});
  EXPECT_EQ(&family.with({"ok\xff"}), &gauge);
  EXPECT_EQ(&family.with({"ok\xEF\xBF\xBD"}), &gauge);
  gauge.set(1);
  EXPECT_NE(registry.render().find("g{v=\"ok\xEF\xBF\xBD\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace edaobs::telemetry
