// The OTLP log exporter behind a Logger, against a fake Collector on 127.0.0.1: records arrive as
// protobuf at /v1/logs while the JSON lines stay as they are; a full queue drops and counts; a
// Collector that never answers slows neither the log calls nor the JSON lines, and shutdown stays
// bounded; shutdown sends what is queued; a 503 is retried; and the OTEL_* settings.

// GCC 12 reports -Wnull-dereference inside Asio once inlined here (third-party false positive);
// it must be off before the Asio headers are read.
#pragma GCC diagnostic ignored "-Wnull-dereference"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"

namespace edaobs::telemetry {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Request {
  std::string target;
  std::string content_type;
  std::string body;
};

// Answers each request with the next status of its script (the last repeats); status 0 means
// "read the request and never answer" (a hung Collector), until the server is destroyed.
class FakeCollector {
 public:
  explicit FakeCollector(std::vector<int> script) : script_(std::move(script)), acceptor_(io_) {
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~FakeCollector() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (const int fd = active_fd_.load(); fd >= 0) {
      ::shutdown(fd, SHUT_RDWR);
    }
    beast::error_code ignored;
    tcp::socket poke(io_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ignored);
    thread_.join();
  }

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs";
  }
  [[nodiscard]] std::vector<Request> requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
  }
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

 private:
  void run() {
    for (;;) {
      tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      {
        const std::lock_guard lock(mutex_);
        if (stopping_) {
          return;
        }
      }
      if (!ec) {
        active_fd_ = socket.native_handle();
        serve(socket);
        active_fd_ = -1;
      }
    }
  }

  void serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      beast::error_code ec;
      http::read(socket, buffer, request, ec);
      if (ec) {
        return;
      }
      int status = 200;
      {
        std::unique_lock lock(mutex_);
        requests_.push_back({std::string(request.target()),
                             std::string(request[http::field::content_type]), request.body()});
        status = script_[std::min(requests_.size() - 1, script_.size() - 1)];
        changed_.notify_all();
        if (status == 0) {
          changed_.wait(lock, [&] { return stopping_; });
          return;
        }
      }
      http::response<http::string_body> response(static_cast<http::status>(status), 11);
      response.set(http::field::content_type, "application/x-protobuf");
      response.keep_alive(true);
      response.prepare_payload();
      http::write(socket, response, ec);
      if (ec) {
        return;
      }
    }
  }

  std::vector<int> script_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<int> active_fd_{-1};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<Request> requests_;
};

Resource test_resource() {
  Resource resource;
  resource.set("service.name", std::string("otlp-log-test"));
  return resource;
}

OtlpLogExporterOptions options_for(const FakeCollector& collector) {
  OtlpLogExporterOptions options;
  options.endpoint = collector.url();
  options.schedule_delay = 60s;  // tests send by flush, shutdown or a full batch
  options.initial_backoff = 10ms;
  options.max_backoff = 20ms;
  return options;
}

struct LoggedAgent {
  explicit LoggedAgent(std::shared_ptr<OtlpLogExporter> otlp) : exporter(std::move(otlp)) {
    LoggerOptions options;
    options.service = "otlp-log-test";
    options.writer = lines;
    options.otlp_exporter = exporter;
    logger.emplace(options);
  }
  std::shared_ptr<MemoryLogWriter> lines = std::make_shared<MemoryLogWriter>();
  std::shared_ptr<OtlpLogExporter> exporter;
  std::optional<Logger> logger;
};

TEST(OtlpLogExporter, RecordsReachTheCollectorAsProtobufBesideTheJsonLines) {
  FakeCollector collector({200});
  LoggedAgent agent(std::make_shared<OtlpLogExporter>(options_for(collector), test_resource(),
                                                      std::vector<std::string>{}));
  agent.logger->info("first line", {{"event_id", "e-1"}});
  agent.logger->warn("second line");
  agent.logger->error("third line", {{"attempt", 2}});
  ASSERT_TRUE(agent.logger->flush(5s));
  ASSERT_TRUE(agent.exporter->force_flush(5s));

  const std::vector<Request> requests = collector.requests();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].target, "/v1/logs");
  EXPECT_EQ(requests[0].content_type, "application/x-protobuf");
  for (const char* text : {"first line", "second line", "third line", "e-1", "otlp-log-test"}) {
    EXPECT_NE(requests[0].body.find(text), std::string::npos) << text;
  }
  const LogExportStats stats = agent.exporter->stats();
  EXPECT_EQ(stats.exported, 3U);
  EXPECT_EQ(stats.dropped, 0U);
  EXPECT_EQ(stats.failed, 0U);
  EXPECT_EQ(stats.export_failures, 0U);
  ASSERT_EQ(agent.lines->line_count(), 3U);
  EXPECT_TRUE(agent.lines->lines()[0].starts_with(R"({"time":")"));
}

