#include "ingest_replies.h"

#include <algorithm>

#include <boost/json.hpp>

namespace edaobs::runtime::detail {
namespace {

telemetry::HttpResponse json_reply(unsigned status, const boost::json::object& body) {
  return telemetry::HttpResponse{status, "application/json", boost::json::serialize(body), {}};
}

}  // namespace

bool valid_idempotency_key(std::string_view key) noexcept {
  return !key.empty() && key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '~' || c == ':' || c == '-';
  });
}

telemetry::HttpResponse created(std::string_view id, const kafka::DeliveryReport& report) {
  return json_reply(201, {{"id", id},
                          {"topic", report.topic},
                          {"partition", report.partition},
                          {"offset", report.offset}});
}

telemetry::HttpResponse unavailable(std::string_view error, std::string_view reason,
                                    bool maybe_published) {
  telemetry::HttpResponse reply = json_reply(
      503,
      {{"error", error}, {"reason", reason}, {"published", maybe_published ? "unknown" : "no"}});
  reply.headers.emplace_back("Retry-After", "1");
  return reply;
}

telemetry::HttpResponse refused(const Status& status) {
  if (status.error().reason == "MSG_SIZE_TOO_LARGE") {
    return telemetry::json_field_response(413, "error", "event too large for the broker");
  }
  if (status.error().reason == "_QUEUE_FULL") {
    return unavailable("producer queue full", status.error().reason, false);
  }
  if (status.error().reason == "closed")
    return unavailable("shutting down", "shutting_down", false);
  return unavailable("not published: " + status.error().detail, status.error().reason, false);
}

telemetry::HttpResponse not_delivered(const kafka::DeliveryReport& report) {
  if (report.possibly_persisted) {
    return unavailable("the broker may have stored it; retry with the same Idempotency-Key",
                       report.error.reason, true);
  }
  if (report.error.reason == "_MSG_TIMED_OUT") {
    return unavailable("not acknowledged by the broker within the ingest timeout",
                       report.error.reason, false);
  }
  return unavailable("not published: " + report.error.detail, report.error.reason, false);
}

}  // namespace edaobs::runtime::detail
