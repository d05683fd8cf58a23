#include "event_factory.h"

#include <array>
#include <chrono>

#include <boost/json.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

#include "edaobs/kafka/envelope/rfc3339.h"

namespace edaobs::publisher {
namespace {
constexpr std::array<std::string_view, 3> kTypes{"order.created", "payment.authorized",
                                                 "shipment.dispatched"};
constexpr std::array<std::string_view, 4> kCurrencies{"EUR", "USD", "GBP", "SEK"};
constexpr std::array<std::string_view, 6> kCountries{"DE", "US", "JP", "FR", "BR", "CA"};

std::string new_id() {
  thread_local boost::uuids::random_generator generate;
  return boost::uuids::to_string(generate());
}
}  // namespace

EventFactory::EventFactory(std::string source) : source_(std::move(source)) {}

kafka::Event EventFactory::stamped(std::string type, std::string subject, std::string data) const {
  kafka::Event event;
  event.id = new_id();
  event.source = source_;
  event.type = std::move(type);
  event.time = kafka::format_rfc3339(std::chrono::system_clock::now());
  if (!subject.empty()) event.subject = std::move(subject);
  event.data = std::move(data);
  return event;
}

kafka::Event EventFactory::synthetic(std::uint64_t n) const {
  // Deterministic variety from n: cheap, reproducible, no shared random state.
  const std::uint64_t mix = n * 0x9E3779B97F4A7C15ULL;
  boost::json::object data{
      {"customer", "c-" + std::to_string(mix % 1000)},
      {"amount_cents", static_cast<std::int64_t>(mix % 2'000'000)},
      {"currency", kCurrencies[n % kCurrencies.size()]},
      {"country", kCountries[(n / 3) % kCountries.size()]},
  };
  return stamped(std::string(kTypes[n % kTypes.size()]), "o-" + std::to_string(n),
                 boost::json::serialize(data));
}

Expected<kafka::Event> EventFactory::from_request(std::string_view body) const {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return unexpected("bad_request", "body must be a JSON object");
  const auto& request = parsed.get_object();
  const auto* type = request.if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string().empty()) {
    return unexpected("bad_request", "\"type\" must be a non-empty string");
  }
  const auto* data = request.if_contains("data");
  if (data == nullptr || !data->is_object())
    return unexpected("bad_request", "\"data\" must be a JSON object");
  std::string subject;
  if (const auto* s = request.if_contains("subject")) {
    if (!s->is_string()) return unexpected("bad_request", "\"subject\" must be a string");
    subject = s->get_string();
  }
  return stamped(std::string(type->get_string()), std::move(subject),
                 boost::json::serialize(*data));
}

}  // namespace edaobs::publisher
