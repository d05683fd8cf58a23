// The enricher's validation and enrichment of an event's data (the whole input is the JSON
// text). Properties: an accepted event enriches to a JSON object that carries the fields the
// enricher adds; a rejected one names a reason of the validation: family.
#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <variant>

#include "enrichment.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const edaobs::Expected<std::string> result = edaobs::enricher::enrich(text, "fuzz@1.0.0");
  if (!result) {
    if (result.error().reason.empty()) edaobs::fuzz::property_failed();
    return 0;
  }
  boost::json::error_code ec;
  const boost::json::value enriched = boost::json::parse(*result, ec);
  if (ec || !enriched.is_object()) edaobs::fuzz::property_failed();
  const boost::json::object& fields = enriched.as_object();
  const boost::json::value* cents = fields.if_contains("amount_eur_cents");
  if (!fields.contains("tier") || cents == nullptr || !cents->is_int64() || cents->as_int64() < 0) {
    edaobs::fuzz::property_failed();
  }
  return 0;
}
