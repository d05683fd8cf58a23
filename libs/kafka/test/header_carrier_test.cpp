// Trace context through Kafka headers: each carrier with the W3C propagator.
#include "edaobs/kafka/envelope/header_carrier.h"

#include <memory>

#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

namespace edaobs::kafka {
namespace {

telemetry::SpanContext sample_context() {
  telemetry::SpanContext context;
  for (std::size_t i = 0; i < context.trace_id.bytes.size(); ++i) {
    context.trace_id.bytes[i] = static_cast<std::uint8_t>(i + 1);
  }
  for (std::size_t i = 0; i < context.span_id.bytes.size(); ++i) {
    context.span_id.bytes[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  context.trace_flags = telemetry::kTraceFlagSampled;
  context.trace_state = "vendor=abc";
  return context;
}

void expect_same_context(const std::optional<telemetry::SpanContext>& extracted) {
  ASSERT_TRUE(extracted.has_value());
  EXPECT_EQ(extracted->trace_id, sample_context().trace_id);
  EXPECT_EQ(extracted->span_id, sample_context().span_id);
  EXPECT_TRUE(extracted->sampled());
  EXPECT_EQ(extracted->trace_state, "vendor=abc");
  EXPECT_TRUE(extracted->is_remote);
}

TEST(HeaderListCarrier, InjectThenExtract) {
  HeaderList headers{{"ce_id", "1"}};
  HeaderListCarrier carrier(headers);
  telemetry::inject(sample_context(), carrier);
  EXPECT_EQ(carrier.get("traceparent"), "00-0102030405060708090a0b0c0d0e0f10-a0a1a2a3a4a5a6a7-01");
  EXPECT_EQ(carrier.get("tracestate"), "vendor=abc");
  expect_same_context(telemetry::extract(carrier));
}

TEST(HeaderListCarrier, SetReplacesEveryHeaderOfThatName) {
  HeaderList headers{{"traceparent", "old-1"}, {"ce_id", "1"}, {"traceparent", "old-2"}};
  HeaderListCarrier carrier(headers);
  carrier.set("traceparent", "new");
  EXPECT_EQ(headers, (HeaderList{{"ce_id", "1"}, {"traceparent", "new"}}));
  EXPECT_FALSE(carrier.get("TRACEPARENT").has_value());  // Kafka names are case-sensitive
}

TEST(HeaderViewCarrier, ReadsTheLastDuplicateAndIgnoresWrites) {
  const std::vector<HeaderView> views{
      {"traceparent", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"},
      {"traceparent", "00-0102030405060708090a0b0c0d0e0f10-a0a1a2a3a4a5a6a7-01"},
      {"tracestate", "vendor=abc"}};
  HeaderViewCarrier carrier(views);
  expect_same_context(telemetry::extract(carrier));
  carrier.set("traceparent", "x");
  EXPECT_EQ(carrier.get("traceparent"), views[1].value);
}

TEST(HeaderViewCarrier, InvalidTraceparentExtractsNothing) {
  const std::vector<HeaderView> views{
      {"traceparent", "00-0102030405060708090A0B0C0D0E0F10-a0a1a2a3a4a5a6a7-01"}};  // uppercase
  EXPECT_FALSE(telemetry::extract(HeaderViewCarrier(views)).has_value());
  EXPECT_FALSE(telemetry::extract(HeaderViewCarrier({})).has_value());
}

TEST(KafkaHeadersCarrier, InjectThenExtractOverLibrdkafkaHeaders) {
  const std::unique_ptr<RdKafka::Headers> headers(RdKafka::Headers::create());
  headers->add("traceparent", std::string("stale"));
  KafkaHeadersCarrier carrier(*headers);
  telemetry::inject(sample_context(), carrier);
  EXPECT_EQ(headers->get("traceparent").size(), 1U);
  expect_same_context(telemetry::extract(carrier));
  EXPECT_FALSE(carrier.get("absent").has_value());
}

}  // namespace
}  // namespace edaobs::kafka
