// The OTLP/HTTP JSON body: parsed back with Boost.JSON and checked field by field.
#include <cmath>
#include <memory>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/otlp_json.h"
#include "edaobs/telemetry/trace/propagation.h"

namespace edaobs::telemetry {
namespace {

namespace json = boost::json;

// The value of the KeyValue with this key in an OTLP attributes array.
const json::object& attribute_value(const json::value& attributes, std::string_view key) {
  for (const json::value& kv : attributes.as_array()) {
    if (kv.at("key").as_string() == key) {
      return kv.at("value").as_object();
    }
  }
  static const json::object kMissing;
  ADD_FAILURE() << "attribute " << key << " missing";
  return kMissing;
}

std::unique_ptr<SpanData> sample_span() {
  auto span = std::make_unique<SpanData>();
  span->context = *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  span->context.is_remote = false;
  span->context.trace_state = "vendor=1";
  span->parent_span_id =
      parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01")->span_id;
  span->parent_is_remote = true;
  span->name = "send orders";
  span->kind = SpanKind::kProducer;
  span->start_unix_nano = 1'700'000'000'123'456'789ULL;
  span->end_unix_nano = 1'700'000'000'223'456'789ULL;
  span->attributes.set("messaging.system", std::string_view("kafka"));
  span->attributes.set("messaging.kafka.offset", std::int64_t{42});
  span->attributes.set("ratio", 0.25);
  span->attributes.set("retry", true);
  span->attributes.set("big", std::int64_t{9'007'199'254'740'993});  // not exact as a double
  SpanEvent& event = span->events.emplace_back();
  event.name = "exception";
  event.time_unix_nano = 1'700'000'000'200'000'000ULL;
  event.attributes.set("exception.type", std::string_view("DecodeError"));
  SpanLink& link = span->links.emplace_back();
  link.context = *parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  link.context.is_remote = true;
  link.attributes.emplace_back("link.kind", std::string("origin"));
  span->status_code = StatusCode::kError;
  span->status_message = "decode failed";
  return span;
}

Resource sample_resource() {
  return make_resource("orders-agent", "1.2.3", "instance-1", {{"deployment.environment", "test"}});
}

json::value encode_and_parse(const std::vector<std::unique_ptr<SpanData>>& spans) {
  const std::string body =
      encode_otlp_traces_json(sample_resource(), SpanBatch(spans.data(), spans.size()));
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  EXPECT_FALSE(ec) << ec.message() << "\n" << body;
  return parsed;
}

TEST(OtlpJsonTest, ResourceAndScope) {
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(sample_span());
  const json::value root = encode_and_parse(spans);
  const json::value& resource_spans = root.at("resourceSpans").at(0);
  const json::value& attributes = resource_spans.at("resource").at("attributes");
  EXPECT_EQ(attribute_value(attributes, "service.name").at("stringValue").as_string(),
            "orders-agent");
  EXPECT_EQ(attribute_value(attributes, "service.version").at("stringValue").as_string(), "1.2.3");
  EXPECT_EQ(attribute_value(attributes, "service.instance.id").at("stringValue").as_string(),
            "instance-1");
  EXPECT_EQ(attribute_value(attributes, "deployment.environment").at("stringValue").as_string(),
            "test");
  EXPECT_EQ(attribute_value(attributes, "telemetry.sdk.name").at("stringValue").as_string(),
            "edaobs");
  EXPECT_EQ(attribute_value(attributes, "telemetry.sdk.language").at("stringValue").as_string(),
            "cpp");
  EXPECT_TRUE(attribute_value(attributes, "telemetry.sdk.version").contains("stringValue"));
  const json::value& scope_spans = resource_spans.at("scopeSpans").at(0);
  EXPECT_EQ(scope_spans.at("scope").at("name").as_string(), "edaobs");
  EXPECT_EQ(scope_spans.at("spans").as_array().size(), 1U);
}

TEST(OtlpJsonTest, SpanFields) {
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(sample_span());
  const json::value root = encode_and_parse(spans);
  const json::value& span = root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(span.at("traceId").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span.at("spanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(span.at("parentSpanId").as_string(), "1111111111111111");
  EXPECT_EQ(span.at("traceState").as_string(), "vendor=1");
  EXPECT_EQ(span.at("name").as_string(), "send orders");
  EXPECT_EQ(span.at("kind").as_int64(), 4);  // SPAN_KIND_PRODUCER
  EXPECT_EQ(span.at("startTimeUnixNano").as_string(), "1700000000123456789");
  EXPECT_EQ(span.at("endTimeUnixNano").as_string(), "1700000000223456789");
  // Sampled flag plus "has is_remote" (0x100) and "is remote" (0x200) for the remote parent.
  EXPECT_EQ(span.at("flags").as_int64(), 0x301);

  const json::value& attributes = span.at("attributes");
  EXPECT_EQ(attribute_value(attributes, "messaging.system").at("stringValue").as_string(), "kafka");
  EXPECT_EQ(attribute_value(attributes, "messaging.kafka.offset").at("intValue").as_string(), "42");
  EXPECT_EQ(attribute_value(attributes, "big").at("intValue").as_string(), "9007199254740993");
  EXPECT_DOUBLE_EQ(attribute_value(attributes, "ratio").at("doubleValue").to_number<double>(),
                   0.25);
  EXPECT_TRUE(attribute_value(attributes, "retry").at("boolValue").as_bool());

  const json::value& event = span.at("events").at(0);
  EXPECT_EQ(event.at("name").as_string(), "exception");
  EXPECT_EQ(event.at("timeUnixNano").as_string(), "1700000000200000000");
  EXPECT_EQ(attribute_value(event.at("attributes"), "exception.type").at("stringValue").as_string(),
            "DecodeError");

  const json::value& link = span.at("links").at(0);
  EXPECT_EQ(link.at("traceId").as_string(), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(link.at("spanId").as_string(), "b7ad6b7169203331");
  EXPECT_EQ(attribute_value(link.at("attributes"), "link.kind").at("stringValue").as_string(),
            "origin");

  EXPECT_EQ(span.at("status").at("code").as_int64(), 2);  // STATUS_CODE_ERROR
  EXPECT_EQ(span.at("status").at("message").as_string(), "decode failed");
}

TEST(OtlpJsonTest, RootSpanHasNoParentAndKindsMapToOtlpValues) {
  std::vector<std::unique_ptr<SpanData>> spans;
  const SpanKind kinds[] = {SpanKind::kInternal, SpanKind::kServer, SpanKind::kClient,
                            SpanKind::kProducer, SpanKind::kConsumer};
  for (SpanKind kind : kinds) {
    auto span = sample_span();
    span->parent_span_id = SpanId{};
    span->parent_is_remote = false;
    span->kind = kind;
    span->status_code = StatusCode::kUnset;
    span->status_message.clear();
    spans.push_back(std::move(span));
  }
  const json::value root = encode_and_parse(spans);
  const json::array& out =
      root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array();
  ASSERT_EQ(out.size(), 5U);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].at("kind").as_int64(), static_cast<std::int64_t>(i) + 1);
    EXPECT_FALSE(out[i].as_object().contains("parentSpanId"));
    EXPECT_EQ(out[i].at("flags").as_int64(), 0x101);
    EXPECT_EQ(out[i].at("status").at("code").as_int64(), 0);
  }
}

TEST(OtlpJsonTest, HostileStringsAreEscapedAndInvalidUtf8Replaced) {
  auto span = sample_span();
  span->name =
      std::string("quote\" backslash\\ newline\n tab\t nul") + std::string(1, '\0') + "\x01 end";
  span->attributes.set("binary", std::string_view("ok\xff\xfe"
                                                  "caf\xc3\xa9"));
  span->attributes.set("nan", std::nan(""));
  span->attributes.set("inf", -HUGE_VAL);
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(std::move(span));
  const json::value root = encode_and_parse(spans);
  const json::value& out = root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  EXPECT_EQ(out.at("name").as_string(),
            json::string_view(std::string("quote\" backslash\\ newline\n tab\t nul") +
                              std::string(1, '\0') + "\x01 end"));
  EXPECT_EQ(attribute_value(out.at("attributes"), "binary").at("stringValue").as_string(),
            "ok\xEF\xBF\xBD\xEF\xBF\xBD"
            "caf\xc3\xa9");
  EXPECT_EQ(attribute_value(out.at("attributes"), "nan").at("doubleValue").as_string(), "NaN");
  EXPECT_EQ(attribute_value(out.at("attributes"), "inf").at("doubleValue").as_string(),
            "-Infinity");
}

// The writer reserves room ahead and grows it: a batch far beyond the first reservation, with
// values whose escaped form is six times their size, must come out whole and exact.
TEST(OtlpJsonTest, LargeBatchesOfWorstCaseStringsAreWrittenWhole) {
  std::string worst(3000, '\x01');  // each byte escapes to \u0001
  worst += "\"end\\";
  std::vector<std::unique_ptr<SpanData>> spans;
  for (int i = 0; i < 100; ++i) {
    auto span = sample_span();
    span->attributes.set("worst", std::string_view(worst));
    span->attributes.set("index", std::int64_t{i});
    spans.push_back(std::move(span));
  }
  const json::value root = encode_and_parse(spans);
  const json::array& out =
      root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array();
  ASSERT_EQ(out.size(), spans.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(attribute_value(out[i].at("attributes"), "worst").at("stringValue").as_string(),
              worst);
    EXPECT_EQ(attribute_value(out[i].at("attributes"), "index").at("intValue").as_string(),
              std::to_string(i));
  }
}

TEST(OtlpJsonTest, AppendingKeepsWhatTheBufferHeld) {
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(sample_span());
  std::string out = "prefix:";
  append_otlp_traces_json(out, sample_resource(), SpanBatch(spans.data(), spans.size()));
  ASSERT_TRUE(out.starts_with("prefix:{"));
  EXPECT_EQ(out, "prefix:" + encode_otlp_traces_json(sample_resource(),
                                                     SpanBatch(spans.data(), spans.size())));
  json::error_code ec;
  json::parse(std::string_view(out).substr(7), ec);
  EXPECT_FALSE(ec) << ec.message();
}

TEST(OtlpJsonTest, DroppedCountsAreReported) {
  auto span = sample_span();
  for (std::size_t i = 0; i < AttributeList::kDefaultCountLimit + 2; ++i) {
    span->attributes.set(std::string("k").append(std::to_string(i)), std::int64_t{1});
  }
  span->dropped_events = 3;
  span->dropped_links = 4;
  std::vector<std::unique_ptr<SpanData>> spans;
  spans.push_back(std::move(span));
  const json::value root = encode_and_parse(spans);
  const json::value& out = root.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0);
  // sample_span set 5 attributes already: 128 stored, the rest counted.
  EXPECT_EQ(out.at("droppedAttributesCount").as_int64(), 7);
  EXPECT_EQ(out.at("droppedEventsCount").as_int64(), 3);
  EXPECT_EQ(out.at("droppedLinksCount").as_int64(), 4);
}

}  // namespace
}  // namespace edaobs::telemetry
