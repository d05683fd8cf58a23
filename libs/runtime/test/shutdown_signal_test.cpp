#include "edaobs/runtime/shutdown_signal.h"

#include <gtest/gtest.h>

#include <csignal>

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
