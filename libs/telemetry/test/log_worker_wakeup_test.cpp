// The log worker's wake-up handshake, driven through the interleaving that used to lose one: a
// caller reads "idle" and is pre-empted before it claims the wake-up; meanwhile another caller
// wakes the worker, which writes and goes idle again; then the first caller resumes. The next
// caller's line must still be written promptly (before the fix the resumed caller left the
// "wake-up pending" flag set, so nobody woke the worker again until the queue was half full).
#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "edaobs/telemetry/testing/memory_log_writer.h"

#include "logs/line_counters.h"
#include "logs/line_sink.h"
#include "logs/log_record.h"
#include "logs/log_worker.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

class LogWorkerWakeup : public ::testing::Test {
 protected:
  // What a log call does up to (not including) the wake-up: claim, fill, publish.
  std::uint64_t publish(std::string_view msg) {
    RecordQueue::Claim claim = queue.try_claim();
    EXPECT_TRUE(claim);
    QueuedRecord& record = claim.value();
    record.time = std::chrono::system_clock::now();
    record.file = __FILE__;
    record.line = static_cast<std::uint32_t>(__LINE__);
    record.level = LogLevel::kInfo;
    record.payload.clear();
    encode_log_record(record.payload, msg, {}, SpanContext{}, 1024);
    record.complete = true;
    return claim.position();
  }  // published when the claim goes out of scope

  LineCounters counters;
  RecordQueue queue{64};  // half full (the other wake-up) is far away
  std::shared_ptr<MemoryLogWriter> writer = std::make_shared<MemoryLogWriter>();
  LineSink sink{writer, counters, LogLineFormatter("wakeup-test", {})};
  LogWorker worker{queue, sink, counters, nullptr};
};

TEST_F(LogWorkerWakeup, ACallerPreemptedBeforeItsWakeupCannotSilenceTheNextOne) {
  ASSERT_TRUE(wait_until([&] { return worker.idle(); }));

  const LogWorker::WakeTicket preempted = worker.check_wake(publish("first"));
  ASSERT_NE(preempted.sleep, 0U) << "the idle worker needs a wake-up";

  worker.on_published(publish("second"));  // another caller wakes it
  ASSERT_TRUE(writer->wait_for_lines(2, 5s));
  ASSERT_TRUE(wait_until([&] { return worker.idle(); })) << "idle again, in a new sleep";

  const std::uint64_t checks = worker.idle_checks();
  worker.claim_wake(preempted);  // the first caller resumes, late: at most a spurious wake-up...
  // ...which the worker must have seen (and gone back to sleep from) before the next line, or
  // that wake-up would carry the next line by luck.
  wait_until([&] { return worker.idle_checks() > checks; }, 200ms);
  ASSERT_TRUE(worker.idle());

  worker.on_published(publish("third"));
  EXPECT_TRUE(writer->wait_for_lines(3, 2s))
      << "the third line waited for a wake-up that never came";
}

TEST_F(LogWorkerWakeup, OneCallerPerSleepPaysForTheWakeup) {
  ASSERT_TRUE(wait_until([&] { return worker.idle(); }));
  const LogWorker::WakeTicket a = worker.check_wake(publish("a"));
  const LogWorker::WakeTicket b = worker.check_wake(publish("b"));
  EXPECT_EQ(a.sleep, b.sleep) << "both saw the same sleep";
  worker.claim_wake(a);
  worker.claim_wake(b);  // finds the sleep already woken: no second notify (nothing to observe
                         // but that both lines arrive)
  EXPECT_TRUE(writer->wait_for_lines(2, 2s));
}

}  // namespace
}  // namespace edaobs::telemetry
