// Feeds a registry with every metric kind, process metrics and hostile label values to
// `promtool check metrics`; any complaint (non-zero exit or any output line) fails the test.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/sdk/metrics/process_metrics.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  while (const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) {
    result.output.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void fill(Registry& registry) {
  register_process_metrics(registry);
  auto& processed = registry.counter("events_processed_total", "Events processed.",
                                     {"event_type", "source", "success"});
  processed.with({"order.created", "agent1", "true"}).inc(41);
  processed.with({"we\"ird\\type\nwith newline", "ünïcödé ✓", "false"}).inc();
  processed.with({"", "empty-type", "true"}).inc(0.5);
  registry.gauge("consumer_lag_messages", "Messages behind the log end.", {"topic", "partition"})
      .with({"orders", "0"})
      .set(12);
  registry.gauge("odd_values", "Gauges holding \"special\" floats\\values.\nSecond line.", {"k"})
      .with({"nan"})
      .set(std::numeric_limits<double>::quiet_NaN());
  registry.gauge("odd_values", "Gauges holding \"special\" floats\\values.\nSecond line.", {"k"})
      .with({"inf"})
      .set(std::numeric_limits<double>::infinity());
  registry.gauge("odd_values", "Gauges holding \"special\" floats\\values.\nSecond line.", {"k"})
      .with({"neg"})
      .set(-1e-300);
  auto& duration = registry.histogram("event_processing_duration_seconds",
                                      "Time to process one event.", {"event_type", "source"});
  Histogram& histogram = duration.with({"order.created", "agent1"});
  SpanContext context;
  context.trace_id.bytes[15] = 1;
  context.span_id.bytes[7] = 2;
  context.trace_flags = kTraceFlagSampled;
  ActiveContextScope scope(context);
  for (double v : {0.001, 0.02, 0.3, 4.0, 100.0}) histogram.observe(v);
  registry
      .histogram("message_broker_publish_duration_seconds", "Publish latency.", {"topic"},
                 exponential_buckets(0.0001, 4, 8))
      .with({"orders"})
      .observe(0.002);
  registry.add_collect_callback([](CallbackSink& sink) {
    sink.counter("telemetry_spans_exported_total", "Spans exported.", 3);
    sink.gauge("telemetry_span_queue_size", "Spans queued.", 0, {{"exporter", "otlp\\http"}});
  });
}

TEST(MetricsPromtool, PrometheusTextPassesPromtoolCheckMetrics) {
  ASSERT_TRUE(std::filesystem::exists(kPromtool)) << "prometheus (promtool) is not installed";
  Registry registry({{"service", "promtool-test"}});
  fill(registry);
  const std::string text = registry.render(ExpositionFormat::kPrometheusText004);
  const auto path = std::filesystem::temp_directory_path() /
                    ("edaobs_metrics_" + std::to_string(::getpid()) + ".prom");
  {
    std::ofstream file(path, std::ios::binary);
    file << text;
  }
  const CommandResult result = run(std::string(kPromtool) + " check metrics < " + path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(result.exit_code, 0) << result.output << "\n--- input ---\n" << text;
  EXPECT_EQ(result.output, "") << "promtool complained:\n"
                               << result.output << "\n--- input ---\n"
                               << text;
  // The test only means something if the input really held every kind.
  for (const char* needle :
       {"# TYPE events_processed_total counter", "# TYPE consumer_lag_messages gauge",
        "# TYPE event_processing_duration_seconds histogram", "process_cpu_seconds_total{",
        "process_open_fds{", "telemetry_spans_exported_total{", "\\\"ird\\\\type\\nwith"}) {
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  }
}

TEST(MetricsPromtool, PromtoolDetectsABrokenExposition) {
  // Guards the guard: the same check must fail on malformed input.
  ASSERT_TRUE(std::filesystem::exists(kPromtool));
  const auto path = std::filesystem::temp_directory_path() /
                    ("edaobs_metrics_bad_" + std::to_string(::getpid()) + ".prom");
  {
    std::ofstream file(path, std::ios::binary);
    file << "# TYPE bad counter\nbad{x=\"unterminated} 1\n";
  }
  const CommandResult result = run(std::string(kPromtool) + " check metrics < " + path.string());
  std::filesystem::remove(path);
  EXPECT_TRUE(result.exit_code != 0 || !result.output.empty());
}

}  // namespace
}  // namespace edaobs::telemetry
