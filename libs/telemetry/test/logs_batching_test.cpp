// How the Logger's worker takes lines off its queue: in batches (many lines per write, not one
// wake-up per line), promptly (a line appears without flush(), flush() does not wait for the
// batch timer), with exact accounting when the queue is full, and with every accepted line
// written by the time the Logger is destroyed.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
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

// The worker's batch timer (LogWorker::kMaxBatchDelay, internal): the bounds below are set far
// from it in both directions so they hold on a loaded machine.
constexpr auto kBatchDelay = 10ms;

LoggerOptions memory_options(std::shared_ptr<MemoryLogWriter> writer, std::size_t queue_size) {
  LoggerOptions options;
  options.writer = std::move(writer);
  options.queue_size = queue_size;
  return options;
}

TEST(LoggerBatching, ABurstOfLinesSharesFewWrites) {
  auto writer = std::make_shared<MemoryLogWriter>();
  Logger logger(memory_options(writer, 4096));
  constexpr std::size_t kLines = 2000;
  for (std::size_t i = 0; i < kLines; ++i) {
    logger.info("burst", {{"i", static_cast<std::int64_t>(i)}, {"event_id", "e"}});
  }
  ASSERT_TRUE(logger.flush(5s));
  ASSERT_EQ(writer->line_count(), kLines);
  EXPECT_EQ(logger.dropped_lines(), 0U);
  // ~0.5 MB of lines: a handful of 64 KB writes, plus one per timer wake-up if this thread was
  // descheduled for a while. One write per line (or per few lines) would fail here.
  EXPECT_LE(writer->write_calls() * 20, kLines) << writer->write_calls() << " writes";
}

TEST(LoggerBatching, LinesAtASteadyRateShareWrites) {
  // The agent's situation: lines arrive one by one, slower than the worker could write them.
  // A worker woken per line would write per line; this one writes once per timer period.
  auto writer = std::make_shared<MemoryLogWriter>();
  Logger logger(memory_options(writer, 4096));
  constexpr std::size_t kLines = 500;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < kLines; ++i) {
    logger.info("steady", {{"i", static_cast<std::int64_t>(i)}});
    std::this_thread::sleep_for(100us);
  }
  const auto elapsed = Clock::now() - start;
  ASSERT_TRUE(logger.flush(5s));
  ASSERT_EQ(writer->line_count(), kLines);
  // At most about one write per batch period (plus the flush); generous factor for timer slack.
  const auto periods = static_cast<std::size_t>(elapsed / kBatchDelay) + 1;
  EXPECT_LE(writer->write_calls(), 2 * periods + 2)
      << writer->write_calls() << " writes in " << periods << " periods";
  EXPECT_LE(writer->write_calls() * 5, kLines);
}

TEST(LoggerBatching, ALineAppearsWithoutFlush) {
  auto writer = std::make_shared<MemoryLogWriter>();
  Logger logger(memory_options(writer, 64));
  logger.info("first");  // the worker sleeps on an empty queue: this line wakes it
  ASSERT_TRUE(writer->wait_for_lines(1, 2s));
  // Now the worker is on its batch timer; a line logged meanwhile goes out when it fires.
  logger.info("second");
  ASSERT_TRUE(writer->wait_for_lines(2, 2s));
  // After a period with no line it sleeps without a timer; the next line still wakes it.
  std::this_thread::sleep_for(5 * kBatchDelay);
  logger.info("third");
  ASSERT_TRUE(writer->wait_for_lines(3, 2s));
  // The worker counts a line after its write returns: flush settles the counters.
  ASSERT_TRUE(logger.flush(2s));
  EXPECT_EQ(logger.written_lines(), 3U);
}

TEST(LoggerBatching, FlushWakesTheWorkerInsteadOfWaitingForTheTimer) {
  auto writer = std::make_shared<MemoryLogWriter>();
  Logger logger(memory_options(writer, 64));
  constexpr int kRounds = 200;
  const auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) {
    logger.info("flushed", {{"i", i}});
    ASSERT_TRUE(logger.flush(5s));
    ASSERT_EQ(writer->line_count(), static_cast<std::size_t>(i + 1));
  }
  const auto elapsed = Clock::now() - start;
  // Waiting for the batch timer would take about kRounds * kBatchDelay = 2 s; a wake-up per
  // flush takes tens of microseconds each.
  EXPECT_LT(elapsed, kRounds * kBatchDelay / 4)
      << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
}

