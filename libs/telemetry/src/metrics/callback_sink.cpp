#include "edaobs/telemetry/sdk/metrics/callback_sink.h"

#include <algorithm>
#include <cmath>

#include "metrics/names.h"

namespace edaobs::telemetry {

CallbackSink::CallbackSink(std::vector<std::string> reserved_label_names)
    : reserved_label_names_(std::move(reserved_label_names)) {}

bool CallbackSink::add(MetricType type, std::string_view name, std::string_view help, double value,
                       std::span<const MetricLabel> labels) {
  using namespace metrics_detail;
  if (!is_valid_metric_name(name)) return false;
  if (type == MetricType::kCounter && (std::isnan(value) || value < 0.0)) return false;
  Sample sample{type,
                type == MetricType::kCounter ? counter_sample_name(name) : std::string(name),
                repair_utf8(help),
                {},
                value};
  sample.labels.reserve(labels.size());
  for (const MetricLabel& label : labels) {
    if (!is_valid_label_name(label.name)) return false;
    if (std::find(reserved_label_names_.begin(), reserved_label_names_.end(), label.name) !=
        reserved_label_names_.end()) {
      return false;
    }
    for (const auto& [existing, unused] : sample.labels) {
      if (existing == label.name) return false;
    }
    sample.labels.emplace_back(std::string(label.name), is_valid_utf8(label.value)
                                                            ? std::string(label.value)
                                                            : repair_utf8(label.value));
  }
  samples_.push_back(std::move(sample));
  return true;
}

}  // namespace edaobs::telemetry
