#include "edaobs/kafka/envelope/header_carrier.h"

#include <algorithm>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

namespace edaobs::kafka {

std::optional<std::string_view> HeaderListCarrier::get(std::string_view key) const {
  for (auto it = headers_->rbegin(); it != headers_->rend(); ++it) {
    if (it->key == key) return std::string_view(it->value);
  }
  return std::nullopt;
}

void HeaderListCarrier::set(std::string_view key, std::string_view value) {
  std::erase_if(*headers_, [key](const Header& header) { return header.key == key; });
  headers_->push_back({std::string(key), std::string(value)});
}

std::optional<std::string_view> HeaderViewCarrier::get(std::string_view key) const {
  for (auto it = headers_.rbegin(); it != headers_.rend(); ++it) {
    if (it->key == key) return it->value;
  }
  return std::nullopt;
}

void HeaderViewCarrier::set(std::string_view, std::string_view) {}

std::optional<std::string_view> KafkaHeadersCarrier::get(std::string_view key) const {
  const std::vector<RdKafka::Headers::Header> found = headers_->get(std::string(key));
  if (found.empty() || found.back().err() != RdKafka::ERR_NO_ERROR) return std::nullopt;
  const RdKafka::Headers::Header& last = found.back();
  const char* data = last.value_string();
  values_.emplace_back(data != nullptr ? std::string(data, last.value_size()) : std::string());
  return std::string_view(values_.back());
}

void KafkaHeadersCarrier::set(std::string_view key, std::string_view value) {
  const std::string name(key);
  headers_->remove(name);
  headers_->add(name, value.data(), value.size());
}

void read_headers(RdKafka::Message& message, std::vector<HeaderView>& out) {
  out.clear();
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message.c_ptr(), &headers) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      headers == nullptr) {
    return;
  }
  const char* name = nullptr;
  const void* value = nullptr;
  std::size_t size = 0;
  for (std::size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.push_back({std::string_view(name),
                   value != nullptr ? std::string_view(static_cast<const char*>(value), size)
                                    : std::string_view()});
  }
}

}  // namespace edaobs::kafka
