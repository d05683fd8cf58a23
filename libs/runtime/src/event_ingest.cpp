#include "edaobs/runtime/event_ingest.h"

#include <shared_mutex>
#include <utility>

#include <boost/json.hpp>

#include "edaobs/runtime/delivery_outcome.h"

#include "ingest_replies.h"

namespace edaobs::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kTimeoutScan{1000};  // librdkafka's message timeout scan
constexpr std::string_view kIdempotencyKey = "Idempotency-Key";

}  // namespace

IngestOptions read_ingest_options(Settings& settings, std::string topic,
                                  const kafka::ProducerOptions& producer) {
  IngestOptions options{std::move(topic), {}};
  options.timeout = settings.millis(
      "ingest-timeout", "EDAOBS_INGEST_TIMEOUT", std::chrono::seconds(5),
      "how long POST /events waits for the broker's acknowledgement before answering 503");
  if (options.timeout < kMinIngestTimeout || options.timeout > producer.delivery_timeout) {
    throw ConfigError(setting_name("ingest-timeout", "EDAOBS_INGEST_TIMEOUT"),
                      "'" + std::to_string(options.timeout.count()) + "ms' must be from " +
                          std::to_string(kMinIngestTimeout.count()) +
                          "ms up to the delivery timeout (" +
                          std::to_string(producer.delivery_timeout.count()) +
                          "ms, --delivery-timeout / EDAOBS_DELIVERY_TIMEOUT)");
  }
  return options;
}

kafka::ProducerOptions ingest_producer_options(kafka::ProducerOptions base,
                                               std::chrono::milliseconds timeout) {
  base.delivery_timeout = std::max(timeout, kMinIngestTimeout) - kTimeoutScan;
  base.queue_full_timeout = std::chrono::milliseconds(0);
  base.client_id += "-ingest";
  return base;
}

struct EventIngest::State {
  State(kafka::Producer& producer_, IngestOptions options_, ProcessingMetrics& processing_,
        telemetry::Logger& log_)
      : producer(producer_), options(std::move(options_)), processing(processing_), log(log_) {}

  void handle(const telemetry::HttpRequest& request, const telemetry::HttpResponder& responder,
              const MakeEvent& make_event, const std::shared_ptr<State>& self);
  void answer(const kafka::DeliveryReport& report, const kafka::Event& event,
              Clock::time_point started, const telemetry::HttpResponder& responder);

  kafka::Producer& producer;
  const IngestOptions options;
  ProcessingMetrics& processing;
  telemetry::Logger& log;
  // Handlers hold it shared while they call the producer and the domain step; stop() takes it
  // alone, so once stop() returns neither is called again.
  std::shared_mutex mutex;
  bool accepting = true;
};

void EventIngest::State::handle(const telemetry::HttpRequest& request,
                                const telemetry::HttpResponder& responder,
                                const MakeEvent& make_event, const std::shared_ptr<State>& self) {
  const auto started = Clock::now();
  const std::shared_lock lock(mutex);
  if (!accepting) {
    responder.respond(detail::unavailable("shutting down", "shutting_down", false));
    return;
  }
  const auto key = request.header(kIdempotencyKey);
  if (key && !detail::valid_idempotency_key(*key)) {
    responder.respond(telemetry::json_field_response(400, "error", detail::kIdempotencyKeyRule));
    return;
  }
  auto made = make_event(request.body);
  if (!made) {
    responder.respond(telemetry::json_field_response(400, "error", made.error().detail));
    return;
  }
  kafka::Event& event = *made;
  if (key) event.id = std::string(*key);
  const Status status = producer.send(
      options.topic, event, [self, responder, event, started](const kafka::DeliveryReport& report) {
        self->answer(report, event, started, responder);
      });
  if (!status) {
    processing.failed(event.type, event.source, status.error().reason, Clock::now() - started);
    responder.respond(detail::refused(status));
  }
}

void EventIngest::State::answer(const kafka::DeliveryReport& report, const kafka::Event& event,
                                Clock::time_point started,
                                const telemetry::HttpResponder& responder) {
  record_delivery(processing, log, event, report, started);
  if (report.ok) {
    responder.respond(detail::created(event.id, report));
    return;
  }
  responder.respond(detail::not_delivered(report));
}

EventIngest::EventIngest(kafka::Producer& producer, IngestOptions options,
                         ProcessingMetrics& processing, telemetry::Logger& log)
    : state_(std::make_shared<State>(producer, std::move(options), processing, log)) {}

EventIngest::~EventIngest() { stop(); }

void EventIngest::serve(telemetry::HttpServer& server, std::string path, MakeEvent make_event) {
  telemetry::DeferredRouteOptions route;
  // A backstop only: the producer reports every record before this (see ingest_producer_options).
  route.reply_timeout = std::max(state_->options.timeout, kMinIngestTimeout) + kTimeoutScan;
  route.timeout_reply =
      detail::unavailable("no delivery report within the ingest timeout", "timeout", true);
  server.add_deferred_route(
      "POST", std::move(path),
      [state = state_, make_event = std::move(make_event)](const telemetry::HttpRequest& request,
                                                           telemetry::HttpResponder responder) {
        state->handle(request, responder, make_event, state);
      },
      std::move(route));
}

void EventIngest::stop() noexcept {
  const std::unique_lock lock(state_->mutex);
  state_->accepting = false;
}

}  // namespace edaobs::runtime