TEST(OtlpLogExporter, AFullQueueDropsTheNewestRecordsAndCountsThem) {
  FakeCollector collector({0});  // takes the first batch and never answers
  OtlpLogExporterOptions options = options_for(collector);
  options.max_queue_size = 4;
  options.max_export_batch_size = 4;
  options.timeout = 60s;
  options.export_timeout = 60s;
  LoggedAgent agent(
      std::make_shared<OtlpLogExporter>(options, test_resource(), std::vector<std::string>{}));
  for (int i = 0; i < 4; ++i) {
    agent.logger->info("fills the first batch", {{"i", i}});
  }
  ASSERT_TRUE(collector.wait_for_requests(1, 10s));  // the worker is stuck on it now
  for (int i = 0; i < 96; ++i) {
    agent.logger->info("waits or is dropped", {{"i", i}});
  }
  ASSERT_TRUE(agent.logger->flush(5s));
  LogExportStats stats = agent.exporter->stats();
  EXPECT_EQ(stats.dropped, 92U);  // 4 in flight, 4 queued, the rest dropped
  EXPECT_EQ(stats.queue_size, 4U);
  EXPECT_EQ(agent.lines->line_count(), 100U);  // the JSON lines lose nothing
  EXPECT_EQ(agent.logger->dropped_lines(), 0U);

  const auto started = Clock::now();
  EXPECT_FALSE(agent.exporter->shutdown(200ms));
  EXPECT_LT(Clock::now() - started, 5s);
  stats = agent.exporter->stats();
  EXPECT_EQ(stats.exported, 0U);
  EXPECT_EQ(stats.exported + stats.dropped + stats.failed, 100U);
  EXPECT_GE(stats.export_failures, 1U);
}

TEST(OtlpLogExporter, AHungCollectorNeverSlowsTheLogger) {
  FakeCollector collector({0});
  OtlpLogExporterOptions options = options_for(collector);
  options.max_export_batch_size = 8;
  options.timeout = 60s;
  options.export_timeout = 60s;
  LoggedAgent agent(
      std::make_shared<OtlpLogExporter>(options, test_resource(), std::vector<std::string>{}));
  constexpr int kLines = 5000;
  // In bursts the logger's own queue holds: the JSON lines are all written although the export
  // worker is stuck on its first batch, and each flush returns as soon as they are.
  for (int burst = 0; burst < 5; ++burst) {
    for (int i = 0; i < kLines / 5; ++i) {
      agent.logger->info("line while the Collector hangs", {{"i", i}});
    }
    ASSERT_TRUE(agent.logger->flush(5s));
  }
  EXPECT_EQ(agent.lines->line_count(), static_cast<std::size_t>(kLines));
  EXPECT_EQ(agent.logger->dropped_lines(), 0U);
  ASSERT_TRUE(collector.wait_for_requests(1, 10s));
  EXPECT_GT(agent.exporter->stats().dropped, 0U);

  const auto started = Clock::now();
  EXPECT_FALSE(agent.exporter->shutdown(300ms));
  EXPECT_LT(Clock::now() - started, 5s);
  const LogExportStats stats = agent.exporter->stats();
  EXPECT_EQ(stats.exported + stats.dropped + stats.failed, static_cast<std::uint64_t>(kLines));
}

TEST(OtlpLogExporter, ShutdownSendsWhatIsQueuedAndLaterRecordsAreDropped) {
  FakeCollector collector({200});
  LoggedAgent agent(std::make_shared<OtlpLogExporter>(options_for(collector), test_resource(),
                                                      std::vector<std::string>{}));
  for (int i = 0; i < 10; ++i) {
    agent.logger->info("queued before shutdown", {{"i", i}});
  }
  ASSERT_TRUE(agent.logger->flush(5s));
  EXPECT_EQ(collector.requests().size(), 0U);  // the 60 s schedule delay has not passed
  EXPECT_TRUE(agent.exporter->shutdown(5s));
  EXPECT_EQ(collector.requests().size(), 1U);
  EXPECT_EQ(agent.exporter->stats().exported, 10U);

  agent.logger->info("after shutdown");
  ASSERT_TRUE(agent.logger->flush(5s));
  EXPECT_EQ(agent.exporter->stats().dropped, 1U);
  EXPECT_EQ(agent.lines->line_count(), 11U);
}

TEST(OtlpLogExporter, AServiceUnavailableIsRetried) {
  FakeCollector collector({503, 200});
  LoggedAgent agent(std::make_shared<OtlpLogExporter>(options_for(collector), test_resource(),
                                                      std::vector<std::string>{}));
  agent.logger->info("retried once");
  ASSERT_TRUE(agent.logger->flush(5s));
  ASSERT_TRUE(agent.exporter->force_flush(10s));
  EXPECT_EQ(collector.requests().size(), 2U);
  const LogExportStats stats = agent.exporter->stats();
  EXPECT_EQ(stats.exported, 1U);
  EXPECT_EQ(stats.export_failures, 0U);
}

TEST(OtlpLogExporter, ABadRequestFailsTheBatchAtOnce) {
  FakeCollector collector({400});
  LoggedAgent agent(std::make_shared<OtlpLogExporter>(options_for(collector), test_resource(),
                                                      std::vector<std::string>{}));
  agent.logger->info("rejected");
  agent.logger->info("rejected too");
  ASSERT_TRUE(agent.logger->flush(5s));
  ASSERT_TRUE(agent.exporter->force_flush(10s));
  EXPECT_EQ(collector.requests().size(), 1U);
  const LogExportStats stats = agent.exporter->stats();
  EXPECT_EQ(stats.failed, 2U);
  EXPECT_EQ(stats.export_failures, 1U);
}

TEST(OtlpLogExporter, MaskedFieldsAreNotSentInClear) {
  FakeCollector collector({200});
  LoggedAgent agent(std::make_shared<OtlpLogExporter>(options_for(collector), test_resource(),
                                                      std::vector<std::string>{"password"}));
  agent.logger->info("login", {{"PASSWORD", "hunter2"}});
  ASSERT_TRUE(agent.logger->flush(5s));
  ASSERT_TRUE(agent.exporter->force_flush(5s));
  ASSERT_EQ(collector.requests().size(), 1U);
  EXPECT_EQ(collector.requests()[0].body.find("hunter2"), std::string::npos);
  EXPECT_NE(collector.requests()[0].body.find("***"), std::string::npos);
}

}  // namespace
}  // namespace edaobs::telemetry
