#pragma once
// Cumulative-bucket histogram (Prometheus semantics: bucket `le` bounds are inclusive, +Inf is
// implicit). observe() is a bucket search plus two relaxed atomic RMWs (bucket count, sum); the
// total count is derived from the buckets at scrape time so it always equals the +Inf bucket.
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "edaobs/telemetry/metrics/exemplar.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {

// Prometheus' default buckets: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 (seconds).
[[nodiscard]] std::vector<double> default_buckets();
// `count` bounds: start, start+width, ...
[[nodiscard]] std::vector<double> linear_buckets(double start, double width, std::size_t count);
// `count` bounds: start, start*factor, ...
[[nodiscard]] std::vector<double> exponential_buckets(double start, double factor,
                                                      std::size_t count);

struct HistogramSnapshot {
  std::vector<double> upper_bounds;       // finite bounds; +Inf is implicit
  std::vector<std::uint64_t> cumulative;  // one per finite bound, then +Inf
  double sum = 0.0;
  std::uint64_t count = 0;                         // == cumulative.back()
  std::vector<std::optional<Exemplar>> exemplars;  // one per bucket, +Inf last
};

class alignas(64) Histogram {
 public:
  // `upper_bounds` must be strictly increasing and finite and outlive the histogram (the family
  // owns them); Registry validates them.
  explicit Histogram(std::span<const double> upper_bounds);
  ~Histogram();
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records `v`. When the calling thread's active span context is valid and sampled, it also
  // becomes the exemplar of the bucket `v` falls in.
  void observe(double v) noexcept {
    const std::size_t bucket = bucket_index(v);
    record(bucket, v);
    const SpanContext& active = active_span_context();
    if (active.sampled() && active.valid()) {
      store_exemplar(bucket, active, v);
    }
  }
  // Records `v` with an explicit exemplar context (ignored unless valid and sampled).
  void observe(double v, const SpanContext& exemplar) noexcept {
    const std::size_t bucket = bucket_index(v);
    record(bucket, v);
    if (exemplar.sampled() && exemplar.valid()) {
      store_exemplar(bucket, exemplar, v);
    }
  }

  [[nodiscard]] std::span<const double> upper_bounds() const noexcept { return bounds_; }
  // Non-cumulative count of one bucket (index bounds.size() is +Inf).
  [[nodiscard]] std::uint64_t bucket_count(std::size_t bucket) const noexcept {
    return counts_[bucket].value.load(std::memory_order_relaxed);
  }
  [[nodiscard]] double sum() const noexcept {
    return std::bit_cast<double>(sum_bits_.load(std::memory_order_relaxed));
  }
  [[nodiscard]] std::optional<Exemplar> exemplar(std::size_t bucket) const noexcept {
    return exemplars_[bucket].load();
  }
  [[nodiscard]] HistogramSnapshot snapshot() const;

 private:
  struct Cell {
    std::atomic<std::uint64_t> value{0};
  };

  // Index of the first bound >= v (le is inclusive); bounds.size() for +Inf and NaN.
  [[nodiscard]] std::size_t bucket_index(double v) const noexcept {
    const double* const first = bounds_.data();
    const std::size_t n = bounds_.size();
    if (n <= 16) {
      std::size_t i = 0;
      while (i < n && !(v <= first[i])) ++i;
      return i;
    }
    std::size_t lo = 0;
    std::size_t hi = n;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (v <= first[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    // NaN compares false everywhere and ends at n, the +Inf bucket.
    return lo;
  }

  void record(std::size_t bucket, double v) noexcept {
    counts_[bucket].value.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t old_bits = sum_bits_.load(std::memory_order_relaxed);
    while (!sum_bits_.compare_exchange_weak(
        old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + v),
        std::memory_order_relaxed, std::memory_order_relaxed)) {
    }
  }

  // Out of line: only sampled observations pay for the clock read and the slot write.
  void store_exemplar(std::size_t bucket, const SpanContext& context, double v) noexcept;

  std::span<const double> bounds_;
  std::unique_ptr<Cell[]> counts_;  // bounds.size() + 1 cells
  std::atomic<std::uint64_t> sum_bits_{0};
  std::unique_ptr<ExemplarSlot[]> exemplars_;  // bounds.size() + 1 slots
};

}  // namespace edaobs::telemetry
