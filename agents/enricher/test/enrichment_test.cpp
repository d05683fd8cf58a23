#include "enrichment.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace json = boost::json;
using edaobs::enricher::enrich;

namespace {
json::object enriched(std::string_view data) {
  auto result = enrich(data, "enricher@test");
  if (!result) {
    ADD_FAILURE() << result.error().reason << ": " << result.error().detail;
    return {};
  }
  return json::parse(*result).as_object();
}

std::string reason(std::string_view data) {
  auto result = enrich(data, "enricher@test");
  return result ? "accepted" : result.error().reason;
}
}  // namespace

TEST(Enrichment, AddsAmountConversionTierRegionAndKeepsTheInput) {
  auto out = enriched(
      R"({"customer":"c-1","amount_cents":12345,"currency":"USD","country":"US","note":"x"})");
  EXPECT_EQ("123.45", out.at("amount").as_string());
  EXPECT_EQ(11357, out.at("amount_eur_cents").as_int64());  // 12345 * 0.92 rounded
  EXPECT_EQ("medium", out.at("tier").as_string());
  EXPECT_EQ("NA", out.at("region").as_string());
  EXPECT_EQ("enricher@test", out.at("enriched_by").as_string());
  EXPECT_EQ("x", out.at("note").as_string());
  EXPECT_EQ("c-1", out.at("customer").as_string());
}

TEST(Enrichment, TierBoundariesAreInEuroCents) {
  EXPECT_EQ(
      "small",
      enriched(R"({"customer":"c","amount_cents":9999,"currency":"EUR"})").at("tier").as_string());
  EXPECT_EQ(
      "medium",
      enriched(R"({"customer":"c","amount_cents":10000,"currency":"EUR"})").at("tier").as_string());
  EXPECT_EQ("large", enriched(R"({"customer":"c","amount_cents":1000000,"currency":"EUR"})")
                         .at("tier")
                         .as_string());
  EXPECT_EQ(
      "0.05",
      enriched(R"({"customer":"c","amount_cents":5,"currency":"EUR"})").at("amount").as_string());
}

TEST(Enrichment, RegionFallsBackForUnknownAndMissingCountry) {
  EXPECT_EQ("OTHER",
            enriched(R"({"customer":"c","amount_cents":1,"currency":"EUR","country":"BR"})")
                .at("region")
                .as_string());
  EXPECT_EQ(
      "UNKNOWN",
      enriched(R"({"customer":"c","amount_cents":1,"currency":"EUR"})").at("region").as_string());
}

TEST(Enrichment, RejectsInvalidDataWithTheFieldInTheReason) {
  EXPECT_EQ("validation:data", reason("[1,2]"));
  EXPECT_EQ("validation:data", reason("{not json"));
  EXPECT_EQ("validation:customer", reason(R"({"amount_cents":1,"currency":"EUR"})"));
  EXPECT_EQ("validation:customer", reason(R"({"customer":"","amount_cents":1,"currency":"EUR"})"));
  EXPECT_EQ("validation:amount_cents",
            reason(R"({"customer":"c","amount_cents":-1,"currency":"EUR"})"));
  EXPECT_EQ("validation:amount_cents",
            reason(R"({"customer":"c","amount_cents":1.5,"currency":"EUR"})"));
  EXPECT_EQ("validation:amount_cents",
            reason(R"({"customer":"c","amount_cents":"10","currency":"EUR"})"));
  EXPECT_EQ("validation:currency", reason(R"({"customer":"c","amount_cents":1,"currency":"eur"})"));
  EXPECT_EQ("validation:currency", reason(R"({"customer":"c","amount_cents":1,"currency":"XXX"})"));
  EXPECT_EQ("accepted", reason(R"({"customer":"c","amount_cents":0,"currency":"GBP"})"));
}

// A fuzzing find (fuzz/fuzz_enricher, UBSan float-cast-overflow): the EUR conversion of an amount
// near 2^63 overflowed int64 (undefined behaviour; a negative amount_eur_cents in practice).
TEST(Enrichment, RejectsAmountsWhoseEuroConversionWouldOverflow) {
  EXPECT_EQ("validation:amount_cents",
            reason(R"({"customer":"c","amount_cents":9223372036854775807,"currency":"EUR"})"));
  EXPECT_EQ("validation:amount_cents",
            reason(R"({"customer":"c","amount_cents":8000000000000000000,"currency":"GBP"})"));
  const json::object big =
      enriched(R"({"customer":"c","amount_cents":4000000000000000000,"currency":"GBP"})");
  EXPECT_GT(big.at("amount_eur_cents").as_int64(), 4'000'000'000'000'000'000);
  EXPECT_EQ("large", big.at("tier").as_string());
}
