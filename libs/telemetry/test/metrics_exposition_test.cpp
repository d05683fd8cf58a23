// The two text formats: exact lines, escaping, number spelling, exemplars, negotiation.
#include <chrono>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The rest of the line that starts with `prefix` (std::regex is avoided: GCC 12 warns inside
// it under the sanitizer build).
std::optional<std::string> rest_of_line(const std::string& text, const std::string& prefix) {
  std::size_t begin = prefix.size();
  if (!text.starts_with(prefix)) {
    const std::size_t newline = text.find("\n" + prefix);
    if (newline == std::string::npos) return std::nullopt;
    begin += newline + 1;
  }
  return text.substr(begin, text.find('\n', begin) - begin);
}

// "<seconds>.<3 digits>" as the exemplar timestamp is written; returns the seconds.
std::optional<long long> exemplar_seconds(const std::string& text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || text.size() != dot + 4) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != dot && (text[i] < '0' || text[i] > '9')) return std::nullopt;
  }
  return std::stoll(text.substr(0, dot));
}

long long now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(MetricsExposition, CounterInBothFormats) {
  Registry registry({{"service", "svc"}});
  registry.counter("requests_total", "Requests served.", {"path"}).with({"/a"}).inc(3);
  EXPECT_EQ(registry.render(ExpositionFormat::kPrometheusText004),
            "# HELP requests_total Requests served.\n"
            "# TYPE requests_total counter\n"
            "requests_total{service=\"svc\",path=\"/a\"} 3\n");
  EXPECT_EQ(registry.render(ExpositionFormat::kOpenMetrics100),
            "# HELP requests Requests served.\n"
            "# TYPE requests counter\n"
            "requests_total{service=\"svc\",path=\"/a\"} 3\n"
            "# EOF\n");
}

TEST(MetricsExposition, EscapesLabelValuesAndHelp) {
  Registry registry({{"service", "q\"uote"}});
  registry.gauge("odd", "Help with \\ backslash, \"quotes\"\nand a newline.", {"v"})
      .with({"a\\b\"c\nd"})
      .set(1);
  const std::string prometheus = registry.render(ExpositionFormat::kPrometheusText004);
  // Prometheus text: HELP escapes backslash and newline only.
  EXPECT_TRUE(
      contains(prometheus, "# HELP odd Help with \\\\ backslash, \"quotes\"\\nand a newline.\n"))
      << prometheus;
  EXPECT_TRUE(contains(prometheus, "odd{service=\"q\\\"uote\",v=\"a\\\\b\\\"c\\nd\"} 1\n"))
      << prometheus;
  const std::string openmetrics = registry.render(ExpositionFormat::kOpenMetrics100);
  // OpenMetrics: HELP escapes the double quote as well.
  EXPECT_TRUE(contains(openmetrics,
                       "# HELP odd Help with \\\\ backslash, \\\"quotes\\\"\\nand a newline.\n"))
      << openmetrics;
  EXPECT_TRUE(contains(openmetrics, "odd{service=\"q\\\"uote\",v=\"a\\\\b\\\"c\\nd\"} 1\n"));
}

TEST(MetricsExposition, FloatSpelling) {
  Registry registry;
  auto& family = registry.gauge("values", "h", {"k"});
  family.with({"inf"}).set(std::numeric_limits<double>::infinity());
  family.with({"minf"}).set(-std::numeric_limits<double>::infinity());
  family.with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
  family.with({"tenth"}).set(0.1);
  family.with({"third"}).set(1.0 / 3.0);
  family.with({"big"}).set(1e21);
  family.with({"tiny"}).set(5e-324);
  registry.counter("big_total", "h").with({}).inc(9007199254740993.0);  // 2^53+1 rounds to 2^53
  Counter& exact = registry.counter("exact_total", "h").with({});
  for (int i = 0; i < 3; ++i) exact.inc(4e15);
  const std::string text = registry.render();
  EXPECT_TRUE(contains(text, "values{k=\"inf\"} +Inf\n"));
  EXPECT_TRUE(contains(text, "values{k=\"minf\"} -Inf\n"));
  EXPECT_TRUE(contains(text, "values{k=\"nan\"} NaN\n"));
  EXPECT_TRUE(contains(text, "values{k=\"tenth\"} 0.1\n"));
  EXPECT_TRUE(contains(text, "values{k=\"third\"} 0.3333333333333333\n"));
  EXPECT_TRUE(contains(text, "values{k=\"big\"} 1e+21\n"));
  EXPECT_TRUE(contains(text, "values{k=\"tiny\"} 5e-324\n"));
  EXPECT_TRUE(contains(text, "exact_total 12000000000000000\n")) << text;
  // Every finite value parses back to the same double.
  const auto third = rest_of_line(text, "values{k=\"third\"} ");
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(std::stod(*third), 1.0 / 3.0);
}

