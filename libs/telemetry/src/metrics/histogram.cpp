#include "edaobs/telemetry/metrics/histogram.h"

#include <chrono>
#include <stdexcept>

namespace edaobs::telemetry {

std::vector<double> default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

std::vector<double> linear_buckets(double start, double width, std::size_t count) {
  if (count == 0 || !(width > 0.0)) {
    throw std::invalid_argument("linear_buckets: count must be > 0 and width > 0");
  }
  std::vector<double> bounds(count);
  for (std::size_t i = 0; i < count; ++i) bounds[i] = start + width * static_cast<double>(i);
  return bounds;
}

std::vector<double> exponential_buckets(double start, double factor, std::size_t count) {
  if (count == 0 || !(start > 0.0) || !(factor > 1.0)) {
    throw std::invalid_argument("exponential_buckets: count must be > 0, start > 0 and factor > 1");
  }
  std::vector<double> bounds(count);
  double bound = start;
  for (std::size_t i = 0; i < count; ++i) {
    bounds[i] = bound;
    bound *= factor;
  }
  return bounds;
}

Histogram::Histogram(std::span<const double> upper_bounds)
    : bounds_(upper_bounds),
      counts_(std::make_unique<Cell[]>(upper_bounds.size() + 1)),
      exemplars_(std::make_unique<ExemplarSlot[]>(upper_bounds.size() + 1)) {}

Histogram::~Histogram() = default;

void Histogram::store_exemplar(std::size_t bucket, const SpanContext& context, double v) noexcept {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  exemplars_[bucket].store(context, v,
                           std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot snap;
  snap.upper_bounds.assign(bounds_.begin(), bounds_.end());
  snap.cumulative.reserve(bounds_.size() + 1);
  snap.exemplars.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += bucket_count(i);
    snap.cumulative.push_back(running);
    snap.exemplars.push_back(exemplar(i));
  }
  snap.count = running;
  snap.sum = sum();
  return snap;
}

}  // namespace edaobs::telemetry