TEST(LoggerBatching, FullQueueDropsExactlyWithConcurrentCallers) {
  constexpr std::size_t kQueue = 32;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  auto writer = std::make_shared<GatedWriter>();
  LoggerOptions options;
  options.writer = writer;
  options.queue_size = kQueue;
  Logger logger(options);

  logger.info("first");  // taken by the worker, which then hangs in write()
  ASSERT_TRUE(writer->wait_entered(5s));

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logger, t] {
      for (int i = 0; i < kPerThread; ++i) {
        logger.info("contended", {{"thread", t}, {"i", i}});
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const std::uint64_t calls = kThreads * kPerThread;
  // Exactly kQueue lines fit; every other one is refused and counted, none twice.
  EXPECT_EQ(logger.dropped_lines(), calls - kQueue);
  const LoggerStats stuck = logger.stats();
  EXPECT_EQ(stuck.lines_in_flight, kQueue + 1);  // the queue plus the line being written
  EXPECT_EQ(stuck.lines_written, 0U);

  writer->open();
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(writer->lines(), kQueue + 1);
  EXPECT_EQ(logger.written_lines(), kQueue + 1);
  EXPECT_EQ(logger.written_lines() + logger.dropped_lines(), calls + 1);
  EXPECT_EQ(logger.stats().lines_in_flight, 0U);
}

TEST(LoggerBatching, DestructionWritesEveryAcceptedLineOnce) {
  auto writer = std::make_shared<MemoryLogWriter>();
  constexpr int kThreads = 2;
  constexpr int kPerThread = 5000;
  {
    // Room for every line: each accepted line must come out, exactly once, without a flush().
    Logger logger(memory_options(writer, 16384));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&logger, t] {
        for (int i = 0; i < kPerThread; ++i) {
          logger.info("queued", {{"thread", t}, {"i", i}});
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    ASSERT_EQ(logger.dropped_lines(), 0U);
  }
  const auto lines = writer->lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::set<std::pair<std::int64_t, std::int64_t>> seen;
  std::vector<std::int64_t> last_of_thread(kThreads, -1);
  for (const auto& line : lines) {
    const auto object = boost::json::parse(line).as_object();
    const std::int64_t t = object.at("thread").as_int64();
    const std::int64_t i = object.at("i").as_int64();
    EXPECT_TRUE(seen.emplace(t, i).second) << "duplicate " << line;
    // One caller's lines keep their order.
    EXPECT_GT(i, last_of_thread[static_cast<std::size_t>(t)]);
    last_of_thread[static_cast<std::size_t>(t)] = i;
  }
}

TEST(LoggerBatching, SlotsAreReusedAcrossLapsWithRecordsOfAnySize) {
  // A 3-slot queue (not a power of two) goes round many times while records alternate between
  // small and far larger than what a slot keeps: every line must come out whole and in order.
  auto writer = std::make_shared<MemoryLogWriter>();
  LoggerOptions options = memory_options(writer, 3);
  options.max_value_bytes = 0;
  Logger logger(options);
  constexpr int kLines = 300;
  const auto value_for = [](int i) {
    const std::size_t size = i % 3 == 0 ? 20'000U : static_cast<std::size_t>(i % 50);
    return std::string(size, static_cast<char>('a' + i % 26));
  };
  for (int i = 0; i < kLines; ++i) {
    const std::string value = value_for(i);
    logger.info("lap", {{"i", i}, {"value", std::string_view(value)}});
    if (i % 3 == 2) {
      ASSERT_TRUE(logger.flush(5s));  // keep the tiny queue from dropping
    }
  }
  ASSERT_TRUE(logger.flush(5s));
  ASSERT_EQ(logger.dropped_lines(), 0U);
  const auto lines = writer->lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) {
    const auto object = boost::json::parse(lines[static_cast<std::size_t>(i)]).as_object();
    EXPECT_EQ(object.at("i").as_int64(), i);
    EXPECT_EQ(object.at("value").as_string(), value_for(i)) << "line " << i;
  }
}

TEST(LoggerBatching, FlushFromTheForwarderReturnsAtOnce) {
  // The forwarder runs on the worker, which cannot wait for itself: flush() there must not
  // hang until its timeout.
  auto writer = std::make_shared<MemoryLogWriter>();
  Logger logger(memory_options(writer, 64));
  std::atomic<int> results{-1};
  std::atomic<std::int64_t> took_ms{-1};
  logger.set_forwarder(LogLevel::kWarn, [&](std::string_view) {
    const auto start = Clock::now();
    results = logger.flush(10s) ? 1 : 0;
    took_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  });
  logger.warn("forwarded");
  ASSERT_TRUE(logger.flush(5s));
  EXPECT_EQ(results.load(), 0);
  EXPECT_LT(took_ms.load(), 1000);
  EXPECT_EQ(writer->line_count(), 1U);
}

}  // namespace
}  // namespace edaobs::telemetry
