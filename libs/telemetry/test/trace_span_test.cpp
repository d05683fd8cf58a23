// Span and Tracer behaviour: parents and scopes, sampling, attributes, events, status, errors,
// links, and what reaches the exporter.
#include <chrono>
#include <memory>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/testing/in_memory_span_exporter.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"
#include "edaobs/telemetry/trace/propagation.h"

namespace edaobs::telemetry {
namespace {

using namespace std::chrono_literals;

class SpanTest : public ::testing::Test {
 protected:
  void SetUp() override { make_provider(SamplerOptions{}); }

  void make_provider(const SamplerOptions& sampler, bool enabled = true) {
    provider_.reset();
    store_ = std::make_shared<InMemorySpanStore>();
    TracerProviderOptions options;
    options.service_name = "span-test";
    options.sampler = sampler;
    options.enabled = enabled;
    options.batch.schedule_delay = 10ms;
    provider_ =
        std::make_unique<TracerProvider>(options, std::make_unique<InMemorySpanExporter>(store_));
  }

  // Flushes and returns the one exported span with this name.
  SpanData exported(std::string_view name) {
    EXPECT_TRUE(provider_->force_flush(5s));
    auto span = store_->find(name);
    EXPECT_TRUE(span.has_value()) << "span '" << name << "' was not exported";
    return span.value_or(SpanData{});
  }

  Tracer& tracer() { return provider_->tracer(); }

