#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/logs/logger.h"
#include "edaobs/telemetry/testing/memory_log_writer.h"
#include "edaobs/telemetry/trace/span_context.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

struct Capture {
  std::shared_ptr<MemoryLogWriter> writer = std::make_shared<MemoryLogWriter>();
  std::unique_ptr<Logger> logger;

  explicit Capture(LoggerOptions options = {}) {
    options.writer = writer;
    if (options.service.empty()) {
      options.service = "test-service";
    }
    logger = std::make_unique<Logger>(std::move(options));
  }

  // Flushes and parses every line; fails the test on a line that is not a JSON object.
  std::vector<boost::json::object> objects() {
    EXPECT_TRUE(logger->flush(5s));
    std::vector<boost::json::object> result;
    for (const std::string& line : writer->lines()) {
      boost::system::error_code error;
      boost::json::value value = boost::json::parse(line, error);
      EXPECT_FALSE(error) << "not JSON: " << line;
      EXPECT_TRUE(value.is_object()) << line;
      if (!error && value.is_object()) {
        result.push_back(std::move(value.as_object()));
      }
    }
    return result;
  }
};

std::vector<std::string> keys_of(const boost::json::object& object) {
  std::vector<std::string> keys;
  for (const auto& entry : object) {
    keys.emplace_back(entry.key());
  }
  return keys;
}

SpanContext make_context(std::uint8_t seed) {
  SpanContext context;
  for (std::size_t i = 0; i < context.trace_id.bytes.size(); ++i) {
    context.trace_id.bytes[i] = static_cast<std::uint8_t>(seed + i);
  }
  for (std::size_t i = 0; i < context.span_id.bytes.size(); ++i) {
    context.span_id.bytes[i] = static_cast<std::uint8_t>(seed * 3 + i + 1);
  }
  context.trace_flags = kTraceFlagSampled;
  return context;
}

TEST(Logger, HostileMessagesEachYieldOneParseableLine) {
  std::vector<std::string> messages = {
      R"(she said "hi" and left)",
      R"(C:\path\to\file \" \\ \n literally)",
      "line one\nline two\nline three",
      "carriage\rreturn\r\n and tab\t.",
      std::string("nul\0inside", 10),
      "{\"json\":\"inside\"}\n}",
      "unicode caf\xC3\xA9 \xF0\x9F\x98\x80 \xE2\x80\xA8 sep",
      "",
  };
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) {
    all_controls.push_back(static_cast<char>(c));
  }
  messages.push_back(all_controls);
  messages.push_back(std::string(100'000, '"'));

  LoggerOptions options;
  options.max_value_bytes = 0;
  Capture capture(options);
  for (const std::string& message : messages) {
    capture.logger->info(message, {{"echo", message}});
  }
  const auto objects = capture.objects();
  const std::string text = capture.writer->text();
  EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), messages.size());
  ASSERT_EQ(objects.size(), messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(objects[i].at("msg").as_string(), messages[i]) << "message " << i;
    EXPECT_EQ(objects[i].at("echo").as_string(), messages[i]) << "field " << i;
  }
}

TEST(Logger, InvalidUtf8StillGivesValidJson) {
  Capture capture;
  capture.logger->error("bad \xC0\xAF bytes \xFF end", {{"raw", "\xED\xA0\x80"}});
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].at("msg").as_string(),
            "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD end");
  EXPECT_EQ(objects[0].at("raw").as_string(), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Logger, LongValuesAreCutAtACodePointAndMarked) {
  LoggerOptions options;
  options.max_value_bytes = 1000;
  Capture capture(options);
  // 3-byte characters, so a cut at byte 1000 falls inside one and must step back.
  std::string euro_signs;
  for (int i = 0; i < 2000; ++i) {
    euro_signs += "\xE2\x82\xAC";
  }
  capture.logger->info(euro_signs);
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  const std::string msg(objects[0].at("msg").as_string());
  const std::string marker = "...[truncated]";
  ASSERT_GT(msg.size(), marker.size());
  EXPECT_EQ(msg.substr(msg.size() - marker.size()), marker);
  const std::string kept = msg.substr(0, msg.size() - marker.size());
  EXPECT_EQ(kept.size(), 999U);  // 333 whole characters
  EXPECT_EQ(kept, euro_signs.substr(0, 999));
}

