#include "edaobs/telemetry/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "metrics/names.h"
#include "metrics/text_format.h"

namespace edaobs::telemetry {
namespace {

using namespace metrics_detail;

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "unknown";
}

// Every name a family occupies in either format, so that e.g. a gauge `x_count` cannot shadow
// the `_count` sample of a histogram `x`, or a gauge `x` the OpenMetrics family of counter
// `x_total`.
std::vector<std::string> occupied_names(MetricType type, const std::string& exposed_name) {
  switch (type) {
    case MetricType::kCounter: {
      std::string base = exposed_name.substr(0, exposed_name.size() - 6);  // "_total"
      std::string created = base;
      created.append("_created");
      return {exposed_name, std::move(base), std::move(created)};
    }
    case MetricType::kGauge:
      return {exposed_name};
    case MetricType::kHistogram: {
      std::vector<std::string> names{exposed_name};
      for (const char* suffix : {"_bucket", "_sum", "_count", "_created"}) {
        names.push_back(exposed_name);
        names.back().append(suffix);
      }
      return names;
    }
  }
  return {exposed_name};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// A family assembled from callback samples at render time.
struct CollectedFamily {
  MetricType type;
  std::string name;
  std::string help;
  std::vector<const CallbackSink::Sample*> samples;
};

void render_collected(const CollectedFamily& family, const std::string& const_label_text,
                      ExpositionFormat format, std::string& out) {
  append_metadata(out, format, family.type, family.name, family.help);
  for (const CallbackSink::Sample* sample : family.samples) {
    out += family.name;
    std::string label_text = const_label_text;
    for (const auto& [label, value] : sample->labels) {
      if (!label_text.empty()) label_text += ',';
      append_label_pair(label_text, label, value);
    }
    if (!label_text.empty()) {
      out += '{';
      out += label_text;
      out += '}';
    }
    out += ' ';
    append_double(out, sample->value);
    out += '\n';
  }
}

}  // namespace

Registry::Registry(ConstLabels const_labels) : const_labels_(std::move(const_labels)) {
  for (auto& [name, value] : const_labels_) {
    if (!is_valid_label_name(name)) {
      throw_invalid({"invalid constant label name '", name,
                     "': must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __"});
    }
    if (std::find(const_label_names_.begin(), const_label_names_.end(), name) !=
        const_label_names_.end()) {
      throw_invalid({"constant label '", name, "' given twice"});
    }
    if (name == "le") throw std::invalid_argument("constant label name 'le' is reserved");
    value = repair_utf8(value);
    const_label_names_.push_back(name);
    if (!const_label_text_.empty()) const_label_text_ += ',';
    append_label_pair(const_label_text_, name, value);
  }
}

Registry::~Registry() = default;

Family<Counter>& Registry::counter(std::string_view name, std::string_view help,
                                   std::vector<std::string> label_names) {
  return static_cast<Family<Counter>&>(
      register_family(MetricType::kCounter, name, help, std::move(label_names), {}));
}

Family<Gauge>& Registry::gauge(std::string_view name, std::string_view help,
                               std::vector<std::string> label_names) {
  return static_cast<Family<Gauge>&>(
      register_family(MetricType::kGauge, name, help, std::move(label_names), {}));
}

Family<Histogram>& Registry::histogram(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> buckets) {
  return static_cast<Family<Histogram>&>(register_family(
      MetricType::kHistogram, name, help, std::move(label_names), std::move(buckets)));
}

namespace {

// Drops a final +Inf (every histogram has it), then requires finite, strictly increasing bounds.
void check_buckets(std::string_view name, std::vector<double>& buckets) {
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i])) {
      throw_invalid({"histogram '", name, "': bucket bounds must be finite"});
    }
    if (i > 0 && !(buckets[i - 1] < buckets[i])) {
      throw_invalid({"histogram '", name, "': bucket bounds must be strictly increasing"});
    }
  }
}

std::unique_ptr<FamilyBase> make_family(MetricType type, const std::string& exposed,
                                        std::string_view help, std::vector<std::string> label_names,
                                        std::vector<double> buckets,
                                        const std::string& const_label_text) {
  std::unique_ptr<FamilyBase> family;
  std::string help_text = repair_utf8(help);
  switch (type) {
    case MetricType::kCounter:
      family = std::make_unique<Family<Counter>>(exposed, std::move(help_text),
                                                 std::move(label_names), const_label_text);
      break;
    case MetricType::kGauge:
      family = std::make_unique<Family<Gauge>>(exposed, std::move(help_text),
                                               std::move(label_names), const_label_text);
      break;
    case MetricType::kHistogram:
      family =
          std::make_unique<Family<Histogram>>(exposed, std::move(help_text), std::move(label_names),
                                              const_label_text, std::move(buckets));
      break;
  }
  return family;
}

}  // namespace

