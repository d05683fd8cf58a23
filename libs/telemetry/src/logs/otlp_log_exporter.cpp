#include "edaobs/telemetry/sdk/logs/otlp_log_exporter.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <stdexcept>
#include <thread>

#include "edaobs/telemetry/sdk/trace/id_generator.h"
#include "edaobs/telemetry/sdk/trace/otlp_response.h"

#include "concurrency/sequenced_ring.h"
#include "logs/otlp_logs_protobuf.h"
#include "logs/queued_record.h"
#include "trace/gzip_compressor.h"
#include "trace/http_post_client.h"

namespace edaobs::telemetry {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// As in the Logger's own queue: a slot keeps a typical record's buffer, not a huge one's.
constexpr std::size_t kKeptRecordBytes = 1024;

detail::HttpPostClientOptions client_options(OtlpLogExporterOptions& options) {
  return {
      .content_type = "application/x-protobuf",
      .content_encoding = options.compression == OtlpCompression::kGzip ? "gzip" : "",
      .resolve = std::move(options.resolve),
  };
}

const OtlpLogExporterOptions& checked(const OtlpLogExporterOptions& options) {
  if (options.max_queue_size == 0 || options.max_export_batch_size == 0) {
    throw std::invalid_argument("OTLP log exporter: queue and batch sizes must be at least 1");
  }
  return options;
}

bool is_retryable_status(int s) { return s == 429 || s == 502 || s == 503 || s == 504; }

// Retry-After in seconds (what OTLP receivers send) is a floor on the backoff, capped at a minute.
milliseconds retry_delay(std::string_view retry_after, milliseconds jittered_backoff) {
  std::uint32_t seconds = 0;
  const auto [ptr, ec] =
      std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
  if (retry_after.empty() || ec != std::errc{} || ptr != retry_after.data() + retry_after.size()) {
    return jittered_backoff;
  }
  return std::max(jittered_backoff, std::min(milliseconds(std::int64_t{seconds} * 1000),
                                             OtlpHttpExporterOptions::kMaxRetryAfter));
}

}  // namespace

std::string otlp_logs_url_from_base(std::string_view base_url) {
  std::string url(base_url);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url + "/v1/logs";
}

struct OtlpLogExporter::State {
  State(OtlpLogExporterOptions opts, Resource res, const std::vector<std::string>& masked_keys)
      : options(std::move(opts)),
        resource(std::move(res)),
        masked(masked_keys),
        endpoint(parse_http_endpoint(options.endpoint)),
        client(endpoint, options.headers, client_options(options)),
        batch_size(std::min(checked(options).max_export_batch_size, options.max_queue_size)),
        ring(options.max_queue_size) {
    if (options.compression == OtlpCompression::kGzip) {
      gzip.emplace();
    }
    scratch.fields.reserve(16);
  }

  struct Wake {
    bool stop = false;
    std::uint64_t flush_generation = 0;
    Clock::time_point stop_deadline = Clock::time_point::max();
  };

  void run() noexcept;
  Wake wait_for_work(Clock::time_point next_export);
  void export_batch(std::uint64_t count, Clock::time_point deadline) noexcept;
  bool post(std::uint64_t records, Clock::time_point deadline);
  bool wait_cancellable(milliseconds delay) {
    std::unique_lock lock(mutex);
    return !cancel_wake.wait_for(lock, delay, [&] { return cancelled.load(); });
  }

  OtlpLogExporterOptions options;
  Resource resource;
  MaskedKeys masked;
  HttpEndpoint endpoint;
  detail::HttpPostClient client;
  std::optional<detail::GzipCompressor> gzip;
  const std::size_t batch_size;
  detail::SequencedRing<QueuedRecord, 64> ring;

  // The export worker's own, reused from batch to batch.
  std::string body;
  std::string compressed;
  DecodedRecord scratch;