  std::shared_ptr<InMemorySpanStore> store_;
  std::unique_ptr<TracerProvider> provider_;
};

TEST_F(SpanTest, RootSpanHasFreshIdsAndIsExportedOnEnd) {
  {
    Span span = tracer().start_span("root", {.kind = SpanKind::kServer});
    EXPECT_TRUE(span.is_recording());
    EXPECT_TRUE(span.context().valid());
    EXPECT_TRUE(span.context().sampled());
    EXPECT_FALSE(span.context().is_remote);
  }
  const SpanData data = exported("root");
  EXPECT_EQ(data.kind, SpanKind::kServer);
  EXPECT_FALSE(data.parent_span_id.valid());
  EXPECT_GT(data.start_unix_nano, 0U);
  EXPECT_GE(data.end_unix_nano, data.start_unix_nano);
  EXPECT_EQ(data.context.trace_flags, kTraceFlagSampled);
}

TEST_F(SpanTest, ScopedSpanBecomesTheParentOfTheNextSpan) {
  SpanContext parent_context;
  {
    Span parent = tracer().start_span("parent");
    parent_context = parent.context();
    SpanScope scope(parent);
    EXPECT_EQ(active_span_context().span_id, parent.context().span_id);
    Span child = tracer().start_span("child");
    EXPECT_EQ(child.context().trace_id, parent.context().trace_id);
    EXPECT_NE(child.context().span_id, parent.context().span_id);
  }
  EXPECT_FALSE(active_span_context().valid());  // the scope restored the previous (none)
  const SpanData child = exported("child");
  EXPECT_EQ(child.parent_span_id, parent_context.span_id);
  EXPECT_FALSE(child.parent_is_remote);
}

TEST_F(SpanTest, ExplicitRemoteParentIsUsedWithItsTracestate) {
  auto remote = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(remote.has_value());
  remote->trace_state = "vendor=x";
  {
    Span span =
        tracer().start_span("process orders", {.kind = SpanKind::kConsumer, .parent = *remote});
    EXPECT_EQ(span.context().trace_id, remote->trace_id);
    EXPECT_EQ(span.context().trace_state, "vendor=x");
  }
  const SpanData data = exported("process orders");
  EXPECT_EQ(data.parent_span_id, remote->span_id);
  EXPECT_TRUE(data.parent_is_remote);
  EXPECT_EQ(data.context.trace_state, "vendor=x");
}

TEST_F(SpanTest, NewRootIgnoresTheActiveSpanAndCanLinkToIt) {
  Span outer = tracer().start_span("outer");
  SpanScope scope(outer);
  {
    Span root = tracer().start_span(
        "linked", {.new_root = true,
                   .links = {SpanLink{outer.context(), {{"link.reason", std::string("batch")}}}}});
    EXPECT_NE(root.context().trace_id, outer.context().trace_id);
  }
  const SpanData data = exported("linked");
  EXPECT_FALSE(data.parent_span_id.valid());
  ASSERT_EQ(data.links.size(), 1U);
  EXPECT_EQ(data.links[0].context.span_id, outer.context().span_id);
  EXPECT_EQ(std::get<std::string>(data.links[0].attributes.at(0).second), "batch");
}

TEST_F(SpanTest, InvalidExplicitParentStartsANewTrace) {
  Span outer = tracer().start_span("outer");
  SpanScope scope(outer);
  Span span = tracer().start_span("orphan", {.parent = SpanContext{}});
  EXPECT_TRUE(span.context().valid());
  EXPECT_NE(span.context().trace_id, outer.context().trace_id);
}

TEST_F(SpanTest, AttributesOfEveryTypeAndOverwrite) {
  {
    Span span = tracer().start_span("attrs");
    span.set_attribute("s.view", std::string_view("v"));
    span.set_attribute("s.literal", "literal");
    span.set_attribute("s.string", std::string("owned"));
    span.set_attribute("i.int", 7);
    span.set_attribute("i.unsigned", 8U);
    span.set_attribute("i.size", std::size_t{9});
    span.set_attribute("i.int64", std::int64_t{-10});
    span.set_attribute("d", 2.5);
    span.set_attribute("b", true);
    span.set_attribute("variant", AttributeValue{std::string("from variant")});
    span.set_attribute("i.int", 70);  // replaces
  }
  const SpanData data = exported("attrs");
  EXPECT_EQ(data.attributes.size(), 10U);
  EXPECT_EQ(std::get<std::string_view>(*data.attributes.find("s.view")), "v");
  EXPECT_EQ(std::get<std::string_view>(*data.attributes.find("s.literal")), "literal");
  EXPECT_EQ(std::get<std::string_view>(*data.attributes.find("s.string")), "owned");
  EXPECT_EQ(std::get<std::int64_t>(*data.attributes.find("i.int")), 70);
  EXPECT_EQ(std::get<std::int64_t>(*data.attributes.find("i.unsigned")), 8);
  EXPECT_EQ(std::get<std::int64_t>(*data.attributes.find("i.size")), 9);
  EXPECT_EQ(std::get<std::int64_t>(*data.attributes.find("i.int64")), -10);
  EXPECT_DOUBLE_EQ(std::get<double>(*data.attributes.find("d")), 2.5);
  EXPECT_TRUE(std::get<bool>(*data.attributes.find("b")));
  EXPECT_EQ(std::get<std::string_view>(*data.attributes.find("variant")), "from variant");
  EXPECT_EQ(data.attributes.dropped(), 0U);
}

TEST(AttributeListTest, AStringLiteralIsStoredAsAString) {
  AttributeList list;
  list.set("messaging.system", "kafka");
  const auto value = list.find("messaging.system");
  ASSERT_TRUE(value.has_value());
  ASSERT_TRUE(std::holds_alternative<std::string_view>(*value));
  EXPECT_EQ(std::get<std::string_view>(*value), "kafka");
}

TEST_F(SpanTest, AttributesBeyondTheLimitAreCountedAsDropped) {
  {
    Span span = tracer().start_span("many");
    for (std::size_t i = 0; i < AttributeList::kDefaultCountLimit + 5; ++i) {
      span.set_attribute("key." + std::to_string(i), static_cast<std::int64_t>(i));
    }
  }
  const SpanData data = exported("many");
  EXPECT_EQ(data.attributes.size(), AttributeList::kDefaultCountLimit);
  EXPECT_EQ(data.attributes.dropped(), 5U);
}

TEST_F(SpanTest, RecycledSpanDataCarriesNothingOver) {
  for (int round = 0; round < 50; ++round) {  // enough to cycle objects through queue and pool
    Span span = tracer().start_span("busy");
    span.set_attribute("only.on.busy", round);
    span.add_event("busy.event");
    span.set_status(StatusCode::kError, "busy failed");
  }
  ASSERT_TRUE(provider_->force_flush(5s));
  for (int round = 0; round < 50; ++round) {
    Span span = tracer().start_span("clean");
  }
  ASSERT_TRUE(provider_->force_flush(5s));
  int clean = 0;
  for (const SpanData& data : store_->spans()) {
    if (data.name == "clean") {
      ++clean;
      EXPECT_TRUE(data.attributes.empty());
      EXPECT_TRUE(data.events.empty());
      EXPECT_EQ(data.status_code, StatusCode::kUnset);
      EXPECT_TRUE(data.status_message.empty());
    }
  }
  EXPECT_EQ(clean, 50);
}

TEST_F(SpanTest, EventsKeepNameTimeAndAttributes) {
  {
    Span span = tracer().start_span("with events");
    span.add_event("retry",
                   {{"attempt", std::int64_t{2}}, {"reason", std::string_view("timeout")}});
    span.add_event("owned", OwnedAttributes{{"k", AttributeValue{true}}});
  }
  const SpanData data = exported("with events");
  ASSERT_EQ(data.events.size(), 2U);
  EXPECT_EQ(data.events[0].name, "retry");
  EXPECT_GE(data.events[0].time_unix_nano, data.start_unix_nano);
  EXPECT_EQ(std::get<std::int64_t>(*data.events[0].attributes.find("attempt")), 2);
  EXPECT_EQ(std::get<std::string_view>(*data.events[0].attributes.find("reason")), "timeout");
  EXPECT_TRUE(std::get<bool>(*data.events[1].attributes.find("k")));
}

TEST_F(SpanTest, StatusRules) {
  {
    Span ok_is_final = tracer().start_span("ok final");
    ok_is_final.set_status(StatusCode::kOk, "ignored for ok");
    ok_is_final.set_status(StatusCode::kError, "too late");
    Span unset_ignored = tracer().start_span("unset ignored");
    unset_ignored.set_status(StatusCode::kError, "boom");
    unset_ignored.set_status(StatusCode::kUnset);
  }
  const SpanData ok = exported("ok final");
  EXPECT_EQ(ok.status_code, StatusCode::kOk);
  EXPECT_TRUE(ok.status_message.empty());
  const SpanData error = exported("unset ignored");
  EXPECT_EQ(error.status_code, StatusCode::kError);
  EXPECT_EQ(error.status_message, "boom");
}

TEST_F(SpanTest, RecordErrorAddsExceptionEventStatusAndErrorType) {
  {
    Span span = tracer().start_span("failing");
    span.record_error("DecodeError", "bad json at offset 3");
  }
  const SpanData data = exported("failing");
  EXPECT_EQ(data.status_code, StatusCode::kError);
  EXPECT_EQ(data.status_message, "bad json at offset 3");
  EXPECT_EQ(std::get<std::string_view>(*data.attributes.find("error.type")), "DecodeError");
  ASSERT_EQ(data.events.size(), 1U);
  EXPECT_EQ(data.events[0].name, "exception");
  EXPECT_EQ(std::get<std::string_view>(*data.events[0].attributes.find("exception.type")),
            "DecodeError");
  EXPECT_EQ(std::get<std::string_view>(*data.events[0].attributes.find("exception.message")),
            "bad json at offset 3");
}

TEST_F(SpanTest, EndIsIdempotentAndMovesDoNotDuplicate) {
  {
    Span span = tracer().start_span("once");
    span.end();
    span.end();
    span.set_attribute("after.end", 1);  // ignored
    EXPECT_FALSE(span.is_recording());
    EXPECT_TRUE(span.context().valid());  // still usable for scopes and propagation
    Span moved = tracer().start_span("moved");
    Span target = std::move(moved);
    Span assigned;
    assigned = std::move(target);
  }
  ASSERT_TRUE(provider_->force_flush(5s));
  const auto spans = store_->spans();
  EXPECT_EQ(
      std::count_if(spans.begin(), spans.end(), [](const SpanData& s) { return s.name == "once"; }),
      1);
  EXPECT_EQ(std::count_if(spans.begin(), spans.end(),
                          [](const SpanData& s) { return s.name == "moved"; }),
            1);
  EXPECT_FALSE(store_->find("once")->attributes.find("after.end").has_value());
}

TEST_F(SpanTest, ExplicitStartAndEndTimes) {
  const auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  {
    Span span = tracer().start_span("timed", {.start_time = start});
    span.end(start + 250ms);
  }
  const SpanData data = exported("timed");
  EXPECT_EQ(data.start_unix_nano, 1'700'000'000'000'000'000ULL);
  EXPECT_EQ(data.end_unix_nano, 1'700'000'000'250'000'000ULL);
}

TEST_F(SpanTest, UnsampledSpanPropagatesButRecordsNothing) {
  make_provider(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = true});
  {
    Span span = tracer().start_span("dropped by sampler");
    EXPECT_FALSE(span.is_recording());
    EXPECT_TRUE(span.context().valid());
    EXPECT_FALSE(span.context().sampled());
    span.set_attribute("k", 1);
    span.record_error("E", "m");
    HeaderMapCarrier carrier;
    inject(span.context(), carrier);
    const auto remote = extract(carrier);
    ASSERT_TRUE(remote.has_value());
    EXPECT_FALSE(remote->sampled());
  }
  ASSERT_TRUE(provider_->force_flush(5s));
  EXPECT_EQ(store_->size(), 0U);
  EXPECT_EQ(provider_->stats().spans_started, 0U);
}

TEST_F(SpanTest, SampledRemoteParentOverridesAlwaysOffRoot) {
  make_provider(
      SamplerOptions{.root = SamplerKind::kAlwaysOff, .ratio = 1.0, .parent_based = true});
  const auto remote = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  {
    Span span = tracer().start_span("continued", {.parent = remote});
    EXPECT_TRUE(span.is_recording());
  }
  EXPECT_EQ(exported("continued").context.trace_id, remote->trace_id);
}

TEST_F(SpanTest, DisabledProviderPassesTheParentThrough) {
  make_provider(SamplerOptions{}, /*enabled=*/false);
  const auto remote = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  Span child = tracer().start_span("noop", {.parent = remote});
  EXPECT_FALSE(child.is_recording());
  EXPECT_EQ(child.context().trace_id, remote->trace_id);
  EXPECT_EQ(child.context().span_id, remote->span_id);
  Span root = tracer().start_span("noop root");
  EXPECT_FALSE(root.context().valid());
  EXPECT_TRUE(provider_->force_flush(1s));
}

TEST_F(SpanTest, StatsCountStartedAndExportedSpans) {
  for (int i = 0; i < 10; ++i) {
    Span span = tracer().start_span("counted");
  }
  Span open = tracer().start_span("still open");
  ASSERT_TRUE(provider_->force_flush(5s));
  const TracerStats stats = provider_->stats();
  EXPECT_EQ(stats.spans_started, 11U);
  EXPECT_EQ(stats.spans_ended, 10U);
  EXPECT_EQ(stats.spans_exported, 10U);
  EXPECT_EQ(stats.spans_dropped, 0U);
  EXPECT_EQ(stats.queue_size, 0U);
}

}  // namespace
}  // namespace edaobs::telemetry
