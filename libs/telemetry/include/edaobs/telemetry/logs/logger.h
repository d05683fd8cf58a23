#pragma once
// Structured JSON logging: spdlog's sink layer behind the project's own non-blocking queue.
//
// On the calling thread a log call captures what belongs to the call site: the time, the ids of
// the span active on this thread *now*, the caller's file:line (std::source_location) and a
// copy of the message and fields, in a compact binary record (no escaping, no number
// formatting) written into a slot of a bounded lock-free queue: no lock, and no allocation once
// the slots have their working size. One worker thread wakes in batches, not per line: a caller
// wakes it only when it sleeps on an empty queue or the queue gets half full; otherwise its
// timer does, at most 10 ms after lines arrived; flush() wakes it at once. It turns each record
// into the JSON line through an spdlog sink and writes the batch in one write. spdlog's pattern
// formatter is never used to build JSON.
//
// Line layout, keys in this order:
//   {"time":"2026-11-23T10:00:00.123Z","level":"INFO","msg":"...","trace_id":"<32 hex>",
//    "span_id":"<16 hex>","service":"...","event_id":...,"event_type":...,"duration_ms":...,
//    "source":"file.cpp:123",<other fields in call order>}
// - trace_id/span_id are omitted when no valid span context is active on the calling thread.
// - event_id, event_type, duration_ms appear only when passed as fields (first occurrence).
// - A field whose key is one of time, level, msg, trace_id, span_id, service, source is written
//   as "field.<key>" so it cannot shadow the fixed keys.
// - Masking: a field whose key matches one of LoggerOptions::masked_keys (ASCII
//   case-insensitive) has its value written as "***" in the line and in what the forwarder gets
//   (the clear value only crosses the in-process queue). The message text is NOT scanned: never
//   put sensitive values into msg, pass them as fields.
// - Strings are escaped per RFC 8259; invalid UTF-8 becomes U+FFFD, so a line is always valid
//   JSON and never contains a raw newline. String values (msg included) longer than
//   max_value_bytes are cut at a UTF-8 boundary and end in "...[truncated]".
// - Numbers: NaN and infinities are written as null.
//
// Never blocks the caller and never throws from a log call: at most queue_size lines wait in
// the queue; when it is full, new lines are discarded and counted in dropped_lines()
// (discard-newest).
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/sink.h>

#include "edaobs/telemetry/logs/log_field.h"
#include "edaobs/telemetry/logs/log_level.h"
#include "edaobs/telemetry/sdk/logs/log_writer.h"

namespace edaobs::telemetry {

class OtlpLogExporter;

// Field keys masked by default. EDAOBS_LOG_MASKED_KEYS adds to them.
inline constexpr std::array<std::string_view, 18> kDefaultMaskedKeys{
    "password", "passwd",      "secret",        "token",  "access_token", "refresh_token",
    "api_key",  "apikey",      "authorization", "cookie", "set-cookie",   "private_key",
    "card",     "card_number", "pan",           "cvv",    "ssn",          "credentials"};

struct LoggerOptions {
  std::string service;
  LogLevel level = LogLevel::kInfo;
  // Compared ASCII case-insensitively; starts with the usual names of secrets and card data
  // (kDefaultMaskedKeys), so a copied agent that logs {"password", p} does not leak it.
  std::vector<std::string> masked_keys{kDefaultMaskedKeys.begin(), kDefaultMaskedKeys.end()};
  std::size_t queue_size = 4096;  // lines in flight before new ones are dropped (>= 1)
  std::string output = "stderr";  // "stderr" | "stdout" | file path
  // When set, lines go here instead of `output` (tests, custom destinations).
  std::shared_ptr<LogWriter> writer;
  std::size_t max_value_bytes = 16 * 1024;  // per string value, msg included; 0 = no limit
  // When set, every record is also handed to it after its line is formatted (OTLP logs); the
  // logging worker does this, never the caller. Telemetry sets it from OTEL_LOGS_EXPORTER.
  std::shared_ptr<OtlpLogExporter> otlp_exporter;
  // Ordinary spdlog sinks that also get every finished JSON line (their pattern is set to "%v":
  // the line is complete), from the logging worker, never from the caller. E.g. a rotating file:
  //   options.logging.sinks.push_back(
  //       std::make_shared<spdlog::sinks::rotating_file_sink_mt>("agent.log", 10 << 20, 5));
  // A sink that throws loses that line only (counted in LoggerStats::sink_failures).
  std::vector<std::shared_ptr<spdlog::sinks::sink>> sinks;

