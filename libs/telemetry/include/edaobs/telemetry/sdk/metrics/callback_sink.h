#pragma once
// What a collect callback writes into at scrape time: samples of values that are cheaper to
// compute when asked (process metrics, tracer queue size, consumer lag) than to keep updated.
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edaobs/telemetry/metrics/family.h"

namespace edaobs::telemetry {

struct MetricLabel {
  std::string_view name;
  std::string_view value;
};

class CallbackSink {
 public:
  // The registry's constant label names, which a sample may not set itself.
  explicit CallbackSink(std::vector<std::string> reserved_label_names = {});

  // Each call adds one sample. Samples sharing a name form one family (the first sample's help
  // and type win). A counter name gets `_total` appended when it lacks it. Returns false, and
  // drops the sample, when the name or a label name is invalid, a label name repeats or is a
  // constant label of the registry, or a counter value is negative or NaN.
  bool counter(std::string_view name, std::string_view help, double value,
               std::initializer_list<MetricLabel> labels = {}) {
    return add(MetricType::kCounter, name, help, value,
               std::span<const MetricLabel>(labels.begin(), labels.size()));
  }
  bool gauge(std::string_view name, std::string_view help, double value,
             std::initializer_list<MetricLabel> labels = {}) {
    return add(MetricType::kGauge, name, help, value,
               std::span<const MetricLabel>(labels.begin(), labels.size()));
  }
  bool counter_with(std::string_view name, std::string_view help, double value,
                    std::span<const MetricLabel> labels) {
    return add(MetricType::kCounter, name, help, value, labels);
  }
  bool gauge_with(std::string_view name, std::string_view help, double value,
                  std::span<const MetricLabel> labels) {
    return add(MetricType::kGauge, name, help, value, labels);
  }

  struct Sample {
    MetricType type;
    std::string name;  // exposed name (counters end in _total)
    std::string help;
    std::vector<std::pair<std::string, std::string>> labels;
    double value;
  };
  [[nodiscard]] const std::vector<Sample>& samples() const noexcept { return samples_; }

 private:
  bool add(MetricType type, std::string_view name, std::string_view help, double value,
           std::span<const MetricLabel> labels);

  std::vector<std::string> reserved_label_names_;
  std::vector<Sample> samples_;
};

}  // namespace edaobs::telemetry
