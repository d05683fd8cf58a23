#include "enrichment.h"

#include <array>
#include <cstdint>
#include <utility>

#include <boost/json.hpp>

namespace edaobs::enricher {
namespace {

namespace json = boost::json;

struct Rate {
  std::string_view currency;
  double eur_per_unit;
};
// Fixed reference rates: the point is a deterministic enrichment step, not live FX.
constexpr std::array<Rate, 6> kRates{
    {{"EUR", 1.0}, {"USD", 0.92}, {"GBP", 1.17}, {"JPY", 0.0062}, {"CHF", 1.04}, {"SEK", 0.087}}};

// 2^63, the first value past INT64_MAX, exactly representable as a double.
constexpr double kInt64Bound = 9223372036854775808.0;

struct CountryRegion {
  std::string_view country;
  std::string_view region;
};
constexpr std::array<CountryRegion, 16> kRegions{{{"DE", "EU"},
                                                  {"FR", "EU"},
                                                  {"NL", "EU"},
                                                  {"ES", "EU"},
                                                  {"IT", "EU"},
                                                  {"SE", "EU"},
                                                  {"PL", "EU"},
                                                  {"IE", "EU"},
                                                  {"US", "NA"},
                                                  {"CA", "NA"},
                                                  {"MX", "NA"},
                                                  {"JP", "APAC"},
                                                  {"AU", "APAC"},
                                                  {"SG", "APAC"},
                                                  {"IN", "APAC"},
                                                  {"CN", "APAC"}}};

Unexpected<Failure> invalid(std::string_view field, std::string detail) {
  return unexpected("validation:" + std::string(field), std::move(detail));
}

bool is_currency_code(std::string_view s) {
  if (s.size() != 3) return false;
  for (char c : s) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

std::string decimal(std::int64_t cents) {
  std::string whole = std::to_string(cents / 100);
  const std::int64_t frac = cents % 100;
  return whole + (frac < 10 ? ".0" : ".") + std::to_string(frac);
}

std::string_view tier_of(std::int64_t eur_cents) {
  if (eur_cents < 100'00) return "small";
  if (eur_cents < 10'000'00) return "medium";
  return "large";
}

std::string_view region_of(const json::object& data) {
  const json::value* country = data.if_contains("country");
  if (country == nullptr || !country->is_string()) return "UNKNOWN";
  for (const auto& entry : kRegions) {
    if (entry.country == std::string_view(country->get_string())) return entry.region;
  }
  return "OTHER";
}

}  // namespace

Expected<std::string> enrich(std::string_view data_json, std::string_view enriched_by) {
  boost::system::error_code ec;
  json::value parsed = json::parse(data_json, ec);
  if (ec || !parsed.is_object()) return invalid("data", "data is not a JSON object");
  json::object& data = parsed.get_object();

  const json::value* customer = data.if_contains("customer");
  if (customer == nullptr || !customer->is_string() || customer->get_string().empty()) {
    return invalid("customer", "customer must be a non-empty string");
  }
  const json::value* amount = data.if_contains("amount_cents");
  if (amount == nullptr || !(amount->is_int64() || amount->is_uint64())) {
    return invalid("amount_cents", "amount_cents must be an integer");
  }
  if (amount->is_uint64() || amount->get_int64() < 0) {
    return invalid("amount_cents", "amount_cents must be between 0 and 2^63-1");
  }
  const std::int64_t cents = amount->get_int64();
  const json::value* currency = data.if_contains("currency");
  if (currency == nullptr || !currency->is_string() || !is_currency_code(currency->get_string())) {
    return invalid("currency", "currency must be a 3-letter uppercase ISO 4217 code");
  }
  const std::string_view code = currency->get_string();
  const Rate* rate = nullptr;
  for (const auto& r : kRates) {
    if (r.currency == code) rate = &r;
  }
  if (rate == nullptr) return invalid("currency", "no reference rate for " + std::string(code));

  // Near 2^63 cents (or above 2^63 / rate for a currency worth more than a euro) the product is
  // past what int64 holds, and converting such a double is undefined behaviour (in practice a
  // negative amount): such an event is rejected. Every double below 2^63 converts exactly.
  const double eur_cents_exact = static_cast<double>(cents) * rate->eur_per_unit + 0.5;
  if (!(eur_cents_exact < kInt64Bound)) {
    return invalid("amount_cents", "amount_cents is too large to convert to EUR cents");
  }
  const auto eur_cents = static_cast<std::int64_t>(eur_cents_exact);
  data["amount"] = decimal(cents);
  data["amount_eur_cents"] = eur_cents;
  data["tier"] = tier_of(eur_cents);
  data["region"] = region_of(data);
  data["enriched_by"] = enriched_by;
  return json::serialize(parsed);
}

}  // namespace edaobs::enricher