  // Defaults overridden by EDAOBS_LOG_LEVEL, EDAOBS_LOG_OUTPUT, EDAOBS_LOG_MASKED_KEYS
  // (comma-separated), EDAOBS_LOG_QUEUE_SIZE and OTEL_SERVICE_NAME when they are set and not
  // empty. A bad value throws ConfigError naming the variable.
  [[nodiscard]] static LoggerOptions from_env(LoggerOptions defaults);
  [[nodiscard]] static LoggerOptions from_env();
};

struct LoggerStats {
  std::uint64_t lines_written = 0;       // handed to the writer successfully
  std::uint64_t lines_dropped = 0;       // queue full, write failure or internal error
  std::uint64_t forwarded_lines = 0;     // forwarder calls that returned normally
  std::uint64_t forwarder_failures = 0;  // forwarder calls that threw (swallowed)
  std::size_t lines_in_flight = 0;       // accepted, not yet written
  std::uint64_t sink_failures = 0;       // lines an extra spdlog sink threw on
};

class Logger {
 public:
  using Forwarder = std::function<void(std::string_view json_line)>;

  // Throws std::invalid_argument on a bad option (queue_size 0, an output that cannot be opened).
  explicit Logger(LoggerOptions options);
  // Flushes (bounded wait) and stops the worker; lines still queued are written first.
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  Logger(Logger&&) = delete;
  Logger& operator=(Logger&&) = delete;

  void debug(std::string_view msg, std::initializer_list<LogField> fields = {},
             std::source_location where = std::source_location::current()) noexcept {
    log(LogLevel::kDebug, msg, std::span<const LogField>(fields.begin(), fields.size()), where);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {},
            std::source_location where = std::source_location::current()) noexcept {
    log(LogLevel::kInfo, msg, std::span<const LogField>(fields.begin(), fields.size()), where);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {},
            std::source_location where = std::source_location::current()) noexcept {
    log(LogLevel::kWarn, msg, std::span<const LogField>(fields.begin(), fields.size()), where);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {},
             std::source_location where = std::source_location::current()) noexcept {
    log(LogLevel::kError, msg, std::span<const LogField>(fields.begin(), fields.size()), where);
  }
  void log(LogLevel level, std::string_view msg, std::span<const LogField> fields = {},
           std::source_location where = std::source_location::current()) noexcept {
    if (enabled(level)) {
      write_line(level, msg, fields, where);
    }
  }

  [[nodiscard]] bool enabled(LogLevel level) const noexcept {
    return level >= level_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] LogLevel level() const noexcept { return level_.load(std::memory_order_relaxed); }
  void set_level(LogLevel level) noexcept { level_.store(level, std::memory_order_relaxed); }

  // Lines at or above `min_level` are also passed (without the trailing '\n') to `forwarder`,
  // e.g. a Kafka publisher. It runs on the logging worker thread, after the line is queued for
  // output, never on the caller's thread; a slow forwarder slows the worker, which makes callers
  // drop lines (counted) rather than wait. Exceptions it throws are swallowed and counted. After
  // set_forwarder() returns, the previous forwarder is no longer running or called. An empty
  // function removes the forwarder.
  void set_forwarder(LogLevel min_level, Forwarder forwarder);

  // Wakes the worker (without waiting for its batch timer) and waits until every line accepted
  // so far is written (or dropped) and the writer flushed. Returns false if `timeout` passed
  // first, or when called from the forwarder (the worker cannot wait for itself). Never throws.
  bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(5)) noexcept;

  [[nodiscard]] std::uint64_t dropped_lines() const noexcept;
  [[nodiscard]] std::uint64_t written_lines() const noexcept;
  [[nodiscard]] std::uint64_t forwarder_failures() const noexcept;
  [[nodiscard]] LoggerStats stats() const noexcept;

 private:
  struct Impl;

  void write_line(LogLevel level, std::string_view msg, std::span<const LogField> fields,
                  const std::source_location& where) noexcept;

  std::atomic<LogLevel> level_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edaobs::telemetry
