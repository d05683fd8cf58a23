// Process metrics from /proc/self: present, typed, and plausible for this very process.
#include <chrono>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "edaobs/telemetry/metrics/registry.h"
#include "edaobs/telemetry/sdk/metrics/process_metrics.h"

namespace edaobs::telemetry {
namespace {

double sample(const std::string& text, const std::string& name) {
  const std::string prefix = "\n" + name + "{service=\"svc\"} ";
  const std::size_t at = text.find(prefix);
  if (at == std::string::npos) {
    ADD_FAILURE() << name << " missing in:\n" << text;
    return -1;
  }
  const std::size_t begin = at + prefix.size();
  return std::stod(text.substr(begin, text.find('\n', begin) - begin));
}

TEST(MetricsProcess, AllMetricsPresentAndSane) {
  Registry registry({{"service", "svc"}});
  register_process_metrics(registry);

  // Burn 30 ms of CPU (not of wall time: on a loaded machine that may be no CPU at all), so the
  // counter, kept by the kernel in 10 ms ticks, is visibly above zero.
  const auto cpu_now = [] {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
  };
  const auto until = cpu_now() + std::chrono::milliseconds(30);
  volatile double sink = 0;
  while (cpu_now() < until) sink = sink + 1.0;

  std::thread extra_thread([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  const std::string text = registry.render();
  extra_thread.join();

  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE process_resident_memory_bytes gauge\n"), std::string::npos);
  EXPECT_GT(sample(text, "process_cpu_seconds_total"), 0.0);
  const double rss = sample(text, "process_resident_memory_bytes");
  const double vsz = sample(text, "process_virtual_memory_bytes");
  EXPECT_GT(rss, 100'000.0);
  EXPECT_GT(vsz, rss);
  EXPECT_GE(sample(text, "process_threads"), 2.0);  // main + extra_thread
  const double open_fds = sample(text, "process_open_fds");
  EXPECT_GE(open_fds, 3.0);  // stdin, stdout, stderr
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(sample(text, "process_max_fds"), static_cast<double>(limit.rlim_cur));
  const double start = sample(text, "process_start_time_seconds");
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test process started within the hour

  // Opening descriptors shows up at the next scrape.
  const int a = ::open("/dev/null", O_RDONLY);
  const int b = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(sample(registry.render(), "process_open_fds"), open_fds + 2);
  ::close(a);
  ::close(b);
}

}  // namespace
}  // namespace edaobs::telemetry
