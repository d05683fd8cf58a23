// W3C Trace Context: traceparent validation, tracestate handling, inject/extract round trips.
#include <string>

#include <gtest/gtest.h>

#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/propagation.h"

namespace edaobs::telemetry {
namespace {

// Concatenation without operator+ (GCC 12 reports a false -Wrestrict on some of those).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    out.append(p);
  }
  return out;
}

constexpr std::string_view kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::optional<SpanContext> extract_from(std::string traceparent, std::string tracestate = {}) {
  HeaderMapCarrier carrier;
  carrier.set("traceparent", traceparent);
  if (!tracestate.empty()) {
    carrier.set("tracestate", tracestate);
  }
  return extract(carrier);
}

TEST(TraceparentTest, ValidHeaderIsParsed) {
  const auto ctx = parse_traceparent(kValid);
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_id.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ctx->span_id.hex(), "00f067aa0ba902b7");
  EXPECT_EQ(ctx->trace_flags, 0x01);
  EXPECT_TRUE(ctx->sampled());
  EXPECT_TRUE(ctx->is_remote);
  EXPECT_TRUE(ctx->trace_state.empty());
}

TEST(TraceparentTest, UnsampledFlagIsKept) {
  const auto ctx = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_FALSE(ctx->sampled());
}

TEST(TraceparentTest, UppercaseHexIsRejected) {
  EXPECT_FALSE(parse_traceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A"));
  EXPECT_FALSE(parse_traceparent("0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(TraceparentTest, AllZeroTraceIdIsRejected) {
  EXPECT_FALSE(parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
}

TEST(TraceparentTest, AllZeroSpanIdIsRejected) {
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"));
}

TEST(TraceparentTest, VersionFfIsRejected) {
  EXPECT_FALSE(parse_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(TraceparentTest, WrongLengthIsRejected) {
  EXPECT_FALSE(parse_traceparent(""));
  EXPECT_FALSE(parse_traceparent(kValid.substr(0, 54)));     // too short
  EXPECT_FALSE(parse_traceparent(cat({kValid, "0"})));       // too long
  EXPECT_FALSE(parse_traceparent(cat({kValid, "-extra"})));  // 00 allows no extras
  EXPECT_FALSE(parse_traceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"));  // short trace id
  EXPECT_FALSE(parse_traceparent(
      "00-4bf92f3577b34da6a3ce929d0e0e47366-0f067aa0ba902b7-01"));  // shifted dash
}

TEST(TraceparentTest, FutureVersionIsParsedByItsFirst55Chars) {
  const auto plain = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(plain.has_value());
  const auto extended = parse_traceparent(
      "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds");
  ASSERT_TRUE(extended.has_value());
  EXPECT_EQ(extended->trace_id.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(extended->span_id.hex(), "00f067aa0ba902b7");
  EXPECT_TRUE(extended->sampled());
  // Extra data must follow a '-'.
  EXPECT_FALSE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x"));
}

TEST(TraceparentTest, BadFlagsAreRejected) {
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7--1"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1 "));
}

TEST(TraceparentTest, NonHexCharactersAreRejected) {
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b.-01"));
  EXPECT_FALSE(parse_traceparent("0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7-01"));
  std::string with_nul(kValid);
  with_nul[10] = '\0';
  EXPECT_FALSE(parse_traceparent(with_nul));
}

TEST(TracestateTest, ValidListsAreAccepted) {
  EXPECT_TRUE(is_valid_tracestate(""));
  EXPECT_TRUE(is_valid_tracestate("congo=t61rcWkgMzE"));
  EXPECT_TRUE(is_valid_tracestate("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"));
  EXPECT_TRUE(is_valid_tracestate("rojo=1 , congo=2,,"));  // OWS and empty members
  EXPECT_TRUE(is_valid_tracestate("fw529a3039@dt=ab, 1tenant@vendor=x"));
  EXPECT_TRUE(is_valid_tracestate("a_b-c*d/e=value with spaces"));
}

TEST(TracestateTest, MalformedListsAreRejected) {
  EXPECT_FALSE(is_valid_tracestate("novalue"));
  EXPECT_FALSE(is_valid_tracestate("Upper=1"));
  EXPECT_FALSE(is_valid_tracestate("1digitfirst=1"));  // simple keys start with a letter
  EXPECT_FALSE(is_valid_tracestate("k=a=b"));          // '=' not allowed in values
  EXPECT_FALSE(is_valid_tracestate("k="));             // empty value
  EXPECT_FALSE(is_valid_tracestate("k=caf\xc3\xa9"));  // non-ASCII
  EXPECT_FALSE(is_valid_tracestate("t@toolongsystemid=1"));
  EXPECT_FALSE(is_valid_tracestate("@sys=1"));
  EXPECT_FALSE(is_valid_tracestate(cat({"k=", std::string(257, 'v')})));
}

TEST(TracestateTest, AtMost32Members) {
  std::string list;
  for (int i = 0; i < 32; ++i) {
    list.append(cat({i ? "," : "", "k", std::to_string(i), "=v"}));
  }
  EXPECT_TRUE(is_valid_tracestate(list));
  EXPECT_FALSE(is_valid_tracestate(cat({list, ",k32=v"})));
}

TEST(ExtractTest, AbsentTraceparentGivesNothing) {
  HeaderMapCarrier carrier;
  carrier.set("tracestate", "a=b");
  EXPECT_FALSE(extract(carrier).has_value());
}

TEST(ExtractTest, InvalidTraceparentGivesNothing) {
  EXPECT_FALSE(extract_from("00-00000000000000000000000000000000-00f067aa0ba902b7-01").has_value());
}

TEST(ExtractTest, TracestateIsCarried) {
  const auto ctx = extract_from(std::string(kValid), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_state, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

TEST(ExtractTest, MalformedTracestateIsDroppedButTraceparentKept) {
  const auto ctx = extract_from(std::string(kValid), "this is not=a,valid,list");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_TRUE(ctx->trace_state.empty());
  EXPECT_EQ(ctx->span_id.hex(), "00f067aa0ba902b7");
}

TEST(ExtractTest, HeaderNamesAreCaseInsensitiveInHeaderMapCarrier) {
  HeaderMapCarrier carrier({{"TraceParent", std::string(kValid)}, {"TRACESTATE", "a=1"}});
  const auto ctx = extract(carrier);
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_state, "a=1");
}

TEST(InjectExtractTest, RoundTripKeepsIdsFlagsAndTracestate) {
  SpanContext original;
  for (std::size_t i = 0; i < original.trace_id.bytes.size(); ++i) {
    original.trace_id.bytes[i] = static_cast<std::uint8_t>(0xa0 + i);
  }
  for (std::size_t i = 0; i < original.span_id.bytes.size(); ++i) {
    original.span_id.bytes[i] = static_cast<std::uint8_t>(0x10 * i + 1);
  }
  original.trace_flags = kTraceFlagSampled;
  original.trace_state = "vendor=abc,other@sys=1";

  HeaderMapCarrier carrier;
  inject(original, carrier);
  EXPECT_EQ(carrier.get("traceparent").value(),
            cat({"00-", original.trace_id.hex(), "-", original.span_id.hex(), "-01"}));
  EXPECT_EQ(carrier.get("tracestate").value(), "vendor=abc,other@sys=1");

  const auto back = extract(carrier);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->trace_id, original.trace_id);
  EXPECT_EQ(back->span_id, original.span_id);
  EXPECT_EQ(back->trace_flags, original.trace_flags);
  EXPECT_EQ(back->trace_state, original.trace_state);
  EXPECT_TRUE(back->is_remote);
}

TEST(InjectExtractTest, UnsampledRoundTripAndNoTracestateHeader) {
  auto ctx = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(ctx.has_value());
  HeaderMapCarrier carrier;
  inject(*ctx, carrier);
  EXPECT_EQ(carrier.get("traceparent").value(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_FALSE(carrier.get("tracestate").has_value());
}

TEST(InjectExtractTest, InjectReplacesExistingHeaderInsteadOfDuplicating) {
  HeaderMapCarrier carrier(HeaderList{{"traceparent", "stale"}});
  inject(*parse_traceparent(kValid), carrier);
  ASSERT_EQ(carrier.headers().size(), 1U);
  EXPECT_EQ(carrier.headers()[0].value, kValid);
}

TEST(InjectExtractTest, InvalidContextInjectsNothing) {
  HeaderMapCarrier carrier;
  inject(SpanContext{}, carrier);
  EXPECT_TRUE(carrier.headers().empty());
}

}  // namespace
}  // namespace edaobs::telemetry
