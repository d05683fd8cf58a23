// The logger hands each finished JSON line to ordinary spdlog sinks as well: here spdlog's own
// rotating-file sink, attached in one line, gets the same lines as the main output, rotates, and
// a sink that throws costs only its own copy of a line.
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class LogSinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("edaobs-sinks-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
           "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  LoggerOptions options() {
    LoggerOptions o;
    o.service = "sinks-test";
    o.writer = main_output;
    return o;
  }
  std::filesystem::path dir;
  std::shared_ptr<MemoryLogWriter> main_output = std::make_shared<MemoryLogWriter>();
};

TEST_F(LogSinksTest, ARotatingFileSinkGetsTheSameJsonLines) {
  LoggerOptions o = options();
  o.sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      (dir / "agent.log").string(), 1 << 20, 2));
  {
    Logger log(o);
    for (int i = 0; i < 5; ++i) log.info("order handled", {{"n", i}});
    ASSERT_TRUE(log.flush(5s));
  }
  const std::vector<std::string> file = read_lines(dir / "agent.log");
  ASSERT_EQ(file.size(), 5U);
  EXPECT_EQ(file, main_output->lines()) << "byte for byte the main output's lines";
  const auto first = boost::json::parse(file[0]).as_object();
  EXPECT_EQ(first.at("msg").as_string(), "order handled");
  EXPECT_EQ(first.at("service").as_string(), "sinks-test");
}

TEST_F(LogSinksTest, TheRotatingFileSinkRotates) {
  LoggerOptions o = options();
  o.sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      (dir / "agent.log").string(), 2048, 2));
  {
    Logger log(o);
    for (int i = 0; i < 100; ++i)
      log.info("a line long enough to fill two kilobytes soon", {{"n", i}});
    ASSERT_TRUE(log.flush(5s));
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "agent.1.log")) << "rotated once at least";
  EXPECT_LE(std::filesystem::file_size(dir / "agent.log"), 2048U);
}

// A sink that throws on every line.
class FailingSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg&) override { throw std::runtime_error("disk gone"); }
  void flush_() override {}
};

TEST_F(LogSinksTest, AFailingSinkLosesOnlyItsOwnCopy) {
  LoggerOptions o = options();
  o.sinks.push_back(std::make_shared<FailingSink>());
  Logger log(o);
  for (int i = 0; i < 3; ++i) log.warn("still written", {{"n", i}});
  ASSERT_TRUE(log.flush(5s));
  EXPECT_EQ(main_output->line_count(), 3U);
  EXPECT_EQ(log.stats().sink_failures, 3U);
  EXPECT_EQ(log.stats().lines_dropped, 0U);
}

}  // namespace
}  // namespace edaobs::telemetry
