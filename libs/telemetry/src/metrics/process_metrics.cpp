#include "edaobs/telemetry/sdk/metrics/process_metrics.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace edaobs::telemetry {
namespace {

struct ProcStat {
  double cpu_seconds = 0.0;
  double threads = 0.0;
  double virtual_bytes = 0.0;
  double resident_bytes = 0.0;
  double start_ticks_since_boot = 0.0;
};

// /proc/self/stat: "pid (comm) state ppid ...". comm may hold spaces and parentheses, so fields
// are counted from the last ')'. Field numbers below are those of proc(5).
std::optional<ProcStat> read_proc_stat() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::vector<std::string> values;  // values[0] is field 3 (state)
  for (std::string field; fields >> field;) values.push_back(field);
  if (values.size() < 22) return std::nullopt;
  const auto field = [&](std::size_t number) { return std::stod(values[number - 3]); };
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcStat stat;
  stat.cpu_seconds = (field(14) + field(15)) / ticks;  // utime + stime
  stat.threads = field(20);
  stat.start_ticks_since_boot = field(22);
  stat.virtual_bytes = field(23);
  stat.resident_bytes = field(24) * page;
  return stat;
}

std::optional<double> read_boot_time_seconds() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

std::optional<double> count_open_fds() {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/self/fd", error);
  if (error) return std::nullopt;
  double count = 0.0;
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return std::nullopt;
    ++count;
  }
  // The listing includes the descriptor the iterator itself holds open.
  return count > 0.0 ? count - 1.0 : 0.0;
}

}  // namespace

void register_process_metrics(Registry& registry) {
  // The start time never changes: compute it once, here, where failure can surface.
  std::optional<double> start_time;
  const auto stat = read_proc_stat();
  const auto boot = read_boot_time_seconds();
  if (stat && boot) {
    start_time = *boot + stat->start_ticks_since_boot / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  registry.add_collect_callback([start_time](CallbackSink& sink) {
    if (const auto now = read_proc_stat()) {
      sink.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                   now->cpu_seconds);
      sink.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                 now->resident_bytes);
      sink.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                 now->virtual_bytes);
      sink.gauge("process_threads", "Number of OS threads in the process.", now->threads);
    }
    if (const auto fds = count_open_fds()) {
      sink.gauge("process_open_fds", "Number of open file descriptors.", *fds);
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      sink.gauge("process_max_fds", "Maximum number of open file descriptors.",
                 limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity()
                                                 : static_cast<double>(limit.rlim_cur));
    }
    if (start_time) {
      sink.gauge("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.", *start_time);
    }
  });
}

}  // namespace edaobs::telemetry
