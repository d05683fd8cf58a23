#include "edaobs/runtime/shutdown_signal.h"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

using edaobs::runtime::ShutdownSignal;
using namespace std::chrono_literals;

TEST(ShutdownSignal, SigtermRequestsStop) {
  ShutdownSignal shutdown;
  EXPECT_FALSE(shutdown.requested());
  ASSERT_EQ(0, ::kill(::getpid(), SIGTERM));
  EXPECT_TRUE(shutdown.wait_for(10s));
  EXPECT_EQ(SIGTERM, shutdown.signal_number());
}

TEST(ShutdownSignal, InternalRequestWakesWaitersAndDestructsCleanly) {
  ShutdownSignal shutdown;
  EXPECT_FALSE(shutdown.wait_for(1ms));
  std::thread requester([&] { shutdown.request(); });
  shutdown.wait();
  requester.join();
  EXPECT_TRUE(shutdown.requested());
  EXPECT_EQ(0, shutdown.signal_number());
}

// The orderly stop is bounded: a process stuck after SIGTERM ends at the deadline, and a second
// signal ends it at once. Death tests: each runs in a child process.
class ShutdownSignalBound : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(ShutdownSignalBound, AStuckStopEndsAtTheDeadline) {
  EXPECT_EXIT(
      {
        ShutdownSignal shutdown;
        shutdown.set_deadline(200ms);
        ::kill(::getpid(), SIGTERM);
        shutdown.wait();
        std::this_thread::sleep_for(30s);  // stuck: e.g. a consumer close against a dead broker
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(124), "shutdown deadline passed");
}

TEST_F(ShutdownSignalBound, ASecondSignalEndsTheStopAtOnce) {
  EXPECT_EXIT(
      {
        ShutdownSignal shutdown;  // no deadline: only the second signal ends it
        ::kill(::getpid(), SIGTERM);
        shutdown.wait();
        ::kill(::getpid(), SIGINT);
        std::this_thread::sleep_for(30s);
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(128 + SIGINT), "second stop signal");
}

TEST_F(ShutdownSignalBound, AStopThatFinishesInTimeExitsNormally) {
  EXPECT_EXIT(
      {
        {
          ShutdownSignal shutdown;
          shutdown.set_deadline(5s);
          ::kill(::getpid(), SIGTERM);
          shutdown.wait();
        }
        std::_Exit(7);
      },
      ::testing::ExitedWithCode(7), "");
}

TEST(ShutdownSignal, AFailureRequestsTheStopWithItsExitStatus) {
  ShutdownSignal shutdown;
  EXPECT_EQ(0, shutdown.exit_status());
  std::thread failing([&] { shutdown.request_failure(70); });
  shutdown.wait();
  failing.join();
  shutdown.request_failure(3);  // the first failure's status stays
  EXPECT_EQ(70, shutdown.exit_status());
  EXPECT_EQ(0, shutdown.signal_number());
}

TEST_F(ShutdownSignalBound, AStopAfterAFailureIsHeldToTheDeadlineToo) {
  EXPECT_EXIT(
      {
        ShutdownSignal shutdown;
        shutdown.set_deadline(200ms);
        shutdown.request_failure(70);
        shutdown.wait();
        std::this_thread::sleep_for(30s);  // stuck in the orderly stop
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(124), "shutdown deadline passed");
}

// stderr a full pipe nobody reads: the deadline still ends the process (its last line is lost,
// its exit status is not).
TEST_F(ShutdownSignalBound, TheDeadlineHoldsWhenStderrIsAFullPipe) {
  EXPECT_EXIT(
      {
        int pipe_fds[2];
        if (::pipe(pipe_fds) != 0) std::_Exit(3);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        const int flags = ::fcntl(pipe_fds[1], F_GETFL);
        ::fcntl(pipe_fds[1], F_SETFL, flags | O_NONBLOCK);
        const char block[4096] = {};
        while (::write(pipe_fds[1], block, sizeof block) > 0) {
        }
        ::fcntl(pipe_fds[1], F_SETFL, flags);  // full, and blocking again: a writer would hang
        ShutdownSignal shutdown;
        shutdown.set_deadline(200ms);
        ::kill(::getpid(), SIGTERM);
        shutdown.wait();
        std::this_thread::sleep_for(30s);  // stuck, e.g. the log worker blocked in write(2)
        std::_Exit(0);
      },
      ::testing::ExitedWithCode(124), "");
}
