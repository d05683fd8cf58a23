#pragma once
// The answers of POST /events (event_ingest.h lists them).
#include <string_view>

#include "edaobs/kafka/client/delivery.h"
#include "edaobs/telemetry/http/http_message.h"

namespace edaobs::runtime::detail {

inline constexpr std::string_view kIdempotencyKeyRule =
    "Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ ~ : -";

[[nodiscard]] bool valid_idempotency_key(std::string_view key) noexcept;

// 201 {"id","topic","partition","offset"}.
[[nodiscard]] telemetry::HttpResponse created(std::string_view id,
                                              const kafka::DeliveryReport& report);
// 503 with Retry-After; `maybe_published` says "unknown" rather than "no".
[[nodiscard]] telemetry::HttpResponse unavailable(std::string_view error, std::string_view reason,
                                                  bool maybe_published);
// The record could not be enqueued (nothing was sent).
[[nodiscard]] telemetry::HttpResponse refused(const Status& status);
// The record was enqueued and its delivery failed.
[[nodiscard]] telemetry::HttpResponse not_delivered(const kafka::DeliveryReport& report);

}  // namespace edaobs::runtime::detail