  std::atomic<bool> closed{false};
  std::atomic<bool> batch_wake_sent{false};
  std::atomic<bool> cancelled{false};
  alignas(64) std::atomic<std::uint64_t> dropped{0};
  alignas(64) std::atomic<std::uint64_t> exported{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> export_failures{0};

  std::mutex mutex;
  std::condition_variable wake;         // the worker waits here
  std::condition_variable settled;      // force_flush() and shutdown() wait here
  std::condition_variable cancel_wake;  // a retry's backoff waits here
  bool stop_requested = false;
  Clock::time_point stop_deadline = Clock::time_point::max();
  std::uint64_t flush_requested = 0;
  std::uint64_t flush_completed = 0;
  bool done = false;
  bool shut_down = false;
  bool shutdown_in_time = true;

  std::thread worker;  // last: started once everything above is ready
};

OtlpLogExporter::State::Wake OtlpLogExporter::State::wait_for_work(Clock::time_point next_export) {
  std::unique_lock lock(mutex);
  batch_wake_sent.store(false);
  wake.wait_until(lock, next_export, [&] {
    return stop_requested || flush_requested != flush_completed || ring.size() >= batch_size;
  });
  return Wake{stop_requested, flush_requested, stop_deadline};
}

void OtlpLogExporter::State::run() noexcept {
  // A zero delay (allowed by the setting) must not make an idle worker spin.
  const milliseconds delay = std::max(options.schedule_delay, milliseconds(1));
  Clock::time_point next_export = Clock::now() + delay;
  for (;;) {
    Wake w{false, 0, Clock::time_point::max()};
    try {
      const Wake woken = wait_for_work(next_export);
      w.stop = woken.stop;
      w.flush_generation = woken.flush_generation;
      w.stop_deadline = woken.stop_deadline;
    } catch (...) {
      std::this_thread::sleep_for(milliseconds(10));  // only a mutex failure could get here
    }
    // Whatever was offered up to now goes out, a batch at a time; later records wait for the
    // next wake-up, so a steady stream is sent in full batches or once per schedule_delay.
    const std::uint64_t target = ring.claimed();
    while (ring.popped() < target) {
      const Clock::time_point deadline =
          std::min(Clock::now() + options.export_timeout, w.stop_deadline);
      export_batch(std::min<std::uint64_t>(batch_size, target - ring.popped()), deadline);
    }
    next_export = Clock::now() + delay;
    try {
      {
        const std::lock_guard lock(mutex);
        flush_completed = w.flush_generation;
        if (w.stop) {
          done = true;
        }
      }
      settled.notify_all();
    } catch (...) {
    }
    if (w.stop) {
      return;
    }
  }
}

void OtlpLogExporter::State::export_batch(std::uint64_t count,
                                          Clock::time_point deadline) noexcept {
  std::uint64_t records = 0;
  bool encoded = true;
  try {
    OtlpLogsProtobufWriter writer(body, resource, masked);
    for (std::uint64_t taken = 0; taken < count;) {
      QueuedRecord* record = ring.front();
      if (record == nullptr) {
        std::this_thread::yield();  // claimed, still being copied by the log worker
        continue;
      }
      const std::string_view payload(record->payload.data(), record->payload.size());
      if (record->complete && decode_log_record(payload, scratch)) {
        ++records;
        try {
          if (encoded) {
            writer.add({record->level, record->time, record->file != nullptr ? record->file : "",
                        record->line, &scratch});
          }
        } catch (...) {
          encoded = false;  // a half-written record spoils the body: the batch's records are lost
        }
      } else {
        failed.fetch_add(1, std::memory_order_relaxed);  // the log worker could not copy it
      }
      record->payload.release_if_larger_than(kKeptRecordBytes);
      ring.pop();
      ++taken;
    }
    if (encoded) {
      writer.finish();
    }
  } catch (...) {
    encoded = false;  // the writer could not start or finish (allocation failure)
  }
  if (encoded && gzip) {
    try {
      gzip->compress(body, compressed);
    } catch (...) {
      encoded = false;
    }
  }
  if (records == 0) {
    return;
  }
  bool ok = false;
  if (encoded) {
    try {
      ok = post(records, deadline);
    } catch (...) {
      ok = false;
    }
  }
  if (!ok) {
    failed.fetch_add(records, std::memory_order_relaxed);
    export_failures.fetch_add(1, std::memory_order_relaxed);
  }
}

bool OtlpLogExporter::State::post(std::uint64_t records, Clock::time_point deadline) {
  const std::string_view payload = gzip ? std::string_view(compressed) : std::string_view(body);
  if (options.body_sink) {
    const bool accepted = options.body_sink(payload);
    if (accepted) {
      exported.fetch_add(records, std::memory_order_relaxed);
    }
    return accepted;
  }
  milliseconds backoff = std::max(options.initial_backoff, milliseconds(1));
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (cancelled.load() || now >= deadline) {
      return false;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    const detail::HttpPostResult result =
        client.post(payload, std::max(std::min(options.timeout, remaining), milliseconds(1)));
    if (!result.transport_error && result.status >= 200 && result.status < 300) {
      // ExportLogsPartialSuccess has the trace response's layout: field 1 counts rejections.
      std::uint64_t rejected = 0;
      if (!result.body.empty() && result.content_type.find("json") == std::string::npos) {
        if (const auto partial = parse_otlp_traces_response_protobuf(result.body);
            partial && partial->rejected_spans > 0) {
          rejected = std::min(records, static_cast<std::uint64_t>(partial->rejected_spans));
        }
      }
      exported.fetch_add(records - rejected, std::memory_order_relaxed);
      failed.fetch_add(rejected, std::memory_order_relaxed);
      return true;
    }
    const bool retryable =
        result.transport_error ? !result.aborted : is_retryable_status(result.status);
    if (!retryable) {
      return false;
    }
    // Uniform in [0.5, 1.5) x backoff, so agents that failed together do not retry together.
    const double unit = static_cast<double>(random_u64() >> 11) * 0x1.0p-53;
    const milliseconds jittered(
        static_cast<milliseconds::rep>(static_cast<double>(backoff.count()) * (0.5 + unit)));
    const milliseconds delay = retry_delay(result.retry_after, jittered);
    backoff = std::min(backoff * 2, std::max(options.max_backoff, milliseconds(1)));
    if (Clock::now() + delay >= deadline || !wait_cancellable(delay)) {
      return false;
    }
  }
}

OtlpLogExporter::OtlpLogExporter(OtlpLogExporterOptions options, Resource resource,
                                 const std::vector<std::string>& masked_keys)
    : state_(std::make_unique<State>(std::move(options), std::move(resource), masked_keys)) {
  State& s = *state_;
  s.worker = std::thread([&s] { s.run(); });
  pthread_setname_np(s.worker.native_handle(), "edaobs-otlplog");
}

OtlpLogExporter::~OtlpLogExporter() { shutdown(state_->options.export_timeout); }

void OtlpLogExporter::offer(const QueuedRecord& record) noexcept {
  State& s = *state_;
  if (s.closed.load(std::memory_order_acquire)) {
    s.dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  std::uint64_t position = 0;
  {
    auto claim = s.ring.try_claim();
    if (!claim) {
      s.dropped.fetch_add(1, std::memory_order_relaxed);  // full: the newest record goes
      return;
    }
    QueuedRecord& slot = claim.value();
    slot.time = record.time;
    slot.file = record.file;
    slot.line = record.line;
    slot.level = record.level;
    slot.payload.clear();
    try {
      slot.payload.append(record.payload.data(), record.payload.data() + record.payload.size());
      slot.complete = true;
    } catch (...) {
      slot.complete = false;  // the worker counts it as failed
    }
    position = claim.position();
  }  // published here
  // A full batch wakes the worker before its timer, once per sleep.
  if (position + 1 - s.ring.popped() >= s.batch_size && !s.batch_wake_sent.exchange(true)) {
    try {
      { const std::lock_guard lock(s.mutex); }
      s.wake.notify_one();
    } catch (...) {
      // The schedule delay still sends the batch.
    }
  }
}

bool OtlpLogExporter::force_flush(std::chrono::milliseconds timeout) {
  State& s = *state_;
  std::unique_lock lock(s.mutex);
  if (s.done) {
    return true;
  }
  const std::uint64_t generation = ++s.flush_requested;
  s.wake.notify_one();
  return s.settled.wait_for(lock, timeout,
                            [&] { return s.flush_completed >= generation || s.done; });
}

bool OtlpLogExporter::shutdown(std::chrono::milliseconds timeout) {
  State& s = *state_;
  const Clock::time_point deadline = Clock::now() + timeout;
  {
    std::unique_lock lock(s.mutex);
    if (s.shut_down) {
      return s.shutdown_in_time;
    }
    s.shut_down = true;
    s.closed.store(true, std::memory_order_release);
    s.stop_requested = true;
    s.stop_deadline = deadline;
    s.wake.notify_one();
    s.shutdown_in_time = s.settled.wait_until(lock, deadline, [&] { return s.done; });
  }
  if (!s.shutdown_in_time) {
    {
      const std::lock_guard lock(s.mutex);
      s.cancelled.store(true);
    }
    s.cancel_wake.notify_all();
    s.client.abort();
  }
  if (s.worker.joinable()) {
    s.worker.join();
  }
  s.client.close();
  // A record claimed while the worker made its last pass never left the ring.
  s.dropped.fetch_add(s.ring.size(), std::memory_order_relaxed);
  return s.shutdown_in_time;
}

LogExportStats OtlpLogExporter::stats() const noexcept {
  const State& s = *state_;
  LogExportStats stats;
  stats.exported = s.exported.load();
  stats.dropped = s.dropped.load();
  stats.failed = s.failed.load();
  stats.export_failures = s.export_failures.load();
  stats.queue_size = static_cast<std::size_t>(s.ring.size());
  return stats;
}

const HttpEndpoint& OtlpLogExporter::endpoint() const noexcept { return state_->endpoint; }

}  // namespace edaobs::telemetry
