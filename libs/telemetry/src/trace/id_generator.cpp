#include "edaobs/telemetry/sdk/trace/id_generator.h"

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

namespace edaobs::telemetry {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// Trivially destructible so the thread-local needs no guard or destructor registration.
struct Xoshiro256 {
  std::uint64_t s[4] = {0, 0, 0, 0};
  bool seeded = false;

  void seed() noexcept {
    std::uint64_t seed_value = 0;
    try {
      std::random_device rd;
      seed_value = (std::uint64_t{rd()} << 32) ^ rd();
    } catch (...) {
      // No entropy device: fall back to clock and thread identity, still distinct per thread.
    }
    seed_value ^= static_cast<std::uint64_t>(
        std::chrono::high_resolution_clock::now().time_since_epoch().count());
    seed_value ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
    for (std::uint64_t& word : s) {
      word = splitmix64(seed_value);
    }
    seeded = true;
  }

  std::uint64_t next() noexcept {
    if (!seeded) [[unlikely]] {
      seed();
    }
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }
};

thread_local Xoshiro256 t_rng;

}  // namespace

std::uint64_t random_u64() noexcept { return t_rng.next(); }

TraceId generate_trace_id() noexcept {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  while ((hi | lo) == 0) {  // all zeros is the invalid id
    hi = t_rng.next();
    lo = t_rng.next();
  }
  TraceId id;
  std::memcpy(id.bytes.data(), &hi, 8);
  std::memcpy(id.bytes.data() + 8, &lo, 8);
  return id;
}

SpanId generate_span_id() noexcept {
  std::uint64_t v = 0;
  while (v == 0) {
    v = t_rng.next();
  }
  SpanId id;
  std::memcpy(id.bytes.data(), &v, 8);
  return id;
}

}  // namespace edaobs::telemetry