TEST(MetricsExposition, HistogramLinesAndOrdering) {
  Registry registry({{"service", "svc"}});
  auto& family = registry.histogram("latency_seconds", "Latency.", {"op"}, {0.5, 1, 2.5});
  Histogram& histogram = family.with({"read"});
  histogram.observe(0.5);
  histogram.observe(0.75);
  histogram.observe(3);
  EXPECT_EQ(registry.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{service=\"svc\",op=\"read\",le=\"0.5\"} 1\n"
            "latency_seconds_bucket{service=\"svc\",op=\"read\",le=\"1\"} 2\n"
            "latency_seconds_bucket{service=\"svc\",op=\"read\",le=\"2.5\"} 2\n"
            "latency_seconds_bucket{service=\"svc\",op=\"read\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{service=\"svc\",op=\"read\"} 4.25\n"
            "latency_seconds_count{service=\"svc\",op=\"read\"} 3\n");
  // OpenMetrics writes bounds as canonical floats.
  const std::string openmetrics = registry.render(ExpositionFormat::kOpenMetrics100);
  EXPECT_TRUE(contains(openmetrics, "le=\"1.0\"} 2\n")) << openmetrics;
  EXPECT_TRUE(contains(openmetrics, "le=\"0.5\"} 1\n"));
  EXPECT_TRUE(contains(openmetrics, "le=\"+Inf\"} 3\n"));
}

TEST(MetricsExposition, FamiliesAndSeriesAreSorted) {
  Registry registry;
  registry.gauge("zeta", "h", {"k"}).with({"b"}).set(1);
  registry.gauge("alpha", "h", {"k"}).with({"z"}).set(1);
  registry.gauge("alpha", "h", {"k"}).with({"a"}).set(1);
  registry.add_collect_callback([](CallbackSink& sink) { sink.gauge("middle", "h", 1); });
  registry.gauge("unused", "h", {"k"});  // no series: not rendered at all
  const std::string text = registry.render();
  const auto pos = [&](const char* s) { return text.find(s); };
  EXPECT_LT(pos("alpha{k=\"a\"}"), pos("alpha{k=\"z\"}"));
  EXPECT_LT(pos("alpha{k=\"z\"}"), pos("# HELP middle"));
  EXPECT_LT(pos("middle 1"), pos("# HELP zeta"));
  EXPECT_FALSE(contains(text, "unused"));
  EXPECT_EQ(text, registry.render());
}

SpanContext sampled_context() {
  SpanContext context;
  for (std::size_t i = 0; i < 16; ++i)
    context.trace_id.bytes[i] = static_cast<std::uint8_t>(0xa0 + i);
  for (std::size_t i = 0; i < 8; ++i)
    context.span_id.bytes[i] = static_cast<std::uint8_t>(0x10 + i);
  context.trace_flags = kTraceFlagSampled;
  return context;
}

TEST(MetricsExposition, OpenMetricsExemplarsOnBucketLines) {
  Registry registry({{"service", "svc"}});
  Histogram& histogram =
      registry.histogram("event_processing_duration_seconds", "Duration.", {}, {0.1, 1}).with({});
  const SpanContext context = sampled_context();
  {
    ActiveContextScope scope(context);
    histogram.observe(0.25);
  }
  histogram.observe(0.05);  // no span: no exemplar on le="0.1"
  const std::string openmetrics = registry.render(ExpositionFormat::kOpenMetrics100);
  const auto exemplar = rest_of_line(
      openmetrics,
      "event_processing_duration_seconds_bucket{service=\"svc\",le=\"1.0\"} 2 # "
      "{trace_id=\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\",span_id=\"1011121314151617\"} 0.25 ");
  ASSERT_TRUE(exemplar.has_value()) << openmetrics;
  const auto seconds = exemplar_seconds(*exemplar);
  ASSERT_TRUE(seconds.has_value()) << *exemplar;
  EXPECT_LE(std::abs(*seconds - now_seconds()), 60);
  EXPECT_TRUE(contains(openmetrics,
                       "event_processing_duration_seconds_bucket{service=\"svc\",le=\"0.1\"} 1\n"));
  EXPECT_TRUE(contains(
      openmetrics, "event_processing_duration_seconds_bucket{service=\"svc\",le=\"+Inf\"} 2\n"));
  EXPECT_TRUE(openmetrics.ends_with("# EOF\n"));
  // The Prometheus text format has no exemplars.
  EXPECT_FALSE(contains(registry.render(ExpositionFormat::kPrometheusText004), "trace_id"));
}

TEST(MetricsExposition, OpenMetricsCounterExemplar) {
  Registry registry;
  Counter& counter = registry.counter("orders_total", "Orders.").with({});
  counter.inc(2, sampled_context());
  counter.inc();
  counter.inc(5, SpanContext{});  // invalid context: counted, no exemplar change
  const std::string openmetrics = registry.render(ExpositionFormat::kOpenMetrics100);
  const auto exemplar =
      rest_of_line(openmetrics,
                   "orders_total 8 # {trace_id=\"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\","
                   "span_id=\"1011121314151617\"} 2 ");
  ASSERT_TRUE(exemplar.has_value()) << openmetrics;
  EXPECT_TRUE(exemplar_seconds(*exemplar).has_value()) << *exemplar;
  EXPECT_TRUE(
      contains(registry.render(ExpositionFormat::kPrometheusText004), "\norders_total 8\n"));
}

TEST(MetricsExposition, CallbackSamples) {
  Registry registry({{"service", "svc"}});
  registry.add_collect_callback([](CallbackSink& sink) {
    EXPECT_TRUE(sink.gauge("consumer_lag", "Lag.", 5, {{"topic", "t"}, {"partition", "0"}}));
    EXPECT_TRUE(sink.gauge("consumer_lag", "Lag.", 7, {{"topic", "t"}, {"partition", "1"}}));
    EXPECT_TRUE(sink.counter("spans_exported", "Spans.", 12));
    EXPECT_FALSE(sink.gauge("bad name", "h", 1));
    EXPECT_FALSE(sink.gauge("g", "h", 1, {{"service", "override"}}));
    EXPECT_FALSE(sink.gauge("g", "h", 1, {{"a", "1"}, {"a", "2"}}));
    EXPECT_FALSE(sink.counter("c", "h", -1));
  });
  registry.add_collect_callback([](CallbackSink&) { throw std::runtime_error("boom"); });
  const std::string text = registry.render();
  EXPECT_TRUE(contains(text,
                       "# TYPE consumer_lag gauge\n"
                       "consumer_lag{service=\"svc\",topic=\"t\",partition=\"0\"} 5\n"
                       "consumer_lag{service=\"svc\",topic=\"t\",partition=\"1\"} 7\n"))
      << text;
  EXPECT_TRUE(contains(text,
                       "# TYPE spans_exported_total counter\n"
                       "spans_exported_total{service=\"svc\"} 12\n"));
  const std::string openmetrics = registry.render(ExpositionFormat::kOpenMetrics100);
  EXPECT_TRUE(contains(openmetrics,
                       "# TYPE spans_exported counter\n"
                       "spans_exported_total{service=\"svc\"} 12\n"));
}

TEST(MetricsExposition, CallbackCannotShadowRegisteredFamily) {
  Registry registry;
  registry.gauge("queue_size", "Registered.").with({}).set(1);
  registry.add_collect_callback([](CallbackSink& sink) { sink.gauge("queue_size", "Dup.", 2); });
  const std::string text = registry.render();
  EXPECT_TRUE(contains(text, "queue_size 1\n"));
  EXPECT_FALSE(contains(text, "queue_size 2\n"));
  EXPECT_FALSE(contains(text, "Dup."));
}

TEST(MetricsExposition, Negotiation) {
  using enum ExpositionFormat;
  EXPECT_EQ(negotiate(""), kPrometheusText004);
  EXPECT_EQ(negotiate("*/*"), kPrometheusText004);
  EXPECT_EQ(negotiate("text/plain"), kPrometheusText004);
  EXPECT_EQ(negotiate("application/openmetrics-text"), kOpenMetrics100);
  EXPECT_EQ(negotiate("Application/OpenMetrics-Text; version=1.0.0; charset=utf-8"),
            kOpenMetrics100);
  // What Prometheus 2.x sends.
  EXPECT_EQ(negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                      "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
            kOpenMetrics100);
  EXPECT_EQ(negotiate("text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5"),
            kPrometheusText004);
  EXPECT_EQ(negotiate("application/openmetrics-text;version=2.0.0"), kPrometheusText004);
  EXPECT_EQ(negotiate("application/openmetrics-text;q=0"), kPrometheusText004);
  EXPECT_EQ(negotiate("application/openmetrics-text;q=bogus"), kPrometheusText004);
  EXPECT_EQ(negotiate(",,;;=,"), kPrometheusText004);
  EXPECT_EQ(content_type(kOpenMetrics100),
            "application/openmetrics-text; version=1.0.0; charset=utf-8");
  EXPECT_EQ(content_type(kPrometheusText004), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace edaobs::telemetry
