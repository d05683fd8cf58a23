#pragma once
// A metric family: one name, one type, a fixed list of label names, and one series per distinct
// tuple of label values. Families are created by Registry and live as long as it does.
#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "edaobs/telemetry/metrics/counter.h"
#include "edaobs/telemetry/metrics/gauge.h"
#include "edaobs/telemetry/metrics/histogram.h"
#include "edaobs/telemetry/sdk/metrics/exposition_format.h"

namespace edaobs::telemetry {

enum class MetricType { kCounter, kGauge, kHistogram };

// The type-independent part of a family, and what Registry renders through.
class FamilyBase {
 public:
  virtual ~FamilyBase();
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  [[nodiscard]] MetricType type() const noexcept { return type_; }
  // The name samples are exposed under: counters always end in `_total`.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::string& help() const noexcept { return help_; }
  [[nodiscard]] const std::vector<std::string>& label_names() const noexcept {
    return label_names_;
  }
  [[nodiscard]] virtual std::size_t series_count() const = 0;
  // Appends the family (HELP, TYPE, samples) in `format` to `out`. Nothing when it has no series.
  virtual void render(ExpositionFormat format, std::string& out) const = 0;

 protected:
  // `const_label_text` is the registry's constant labels, already escaped: `service="x"`.
  FamilyBase(MetricType type, std::string name, std::string help,
             std::vector<std::string> label_names, std::string const_label_text);

  // Escaped `k="v",...` text of one series: constant labels first, then the family's labels.
  [[nodiscard]] std::string series_label_text(std::span<const std::string> values) const;
  void append_metadata(ExpositionFormat format, std::string& out) const;
  // Throws std::invalid_argument when the number of values does not match the label names.
  void check_arity(std::size_t value_count) const;

 private:
  MetricType type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::string const_label_text_;
};

// Orders label-value tuples and lets a lookup by string_views find a stored tuple of strings
// without building one (no allocation on the lookup path).
struct LabelValuesLess {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    return std::lexicographical_compare(
        a.begin(), a.end(), b.begin(), b.end(),
        [](std::string_view x, std::string_view y) { return x < y; });
  }
};

template <class T>
class Family final : public FamilyBase {
 public:
  // Built by Registry (which validates names); `buckets` is used by histograms only.
  Family(std::string name, std::string help, std::vector<std::string> label_names,
         std::string const_label_text, std::vector<double> buckets = {});
  ~Family() override;

  // The series for these label values (in label-name order), created on first use. The
  // reference stays valid for the registry's lifetime: look it up once, keep it, and update it
  // on the hot path. Throws std::invalid_argument on a wrong number of values. Values that are
  // not valid UTF-8 are repaired (invalid bytes become U+FFFD) so exposition stays parseable.
  T& with(std::initializer_list<std::string_view> values) {
    return with_values(std::span<const std::string_view>(values.begin(), values.size()));
  }
  T& with_values(std::span<const std::string_view> values);

  [[nodiscard]] const std::vector<double>& buckets() const noexcept { return buckets_; }
  [[nodiscard]] std::size_t series_count() const override;
  void render(ExpositionFormat format, std::string& out) const override;

 private:
  struct Series {
    std::string label_text;  // escaped, without braces
    std::unique_ptr<T> metric;
  };

  std::vector<double> buckets_;
  mutable std::mutex mutex_;  // guards the map, not the metrics (those are atomics)
  std::map<std::vector<std::string>, Series, LabelValuesLess> series_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

}  // namespace edaobs::telemetry
