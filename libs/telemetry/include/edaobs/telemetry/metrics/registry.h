#pragma once
// The metric registry: families of counters, gauges and histograms, scrape-time callbacks, and
// exposition as Prometheus text 0.0.4 or OpenMetrics 1.0.
//
//   Registry registry({{"service", "processor"}});
//   Counter& ok = registry.counter("events_processed_total", "Events processed.",
//                                  {"event_type", "source", "success"})
//                     .with({"order.created", "agent1", "true"});   // once, at startup
//   ok.inc();                                                        // hot path: one atomic add
//
// Registration validates names (Prometheus rules) and throws std::invalid_argument with the
// reason; registering the same name again with the same type, labels and buckets returns the
// existing family, anything else is an error.
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "edaobs/telemetry/metrics/family.h"
#include "edaobs/telemetry/metrics/histogram.h"
#include "edaobs/telemetry/sdk/metrics/callback_sink.h"
#include "edaobs/telemetry/sdk/metrics/exposition_format.h"

namespace edaobs::telemetry {

// Labels every series of the registry carries, e.g. {{"service", "processor"}}.
using ConstLabels = std::vector<std::pair<std::string, std::string>>;

class Registry {
 public:
  explicit Registry(ConstLabels const_labels = {});
  // Lets `Registry r({{"service", "x"}})` pick this rather than read the inner braces as an
  // iterator pair of std::vector.
  explicit Registry(std::initializer_list<std::pair<std::string, std::string>> const_labels)
      : Registry(ConstLabels(const_labels)) {}
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // A counter's exposed name always ends in `_total` (appended when missing); in OpenMetrics the
  // family is named without it.
  Family<Counter>& counter(std::string_view name, std::string_view help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(std::string_view name, std::string_view help,
                       std::vector<std::string> label_names = {});
  // `buckets`: finite, strictly increasing upper bounds; a trailing +Inf is accepted and dropped
  // (the +Inf bucket is always present).
  Family<Histogram>& histogram(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names = {},
                               std::vector<double> buckets = default_buckets());

  // Runs on every render (scrape), on the scraping thread, without registry locks held; it may
  // read anything but should be quick. Callbacks are never removed.
  void add_collect_callback(std::function<void(CallbackSink&)> callback);

  [[nodiscard]] std::string render(
      ExpositionFormat format = ExpositionFormat::kPrometheusText004) const;
  void render_to(ExpositionFormat format, std::string& out) const;

  [[nodiscard]] const ConstLabels& const_labels() const noexcept { return const_labels_; }

 private:
  // Throws std::invalid_argument for a bad, reserved, repeated or constant label name.
  void check_label_names(MetricType type, std::string_view name,
                         const std::vector<std::string>& label_names) const;
  FamilyBase& register_family(MetricType type, std::string_view name, std::string_view help,
                              std::vector<std::string> label_names, std::vector<double> buckets);

  ConstLabels const_labels_;
  std::string const_label_text_;  // escaped `k="v",...`
  std::vector<std::string> const_label_names_;

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>, std::less<>> families_;  // by exposed name
  std::map<std::string, const FamilyBase*, std::less<>> reserved_names_;      // every sample name
  std::vector<std::shared_ptr<const std::function<void(CallbackSink&)>>> callbacks_;
};

}  // namespace edaobs::telemetry