void Registry::check_label_names(MetricType type, std::string_view name,
                                 const std::vector<std::string>& label_names) const {
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!is_valid_label_name(label)) {
      throw_invalid({"metric '", name, "': invalid label name '", label,
                     "': must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __"});
    }
    if (type == MetricType::kHistogram && label == "le") {
      throw_invalid({"histogram '", name, "': label name 'le' is reserved"});
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i),
                  label) != label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw_invalid({"metric '", name, "': label name '", label, "' given twice"});
    }
    if (std::find(const_label_names_.begin(), const_label_names_.end(), label) !=
        const_label_names_.end()) {
      throw_invalid(
          {"metric '", name, "': label name '", label, "' is a constant label of the registry"});
    }
  }
}

FamilyBase& Registry::register_family(MetricType type, std::string_view name, std::string_view help,
                                      std::vector<std::string> label_names,
                                      std::vector<double> buckets) {
  if (!is_valid_metric_name(name)) {
    throw_invalid({"invalid metric name '", name, "': must match [a-zA-Z_:][a-zA-Z0-9_:]*"});
  }
  check_label_names(type, name, label_names);
  if (type == MetricType::kHistogram) check_buckets(name, buckets);
  std::string exposed =
      type == MetricType::kCounter ? counter_sample_name(name) : std::string(name);

  std::lock_guard lock(mutex_);
  if (const auto it = families_.find(exposed); it != families_.end()) {
    FamilyBase& existing = *it->second;
    bool same = existing.type() == type && existing.label_names() == label_names;
    if (same && type == MetricType::kHistogram) {
      same = static_cast<const Family<Histogram>&>(existing).buckets() == buckets;
    }
    if (!same) {
      throw_invalid({"metric '", exposed, "' is already registered as a ",
                     type_name(existing.type()), " with labels (", join(existing.label_names()),
                     ") and different type, labels or buckets"});
    }
    return existing;
  }
  const std::vector<std::string> occupied = occupied_names(type, exposed);
  for (const auto& occupied_name : occupied) {
    if (const auto it = reserved_names_.find(occupied_name); it != reserved_names_.end()) {
      throw_invalid({"metric '", exposed, "' collides with ", type_name(it->second->type()), " '",
                     it->second->name(), "' (both expose '", occupied_name, "')"});
    }
  }

  std::unique_ptr<FamilyBase> family = make_family(type, exposed, help, std::move(label_names),
                                                   std::move(buckets), const_label_text_);
  FamilyBase& result = *family;
  families_.emplace(exposed, std::move(family));
  for (const auto& occupied_name : occupied) reserved_names_.emplace(occupied_name, &result);
  return result;
}

void Registry::add_collect_callback(std::function<void(CallbackSink&)> callback) {
  if (!callback) return;
  auto shared = std::make_shared<const std::function<void(CallbackSink&)>>(std::move(callback));
  std::lock_guard lock(mutex_);
  callbacks_.push_back(std::move(shared));
}

std::string Registry::render(ExpositionFormat format) const {
  std::string out;
  render_to(format, out);
  return out;
}

void Registry::render_to(ExpositionFormat format, std::string& out) const {
  std::vector<const FamilyBase*> families;
  std::vector<std::shared_ptr<const std::function<void(CallbackSink&)>>> callbacks;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& entry : families_) families.push_back(entry.second.get());
    callbacks = callbacks_;
  }

  // Callbacks run unlocked: they may read (or even update) this registry's metrics.
  CallbackSink sink(const_label_names_);
  for (const auto& callback : callbacks) {
    try {
      (*callback)(sink);
    } catch (...) {  // a failing callback loses its own samples, never the scrape
    }
  }
  std::map<std::string_view, CollectedFamily> collected;
  for (const auto& sample : sink.samples()) {
    auto [it, inserted] = collected.try_emplace(sample.name);
    if (inserted) {
      it->second.type = sample.type;
      it->second.name = sample.name;
      it->second.help = sample.help;
    }
    if (it->second.type == sample.type) it->second.samples.push_back(&sample);
  }
  {
    // Drop collected families whose names collide with registered ones or with each other.
    std::set<std::string, std::less<>> taken;
    std::lock_guard lock(mutex_);
    for (auto it = collected.begin(); it != collected.end();) {
      const auto names = occupied_names(it->second.type, it->second.name);
      const bool clash = std::any_of(names.begin(), names.end(), [&](const std::string& n) {
        return reserved_names_.contains(n) || taken.contains(n);
      });
      if (clash) {
        it = collected.erase(it);
      } else {
        taken.insert(names.begin(), names.end());
        ++it;
      }
    }
  }

  // Both lists are ordered by exposed name; merge them so the output order is stable.
  auto collected_it = collected.begin();
  for (const FamilyBase* family : families) {
    while (collected_it != collected.end() && collected_it->first < family->name()) {
      render_collected(collected_it->second, const_label_text_, format, out);
      ++collected_it;
    }
    family->render(format, out);
  }
  for (; collected_it != collected.end(); ++collected_it) {
    render_collected(collected_it->second, const_label_text_, format, out);
  }
  if (format == ExpositionFormat::kOpenMetrics100) out += "# EOF\n";
}

}  // namespace edaobs::telemetry
