#pragma once
// The enricher's domain step: validate an event's data and add what downstream consumers need.
// Pure functions over JSON text, so the rules are tested without Kafka.
//
// Every event type carries {"customer": string, "amount_cents": integer >= 0,
// "currency": 3 uppercase letters}; "country" (ISO 3166 alpha-2) is optional. Enrichment adds
//   "amount": "42.00"            decimal amount in the event's currency
//   "amount_eur_cents": 4200     converted with a fixed reference rate table
//   "tier": "small|medium|large" by EUR amount (< 100 EUR, < 10000 EUR, above)
//   "region": "EU|NA|APAC|OTHER" from the country, "UNKNOWN" without one
//   "enriched_by": "<service>@<version>"
#include <string>
#include <string_view>

#include "edaobs/core/expected.h"

namespace edaobs::enricher {

// The enriched data (JSON text), or a Failure whose reason names the field
// ("validation:amount_cents": the DLQ reason and metric label) and whose detail says why.
[[nodiscard]] Expected<std::string> enrich(std::string_view data_json,
                                           std::string_view enriched_by);

}  // namespace edaobs::enricher