TEST(Logger, KeysComeInTheDocumentedOrder) {
  Capture capture;
  const SpanContext context = make_context(7);
  {
    const ActiveContextScope scope(context);
    capture.logger->warn("processed", {{"attempt", 2},
                                       {"duration_ms", 12.5},
                                       {"event_type", "order.created"},
                                       {"topic", "orders"},
                                       {"event_id", "e-42"}});
  }
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  const std::vector<std::string> expected = {"time",        "level",   "msg",      "trace_id",
                                             "span_id",     "service", "event_id", "event_type",
                                             "duration_ms", "source",  "attempt",  "topic"};
  EXPECT_EQ(keys_of(objects[0]), expected);
  EXPECT_EQ(objects[0].at("level").as_string(), "WARN");
  EXPECT_EQ(objects[0].at("service").as_string(), "test-service");
  EXPECT_EQ(objects[0].at("event_id").as_string(), "e-42");
  EXPECT_EQ(objects[0].at("duration_ms").as_double(), 12.5);
  EXPECT_EQ(objects[0].at("attempt").as_int64(), 2);
}

TEST(Logger, TimeIsRfc3339UtcWithMillisecondsAndCurrent) {
  Capture capture;
  const auto before =
      std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  capture.logger->info("tick");
  const auto after = std::chrono::system_clock::now();
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  const std::string time(objects[0].at("time").as_string());
  ASSERT_TRUE(std::regex_match(time, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << time;
  std::tm parts{};
  parts.tm_year = std::stoi(time.substr(0, 4)) - 1900;
  parts.tm_mon = std::stoi(time.substr(5, 2)) - 1;
  parts.tm_mday = std::stoi(time.substr(8, 2));
  parts.tm_hour = std::stoi(time.substr(11, 2));
  parts.tm_min = std::stoi(time.substr(14, 2));
  parts.tm_sec = std::stoi(time.substr(17, 2));
  const auto logged = std::chrono::system_clock::from_time_t(::timegm(&parts)) +
                      std::chrono::milliseconds(std::stoi(time.substr(20, 3)));
  EXPECT_GE(logged, before);
  EXPECT_LE(logged, after);
}

TEST(Logger, TraceIdsComeFromTheCallSitesActiveSpan) {
  Capture capture;
  const SpanContext outer = make_context(1);
  const SpanContext inner = make_context(100);
  capture.logger->info("no span");
  {
    const ActiveContextScope outer_scope(outer);
    capture.logger->info("outer");
    {
      const ActiveContextScope inner_scope(inner);
      // Another thread with its own span logs at the same time: each line keeps its own ids.
      std::thread other([&] {
        const SpanContext theirs = make_context(200);
        const ActiveContextScope their_scope(theirs);
        capture.logger->info("other thread");
      });
      other.join();
      capture.logger->info("inner");
    }
  }
  capture.logger->info("after scope");
  // Lines were formatted while the scopes were active, though written only now.
  auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 5U);
  std::map<std::string, boost::json::object> by_msg;
  for (auto& object : objects) {
    by_msg[std::string(object.at("msg").as_string())] = object;
  }
  EXPECT_FALSE(by_msg["no span"].contains("trace_id"));
  EXPECT_FALSE(by_msg["no span"].contains("span_id"));
  EXPECT_FALSE(by_msg["after scope"].contains("trace_id"));
  EXPECT_EQ(by_msg["outer"].at("trace_id").as_string(), outer.trace_id.hex());
  EXPECT_EQ(by_msg["outer"].at("span_id").as_string(), outer.span_id.hex());
  EXPECT_EQ(by_msg["inner"].at("trace_id").as_string(), inner.trace_id.hex());
  EXPECT_EQ(by_msg["inner"].at("span_id").as_string(), inner.span_id.hex());
  const SpanContext theirs = make_context(200);
  EXPECT_EQ(by_msg["other thread"].at("trace_id").as_string(), theirs.trace_id.hex());
  EXPECT_EQ(by_msg["other thread"].at("span_id").as_string(), theirs.span_id.hex());
}

TEST(Logger, SourceIsTheCallersFileAndLine) {
  Capture capture;
  const auto line = __LINE__ + 1;
  capture.logger->error("here");
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].at("source").as_string(), "logs_logger_test.cpp:" + std::to_string(line));
}

TEST(Logger, LevelFiltering) {
  LoggerOptions options;
  options.level = LogLevel::kWarn;
  Capture capture(options);
  capture.logger->debug("d");
  capture.logger->info("i");
  capture.logger->warn("w");
  capture.logger->error("e");
  EXPECT_FALSE(capture.logger->enabled(LogLevel::kInfo));
  capture.logger->set_level(LogLevel::kDebug);
  capture.logger->debug("d2");
  capture.logger->log(LogLevel::kInfo, "i2");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& object : capture.objects()) {
    seen.emplace_back(object.at("level").as_string(), object.at("msg").as_string());
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"WARN", "w"}, {"ERROR", "e"}, {"DEBUG", "d2"}, {"INFO", "i2"}};
  EXPECT_EQ(seen, expected);
}

