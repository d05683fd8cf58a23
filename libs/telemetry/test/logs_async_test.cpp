// The asynchronous side of the Logger: callers never block on a stuck or slow writer, every
// accepted line is either written or counted as dropped, and the forwarder runs off the caller.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"

#include "gated_log_writer.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A writer that takes a fixed time per write, busy-waiting like a slow device would keep the
// worker occupied.
class SlowWriter final : public LogWriter {
 public:
  explicit SlowWriter(std::chrono::microseconds per_write) : per_write_(per_write) {}
  void write(std::string_view lines) override {
    const auto until = Clock::now() + per_write_;
    while (Clock::now() < until) {
    }
    lines_.fetch_add(static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')));
  }
  std::size_t lines() const { return lines_.load(); }

 private:
  std::chrono::microseconds per_write_;
  std::atomic<std::size_t> lines_{0};
};

TEST(LoggerAsync, StuckWriterNeverBlocksCallersAndDropsAreCounted) {
  constexpr std::size_t kQueue = 8;
  constexpr std::size_t kCalls = 20'000;
  auto writer = std::make_shared<GatedWriter>();
  LoggerOptions options;
  options.writer = writer;
  options.queue_size = kQueue;
  Logger logger(options);

  logger.info("first");  // the worker takes it and hangs in write()
  ASSERT_TRUE(writer->wait_entered(5s));

  const auto start = Clock::now();
  for (std::size_t i = 0; i < kCalls; ++i) {
    logger.info("overflow", {{"i", static_cast<std::int64_t>(i)}, {"event_id", "e"}});
  }
  const auto elapsed = Clock::now() - start;
  // Each call is a few hundred nanoseconds; blocking even once on the writer would never end.
  EXPECT_LT(elapsed, 5s);

  // Only kQueue lines fit while the writer hangs; the rest were dropped at once.
  EXPECT_EQ(logger.dropped_lines(), kCalls - kQueue);
  EXPECT_FALSE(logger.flush(50ms));  // bounded even though the writer is stuck

  writer->open();
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(writer->lines(), 1 + kQueue);
  EXPECT_EQ(logger.written_lines() + logger.dropped_lines(), kCalls + 1);
  EXPECT_EQ(logger.stats().lines_in_flight, 0U);
}

TEST(LoggerAsync, SlowWriterWithManyThreadsAccountsForEveryLine) {
  auto writer = std::make_shared<SlowWriter>(200us);
  LoggerOptions options;
  options.writer = writer;
  options.queue_size = 16;
  Logger logger(options);

  constexpr int kThreads = 2;
  constexpr int kPerThread = 20'000;
  std::vector<std::thread> threads;
  std::atomic<std::int64_t> slowest_call_ns{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto before = Clock::now();
        logger.warn("busy", {{"thread", t}, {"i", i}});
        const auto took =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - before).count();
        std::int64_t seen = slowest_call_ns.load();
        while (took > seen && !slowest_call_ns.compare_exchange_weak(seen, took)) {
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  ASSERT_TRUE(logger.flush(10s));
  const std::uint64_t calls = kThreads * kPerThread;
  EXPECT_EQ(writer->lines(), logger.written_lines());
  EXPECT_EQ(logger.written_lines() + logger.dropped_lines(), calls);
  EXPECT_GT(logger.dropped_lines(), 0U);  // 40k lines cannot fit a 16-line queue at 200us/write
  // Generous: even a descheduled thread is far below one slow write per queued line.
  EXPECT_LT(slowest_call_ns.load(), std::chrono::nanoseconds(1s).count());
}

TEST(LoggerAsync, ForwarderGetsWarnAndErrorOnTheWorkerThread) {
  auto writer = std::make_shared<MemoryLogWriter>();
  LoggerOptions options;
  options.writer = writer;
  options.level = LogLevel::kDebug;
  Logger logger(options);

  std::mutex mutex;
  std::vector<std::string> forwarded;
  std::vector<std::thread::id> forwarder_threads;
  logger.set_forwarder(LogLevel::kWarn, [&](std::string_view line) {
    const std::lock_guard lock(mutex);
    forwarded.emplace_back(line);
    forwarder_threads.push_back(std::this_thread::get_id());
  });
  logger.debug("d");
  logger.info("i");
  logger.warn("w", {{"event_id", "e-1"}});
  logger.error("e\nwith newline");
  ASSERT_TRUE(logger.flush(5s));

  const std::lock_guard lock(mutex);
  ASSERT_EQ(forwarded.size(), 2U);
  const auto lines = writer->lines();
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(forwarded[0], lines[2]);  // same text as written, without the '\n'
  EXPECT_EQ(forwarded[1], lines[3]);
  EXPECT_EQ(boost::json::parse(forwarded[0]).at("level").as_string(), "WARN");
  EXPECT_EQ(boost::json::parse(forwarded[1]).at("msg").as_string(), "e\nwith newline");
  for (const auto& id : forwarder_threads) {
    EXPECT_NE(id, std::this_thread::get_id());
  }
  EXPECT_EQ(logger.stats().forwarded_lines, 2U);
}

TEST(LoggerAsync, ForwarderExceptionsAreSwallowedAndCounted) {
  auto writer = std::make_shared<MemoryLogWriter>();
  LoggerOptions options;
  options.writer = writer;
  Logger logger(options);
  logger.set_forwarder(LogLevel::kError,
                       [](std::string_view) { throw std::runtime_error("broker down"); });
  logger.error("one");
  logger.error("two");
  logger.info("not forwarded");
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(logger.forwarder_failures(), 2U);
  EXPECT_EQ(writer->line_count(), 3U);
  EXPECT_EQ(logger.dropped_lines(), 0U);
}

TEST(LoggerAsync, ForwarderCanBeReplacedAndRemoved) {
  auto writer = std::make_shared<MemoryLogWriter>();
  LoggerOptions options;
  options.writer = writer;
  Logger logger(options);
  std::atomic<int> first{0};
  std::atomic<int> second{0};
  logger.set_forwarder(LogLevel::kWarn, [&](std::string_view) { ++first; });
  logger.warn("to first");
  ASSERT_TRUE(logger.flush(5s));
  logger.set_forwarder(LogLevel::kWarn, [&](std::string_view) { ++second; });
  logger.warn("to second");
  ASSERT_TRUE(logger.flush(5s));
  logger.set_forwarder(LogLevel::kWarn, {});
  logger.warn("to nobody");
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(second.load(), 1);
  EXPECT_EQ(writer->line_count(), 3U);
}

TEST(LoggerAsync, DestructorWritesEverythingStillQueued) {
  auto writer = std::make_shared<MemoryLogWriter>();
  {
    LoggerOptions options;
    options.writer = writer;
    options.queue_size = 1024;
    Logger logger(options);
    for (int i = 0; i < 500; ++i) {
      logger.info("queued", {{"i", i}});
    }
  }
  const auto lines = writer->lines();
  ASSERT_EQ(lines.size(), 500U);
  EXPECT_EQ(boost::json::parse(lines.back()).at("i").as_int64(), 499);
}

TEST(LoggerAsync, LinesAreBatchedIntoFewWrites) {
  auto writer = std::make_shared<MemoryLogWriter>();
  LoggerOptions options;
  options.writer = writer;
  Logger logger(options);
  for (int i = 0; i < 2000; ++i) {
    logger.info("batch", {{"i", i}});
  }
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(writer->line_count() + logger.dropped_lines(), 2000U);
  EXPECT_LE(writer->write_calls(), writer->line_count());
}

}  // namespace
}  // namespace edaobs::telemetry
