#include "edaobs/telemetry/metrics/family.h"

#include <stdexcept>
#include <type_traits>

#include "metrics/names.h"
#include "metrics/text_format.h"

namespace edaobs::telemetry {

using metrics_detail::append_double;
using metrics_detail::append_exemplar;
using metrics_detail::append_le;
using metrics_detail::append_uint;

FamilyBase::FamilyBase(MetricType type, std::string name, std::string help,
                       std::vector<std::string> label_names, std::string const_label_text)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      const_label_text_(std::move(const_label_text)) {}

FamilyBase::~FamilyBase() = default;

std::string FamilyBase::series_label_text(std::span<const std::string> values) const {
  std::string text = const_label_text_;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!text.empty()) text += ',';
    metrics_detail::append_label_pair(text, label_names_[i], values[i]);
  }
  return text;
}

void FamilyBase::append_metadata(ExpositionFormat format, std::string& out) const {
  metrics_detail::append_metadata(out, format, type_, name_, help_);
}

void FamilyBase::check_arity(std::size_t value_count) const {
  if (value_count == label_names_.size()) return;
  std::string names;
  for (const auto& label : label_names_) {
    if (!names.empty()) names += ", ";
    names += label;
  }
  metrics_detail::throw_invalid({"metric '", name_, "' expects ",
                                 std::to_string(label_names_.size()), " label values (", names,
                                 "), got ", std::to_string(value_count)});
}

namespace {

constexpr MetricType type_of(const Counter*) { return MetricType::kCounter; }
constexpr MetricType type_of(const Gauge*) { return MetricType::kGauge; }
constexpr MetricType type_of(const Histogram*) { return MetricType::kHistogram; }

// `name{labels}` or `name` when there are no labels.
void append_series_name(std::string& out, std::string_view name, std::string_view suffix,
                        const std::string& label_text) {
  out.append(name);
  out.append(suffix);
  if (!label_text.empty()) {
    out += '{';
    out += label_text;
    out += '}';
  }
  out += ' ';
}

void append_value(std::string& out, const Counter& counter) {
  const double fraction = counter.fractional_part();
  if (fraction == 0.0) {
    append_uint(out, counter.whole_part());  // exact, even beyond 2^53
  } else {
    append_double(out, counter.value());
  }
}

void append_value(std::string& out, const Gauge& gauge) { append_double(out, gauge.value()); }

}  // namespace

template <class T>
Family<T>::Family(std::string name, std::string help, std::vector<std::string> label_names,
                  std::string const_label_text, std::vector<double> buckets)
    : FamilyBase(type_of(static_cast<const T*>(nullptr)), std::move(name), std::move(help),
                 std::move(label_names), std::move(const_label_text)),
      buckets_(std::move(buckets)) {}

template <class T>
Family<T>::~Family() = default;

template <class T>
T& Family<T>::with_values(std::span<const std::string_view> values) {
  check_arity(values.size());
  std::lock_guard lock(mutex_);
  if (const auto it = series_.find(values); it != series_.end()) return *it->second.metric;

  std::vector<std::string> key;
  key.reserve(values.size());
  for (const std::string_view value : values) {
    key.push_back(metrics_detail::is_valid_utf8(value) ? std::string(value)
                                                       : metrics_detail::repair_utf8(value));
  }
  // A repaired tuple may already exist under its repaired spelling.
  if (const auto it = series_.find(key); it != series_.end()) return *it->second.metric;

  Series series;
  series.label_text = series_label_text(key);
  if constexpr (std::is_same_v<T, Histogram>) {
    series.metric = std::make_unique<Histogram>(std::span<const double>(buckets_));
  } else {
    series.metric = std::make_unique<T>();
  }
  T& metric = *series.metric;
  series_.emplace(std::move(key), std::move(series));
  return metric;
}

template <class T>
std::size_t Family<T>::series_count() const {
  std::lock_guard lock(mutex_);
  return series_.size();
}

template <class T>
void Family<T>::render(ExpositionFormat format, std::string& out) const {
  std::lock_guard lock(mutex_);
  if (series_.empty()) return;
  append_metadata(format, out);
  if constexpr (std::is_same_v<T, Histogram>) {
    // The `le="..."` texts are the same for every series of the family.
    std::vector<std::string> le_texts;
    le_texts.reserve(buckets_.size() + 1);
    for (const double bound : buckets_) {
      std::string le = "le=\"";
      append_le(le, bound, format);
      le += "\"} ";
      le_texts.push_back(std::move(le));
    }
    le_texts.emplace_back("le=\"+Inf\"} ");
    const bool with_exemplars = format == ExpositionFormat::kOpenMetrics100;
    for (const auto& [values, series] : series_) {
      const Histogram& histogram = *series.metric;
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < le_texts.size(); ++i) {
        cumulative += histogram.bucket_count(i);
        out += name();
        out += "_bucket{";
        if (!series.label_text.empty()) {
          out += series.label_text;
          out += ',';
        }
        out += le_texts[i];
        append_uint(out, cumulative);
        if (with_exemplars) {
          if (const auto exemplar = histogram.exemplar(i)) append_exemplar(out, *exemplar);
        }
        out += '\n';
      }
      append_series_name(out, name(), "_sum", series.label_text);
      append_double(out, histogram.sum());
      out += '\n';
      append_series_name(out, name(), "_count", series.label_text);
      append_uint(out, cumulative);
      out += '\n';
    }
  } else {
    for (const auto& [values, series] : series_) {
      append_series_name(out, name(), "", series.label_text);
      append_value(out, *series.metric);
      if constexpr (std::is_same_v<T, Counter>) {
        if (format == ExpositionFormat::kOpenMetrics100) {
          if (const auto exemplar = series.metric->exemplar()) append_exemplar(out, *exemplar);
        }
      }
      out += '\n';
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

}  // namespace edaobs::telemetry