TEST(Logger, MaskedKeysAreCaseInsensitiveAndMsgIsNotScanned) {
  LoggerOptions options;
  options.masked_keys = {"Password", "token", "card_number"};
  Capture capture(options);
  capture.logger->info("password=visible-in-msg", {{"password", "hunter2"},
                                                   {"TOKEN", "abc"},
                                                   {"card_number", 4111111111111111},
                                                   {"user", "ann"},
                                                   {"event_id", "e1"}});
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].at("password").as_string(), "***");
  EXPECT_EQ(objects[0].at("TOKEN").as_string(), "***");
  EXPECT_EQ(objects[0].at("card_number").as_string(), "***");
  EXPECT_EQ(objects[0].at("user").as_string(), "ann");
  EXPECT_EQ(objects[0].at("event_id").as_string(), "e1");
  EXPECT_EQ(objects[0].at("msg").as_string(), "password=visible-in-msg");
  EXPECT_EQ(capture.writer->text().find("hunter2"), std::string::npos);
}

TEST(Logger, ValueTypesMapToJson) {
  Capture capture;
  capture.logger->info("values", {{"int", -17},
                                  {"big", std::numeric_limits<std::uint64_t>::max()},
                                  {"ratio", 0.25},
                                  {"nan", std::nan("")},
                                  {"inf", std::numeric_limits<double>::infinity()},
                                  {"yes", true},
                                  {"no", false},
                                  {"elapsed", std::chrono::microseconds(1500)},
                                  {"text", std::string("owned")}});
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  const auto& o = objects[0];
  EXPECT_EQ(o.at("int").as_int64(), -17);
  EXPECT_DOUBLE_EQ(o.at("big").as_double(), 18446744073709551615.0);
  EXPECT_EQ(o.at("ratio").as_double(), 0.25);
  EXPECT_TRUE(o.at("nan").is_null());
  EXPECT_TRUE(o.at("inf").is_null());
  EXPECT_EQ(o.at("yes").as_bool(), true);
  EXPECT_EQ(o.at("no").as_bool(), false);
  EXPECT_EQ(o.at("elapsed").as_double(), 1.5);
  EXPECT_EQ(o.at("text").as_string(), "owned");
}

TEST(Logger, FieldsNamedLikeFixedKeysAreRenamed) {
  Capture capture;
  capture.logger->info("real", {{"msg", "fake"}, {"source", "x.cpp:1"}, {"we\"ird", 1}});
  const auto objects = capture.objects();
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].at("msg").as_string(), "real");
  EXPECT_EQ(objects[0].at("field.msg").as_string(), "fake");
  EXPECT_EQ(objects[0].at("field.source").as_string(), "x.cpp:1");
  EXPECT_EQ(objects[0].at("we\"ird").as_int64(), 1);
}

TEST(Logger, WritesToAFileAndDestructorFlushes) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("edaobs_logs_test_" + std::to_string(::getpid()) + ".jsonl");
  std::filesystem::remove(path);
  {
    LoggerOptions options;
    options.output = path.string();
    options.service = "file-test";
    Logger logger(options);
    for (int i = 0; i < 100; ++i) {
      logger.info("line", {{"i", i}});
    }
  }
  std::ifstream in(path);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    const auto value = boost::json::parse(line);
    EXPECT_EQ(value.at("i").as_int64(), count);
    EXPECT_EQ(value.at("service").as_string(), "file-test");
    ++count;
  }
  EXPECT_EQ(count, 100);
  std::filesystem::remove(path);
}

TEST(Logger, SeveralLoggersCoexist) {
  LoggerOptions first_options;
  first_options.service = "first";
  LoggerOptions second_options;
  second_options.service = "second";
  Capture first(first_options);
  Capture second(second_options);
  first.logger->info("a");
  second.logger->info("b");
  first.logger->info("c");
  const auto first_lines = first.objects();
  const auto second_lines = second.objects();
  ASSERT_EQ(first_lines.size(), 2U);
  ASSERT_EQ(second_lines.size(), 1U);
  EXPECT_EQ(first_lines[1].at("msg").as_string(), "c");
  EXPECT_EQ(second_lines[0].at("service").as_string(), "second");
}

TEST(Logger, BadOptionsThrowAtConstruction) {
  LoggerOptions bad_path;
  bad_path.output = "/nonexistent-dir-for-edaobs/x.log";
  EXPECT_THROW(Logger{bad_path}, std::invalid_argument);
  LoggerOptions zero_queue;
  zero_queue.writer = std::make_shared<MemoryLogWriter>();
  zero_queue.queue_size = 0;
  EXPECT_THROW(Logger{zero_queue}, std::invalid_argument);
}

}  // namespace
}  // namespace edaobs::telemetry
