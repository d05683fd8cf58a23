#pragma once
// POST of an event by a client, answered only once the broker has acknowledged the record
// (acks=all, so it is stored by the in-sync replicas), or once it is known not to be:
//   201 {"id":"...","topic":"events.raw","partition":0,"offset":42}
//   400 {"error":"..."}   the body is not an event (the agent's domain step says why), or a bad
//                         Idempotency-Key
//   503 {"error":"...","reason":"...","published":"no"|"unknown"} with Retry-After: 1 — the
//       producer queue is full (at once), the broker did not acknowledge within the ingest
//       timeout, or shutdown has begun. "no": the record will never be delivered; "unknown": it
//       was sent and may have been stored, so retry with the same Idempotency-Key.
// A client names its event with the header Idempotency-Key (1-128 characters of A-Z a-z 0-9
// . _ ~ : -): it becomes the event id (ce_id), so a retried POST carries the same id and
// downstream can de-duplicate. Without it the agent's domain step picks the id.
//
// Nothing here waits on the HTTP io thread: the route is deferred, and the answer is given from
// the producer's delivery report.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "edaobs/core/expected.h"
#include "edaobs/kafka/client/producer.h"
#include "edaobs/runtime/processing_metrics.h"
#include "edaobs/runtime/settings.h"
#include "edaobs/telemetry/http/http_server.h"
#include "edaobs/telemetry/logs/logger.h"

namespace edaobs::runtime {

struct IngestOptions {
  std::string topic;
  // The longest a POST waits for its answer. At least 2 s (see ingest_producer_options).
  std::chrono::milliseconds timeout{5000};
};

inline constexpr std::chrono::milliseconds kMinIngestTimeout{2000};

// --ingest-timeout / EDAOBS_INGEST_TIMEOUT: default 5 s, from 2 s up to `producer`'s delivery
// timeout (a longer wait could outlast the record it waits for); outside that, ConfigError.
[[nodiscard]] IngestOptions read_ingest_options(Settings& settings, std::string topic,
                                                const kafka::ProducerOptions& producer);

// `base` made fit for ingest: it never waits for room in a full queue, and its delivery timeout
// ends 1 s (librdkafka's timeout scan interval) before the ingest timeout, so librdkafka reports
// a record it could not deliver by then as failed within the ingest timeout, and never sends it
// later: the 503 is the truth. (The server's own "unknown" answer, 1 s after the ingest timeout,
// is a backstop for a report that never comes.)
[[nodiscard]] kafka::ProducerOptions ingest_producer_options(kafka::ProducerOptions base,
                                                             std::chrono::milliseconds timeout);

class EventIngest {
 public:
  // The agent's domain step: the event a POST body describes, or why it is not one (the
  // Failure's detail is the 400 answer's error text).
  using MakeEvent = std::function<Expected<kafka::Event>(std::string_view body)>;

  // `producer` should be made with ingest_producer_options(); it, `processing` and `log` must
  // outlive this object. Records are counted in `processing` when their delivery is reported.
  EventIngest(kafka::Producer& producer, IngestOptions options, ProcessingMetrics& processing,
              telemetry::Logger& log);
  ~EventIngest();  // stop()
  EventIngest(const EventIngest&) = delete;
  EventIngest& operator=(const EventIngest&) = delete;

  // Adds the deferred route POST `path` to `server` (which may outlive this object).
  void serve(telemetry::HttpServer& server, std::string path, MakeEvent make_event);
  // Shutdown has begun: from now on POSTs get 503 and nothing here is called any more; records
  // already sent still get their answer from their delivery report. Idempotent.
  void stop() noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace edaobs::runtime
