#include "event_factory.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "edaobs/kafka/envelope/rfc3339.h"

using edaobs::kafka::Event;
using edaobs::publisher::EventFactory;

TEST(EventFactory, SyntheticEventsAreValidEnvelopesThatVary) {
  EventFactory factory("/edaobs/publisher");
  const Event a = factory.synthetic(1);
  const Event b = factory.synthetic(2);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.type, b.type);
  EXPECT_EQ("/edaobs/publisher", a.source);
  EXPECT_EQ("o-1", a.subject.value());
  EXPECT_TRUE(edaobs::kafka::parse_rfc3339(a.time).has_value()) << a.time;
  const auto data = boost::json::parse(a.data).as_object();
  EXPECT_TRUE(data.at("customer").is_string());
  EXPECT_TRUE(data.at("amount_cents").is_int64());
}

TEST(EventFactory, PostedEventKeepsTypeSubjectAndData) {
  EventFactory factory("/edaobs/publisher");
  auto result =
      factory.from_request(R"({"type":"order.created","subject":"o-9","data":{"customer":"c"}})");
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  const Event& event = *result;
  EXPECT_EQ("order.created", event.type);
  EXPECT_EQ("o-9", event.subject.value());
  EXPECT_EQ(R"({"customer":"c"})", event.data);
}

TEST(EventFactory, RejectsBodiesThatAreNotEvents) {
  EventFactory factory("s");
  for (const char* body : {"", "[]", R"({"data":{}})", R"({"type":"","data":{}})",
                           R"({"type":"t","data":[1]})", R"({"type":"t","data":{},"subject":3})"}) {
    const auto result = factory.from_request(body);
    ASSERT_FALSE(result.has_value()) << body;
    EXPECT_EQ(result.error().reason, "bad_request") << body;
  }
}
