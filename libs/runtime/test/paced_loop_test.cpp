// The publisher's synthetic stream: `count` steps in order, then only the wait for the stop; a
// stop ends it at once.
#include "edaobs/runtime/paced_loop.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using edaobs::runtime::ShutdownSignal;

TEST(PacedLoop, MakesCountStepsInOrderThenWaitsForTheStop) {
  ShutdownSignal shutdown;
  std::vector<std::uint64_t> steps;  // the loop's thread only
  std::atomic<std::size_t> made{0};
  std::thread stopper([&] {
    while (made.load() < 5) std::this_thread::yield();
    shutdown.request();  // the loop is (or soon is) only waiting for this
  });
  run_at_rate(shutdown, 1000, 5, [&](std::uint64_t n) {
    steps.push_back(n);
    made.fetch_add(1);
  });
  stopper.join();
  EXPECT_EQ(steps, (std::vector<std::uint64_t>{1, 2, 3, 4, 5})) << "no sixth step";
}

TEST(PacedLoop, AStopEndsItBeforeTheNextStep) {
  ShutdownSignal shutdown;
  int steps = 0;
  run_at_rate(shutdown, 1000, 0, [&](std::uint64_t) {
    if (++steps == 3) shutdown.request();
  });
  EXPECT_EQ(steps, 3);
}

TEST(PacedLoop, RateZeroOnlyWaitsForTheStop) {
  ShutdownSignal shutdown;
  std::thread stopper([&] { shutdown.request(); });
  int steps = 0;
  run_at_rate(shutdown, 0, 0, [&](std::uint64_t) { ++steps; });
  stopper.join();
  EXPECT_EQ(steps, 0);
}
