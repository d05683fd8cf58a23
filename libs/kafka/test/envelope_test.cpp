// The CloudEvents binary-mode envelope: encoding, round trips and every decode failure reason.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/kafka/envelope/event.h"

namespace edaobs::kafka {
namespace {

Event sample_event() {
  Event event;
  event.id = "7d1c6a0e-0001";
  event.source = "agents/publisher";
  event.type = "order.created";
  event.time = "2024-05-01T12:00:00.123456Z";
  event.subject = "order-42";
  event.data = R"({"order_id":42,"amount":12.5,"note":"caf\u00e9"})";
  event.extra_headers = {{"ce_tenant", "acme"}};
  return event;
}

// Views over an owned record, as a consumer would see it.
struct OwnedRecord {
  std::optional<std::string> key;
  std::string value;
  HeaderList headers;
  std::vector<HeaderView> views;

  explicit OwnedRecord(EncodedRecord record)
      : key(std::move(record.key)),
        value(std::move(record.value)),
        headers(std::move(record.headers)) {
    refresh();
  }
  void refresh() {
    views.clear();
    for (const auto& header : headers) views.push_back({header.key, header.value});
  }
  RecordView view() const {
    return RecordView{key ? std::optional<std::string_view>(*key) : std::nullopt, value, views};
  }
  void remove(std::string_view name) {
    std::erase_if(headers, [name](const Header& header) { return header.key == name; });
    refresh();
  }
  void replace(std::string_view name, std::string value_text) {
    remove(name);
    headers.push_back({std::string(name), std::move(value_text)});
    refresh();
  }
};

std::optional<std::string> header_value(const HeaderList& headers, std::string_view name) {
  for (const auto& header : headers) {
    if (header.key == name) return header.value;
  }
  return std::nullopt;
}

TEST(EnvelopeEncode, WritesBinaryModeHeadersAndKeysBySubject) {
  const EncodedRecord record = encode(sample_event());
  EXPECT_EQ(record.key, "order-42");
  EXPECT_EQ(record.value, sample_event().data);
  EXPECT_EQ(header_value(record.headers, "ce_specversion"), "1.0");
  EXPECT_EQ(header_value(record.headers, "ce_id"), "7d1c6a0e-0001");
  EXPECT_EQ(header_value(record.headers, "ce_source"), "agents/publisher");
  EXPECT_EQ(header_value(record.headers, "ce_type"), "order.created");
  EXPECT_EQ(header_value(record.headers, "ce_time"), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(header_value(record.headers, "ce_subject"), "order-42");
  EXPECT_EQ(header_value(record.headers, "content-type"), "application/json");
  EXPECT_EQ(header_value(record.headers, "ce_tenant"), "acme");
}

TEST(EnvelopeEncode, ExplicitKeyWinsAndNoSubjectMeansNoKey) {
  Event event = sample_event();
  event.key = "customer-7";
  EXPECT_EQ(encode(event).key, "customer-7");

  event.key.reset();
  event.subject.reset();
  const EncodedRecord record = encode(event);
  EXPECT_FALSE(record.key.has_value());
  EXPECT_FALSE(header_value(record.headers, "ce_subject").has_value());
}

TEST(EnvelopeRoundTrip, DecodeOfEncodeIsTheSameEvent) {
  const Event original = sample_event();
  const OwnedRecord record(encode(original));
  const DecodeResult decoded = decode(record.view());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(*decoded, original);
}

TEST(EnvelopeRoundTrip, KeepsAKeyThatDiffersFromTheSubject) {
  Event original = sample_event();
  original.key = "customer-7";
  original.subject.reset();
  const OwnedRecord record(encode(original));
  const DecodeResult decoded = decode(record.view());
  ASSERT_TRUE(decoded.has_value()) << decoded.error().reason;
  EXPECT_EQ(*decoded, original);
}

TEST(EnvelopeDecode, TraceHeadersAreNotExtraHeaders) {
  OwnedRecord record(encode(sample_event()));
  record.replace("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  record.replace("tracestate", "vendor=1");
  const DecodeResult decoded = decode(record.view());
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->extra_headers, (HeaderList{{"ce_tenant", "acme"}}));
}

TEST(EnvelopeDecode, LastDuplicateHeaderWins) {
  OwnedRecord record(encode(sample_event()));
  record.headers.push_back({"ce_type", "order.updated"});
  record.refresh();
  const DecodeResult decoded = decode(record.view());
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->type, "order.updated");
}

TEST(EnvelopeDecode, AcceptsJsonContentTypeWithParametersAndAnyCase) {
  OwnedRecord record(encode(sample_event()));
  record.replace("content-type", "Application/JSON; charset=utf-8");
  EXPECT_TRUE(decode(record.view()).has_value());
}

TEST(EnvelopeDecodeFailure, EveryRequiredHeaderIsReportedByName) {
  for (const std::string_view name :
       {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"}) {
    OwnedRecord record(encode(sample_event()));
    record.remove(name);
    const DecodeResult decoded = decode(record.view());
    ASSERT_FALSE(decoded.has_value()) << name;
    EXPECT_EQ(decoded.error().reason, "missing_header");
    EXPECT_EQ(decoded.error().detail, "header " + std::string(name) + " is missing or empty");
  }
}

TEST(EnvelopeDecodeFailure, EmptyRequiredHeaderCountsAsMissing) {
  OwnedRecord record(encode(sample_event()));
  record.replace("ce_id", "");
  const DecodeResult decoded = decode(record.view());
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().reason, "missing_header");
  EXPECT_EQ(decoded.error().detail, "header ce_id is missing or empty");
}

TEST(EnvelopeDecodeFailure, BadSpecVersion) {
  OwnedRecord record(encode(sample_event()));
  record.replace("ce_specversion", "0.3");
  const DecodeResult decoded = decode(record.view());
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().reason, "bad_specversion");
}

TEST(EnvelopeDecodeFailure, BadContentType) {
  for (const char* type : {"text/plain", "application/jsonx", "application/cloudevents+json"}) {
    OwnedRecord record(encode(sample_event()));
    record.replace("content-type", type);
    const DecodeResult decoded = decode(record.view());
    ASSERT_FALSE(decoded.has_value()) << type;
    EXPECT_EQ(decoded.error().reason, "bad_content_type") << type;
  }
}

TEST(EnvelopeDecodeFailure, BadJson) {
  for (const char* data : {"", "{", R"({"a":1,})", R"({"a":1} trailing)", "{\"a\":\"\xff\"}"}) {
    OwnedRecord record(encode(sample_event()));
    record.value = data;
    const DecodeResult decoded = decode(record.view());
    ASSERT_FALSE(decoded.has_value()) << data;
    EXPECT_EQ(decoded.error().reason, "bad_json") << data;
    EXPECT_FALSE(decoded.error().detail.empty());
  }
}

TEST(EnvelopeDecodeFailure, NonObjectJsonIsRejectedByDefaultAndAcceptedOnRequest) {
  OwnedRecord record(encode(sample_event()));
  record.value = "[1,2,3]";
  const DecodeResult strict = decode(record.view());
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().reason, "bad_json");

