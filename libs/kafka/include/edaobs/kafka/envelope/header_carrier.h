#pragma once
// TextMapCarrier adapters so W3C trace context (traceparent/tracestate) travels in Kafka record
// headers. Kafka header names are case-sensitive; the propagator uses lowercase names.
// "get" returns the last header of that name (Kafka allows duplicates; the last one wins),
// "set" replaces every header of that name with one.
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "edaobs/core/header.h"
#include "edaobs/telemetry/trace/propagation.h"

namespace RdKafka {
class Headers;
class Message;
}  // namespace RdKafka

namespace edaobs::kafka {

// Over an owned header list, e.g. EncodedRecord::headers before producing.
class HeaderListCarrier final : public telemetry::TextMapCarrier {
 public:
  explicit HeaderListCarrier(HeaderList& headers) noexcept : headers_(&headers) {}
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const override;
  void set(std::string_view key, std::string_view value) override;

 private:
  HeaderList* headers_;
};

// Read-only, over the borrowed headers of a consumed record (zero copy). set() does nothing:
// a consumed record's headers are not for writing.
class HeaderViewCarrier final : public telemetry::TextMapCarrier {
 public:
  explicit HeaderViewCarrier(std::span<const HeaderView> headers) noexcept : headers_(headers) {}
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const override;
  void set(std::string_view key, std::string_view value) override;

 private:
  std::span<const HeaderView> headers_;
};

// Over librdkafka's C++ RdKafka::Headers (e.g. headers built for produce()). Values read through
// get() are copies kept by the carrier, valid as long as the carrier lives.
class KafkaHeadersCarrier final : public telemetry::TextMapCarrier {
 public:
  explicit KafkaHeadersCarrier(RdKafka::Headers& headers) noexcept : headers_(&headers) {}
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const override;
  void set(std::string_view key, std::string_view value) override;

 private:
  RdKafka::Headers* headers_;
  mutable std::deque<std::string> values_;  // deque: stable addresses for returned views
};

// Borrowed views of a consumed message's headers, in record order, without copying (valid while
// `message` lives). Clears `out` first; a message without headers leaves it empty.
void read_headers(RdKafka::Message& message, std::vector<HeaderView>& out);

}  // namespace edaobs::kafka