  DecodeOptions any_value;
  any_value.data_shape = DataShape::kAnyJsonValue;
  EXPECT_TRUE(decode(record.view(), any_value).has_value());
  record.value = "\"text\"";
  EXPECT_TRUE(decode(record.view(), any_value).has_value());
}

TEST(EnvelopeDecodeFailure, Oversized) {
  OwnedRecord record(encode(sample_event()));
  DecodeOptions options;
  options.max_record_bytes = record.value.size();  // headers push it over
  const DecodeResult decoded = decode(record.view(), options);
  ASSERT_FALSE(decoded.has_value());
  EXPECT_EQ(decoded.error().reason, "oversized");

  std::size_t total = record.value.size() + record.key->size();
  for (const auto& header : record.headers) total += header.key.size() + header.value.size();
  options.max_record_bytes = total;  // exactly at the limit is fine
  EXPECT_TRUE(decode(record.view(), options).has_value());
}

TEST(EnvelopeDecodeFailure, BadTime) {
  for (const char* time : {"yesterday", "2024-02-30T00:00:00Z", "2024-05-01 12:00:00Z",
                           "2024-05-01T12:00:00", "2024-05-01T24:00:00Z"}) {
    OwnedRecord record(encode(sample_event()));
    record.replace("ce_time", time);
    const DecodeResult decoded = decode(record.view());
    ASSERT_FALSE(decoded.has_value()) << time;
    EXPECT_EQ(decoded.error().reason, "bad_time") << time;
  }
}

TEST(EnvelopeDecodeFailure, ReasonNamesAreStable) {
  EXPECT_EQ(decode_reasons::kMissingHeader, "missing_header");
  EXPECT_EQ(decode_reasons::kBadSpecVersion, "bad_specversion");
  EXPECT_EQ(decode_reasons::kBadContentType, "bad_content_type");
  EXPECT_EQ(decode_reasons::kBadJson, "bad_json");
  EXPECT_EQ(decode_reasons::kOversized, "oversized");
  EXPECT_EQ(decode_reasons::kBadTime, "bad_time");
}

}  // namespace
}  // namespace edaobs::kafka
