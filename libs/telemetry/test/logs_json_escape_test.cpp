#include <cstdint>
#include <random>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/json_escape.h"

namespace edaobs::telemetry {
namespace {

// Parses `text` as a JSON string literal; fails the test if it is not valid JSON.
std::string parse_json_string(const std::string& literal) {
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(literal, error);
  EXPECT_FALSE(error) << "not valid JSON: " << literal << " (" << error.message() << ")";
  if (error || !value.is_string()) {
    return {};
  }
  return std::string(value.get_string());
}

std::string as_json_literal(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

const std::string kReplacement = "\xEF\xBF\xBD";

std::string repeat(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    out += text;
  }
  return out;
}

TEST(JsonEscape, EveryControlCharacterIsEscapedAndRoundTrips) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string input = std::string("a") + static_cast<char>(c) + "b";
    const std::string literal = as_json_literal(input);
    for (char byte : literal) {
      EXPECT_GE(static_cast<unsigned char>(byte), 0x20) << "raw control char " << c;
    }
    EXPECT_EQ(parse_json_string(literal), input) << "control char " << c;
  }
}

TEST(JsonEscape, ShortEscapesForCommonCharacters) {
  EXPECT_EQ(as_json_literal("\"\\\n\r\t\b\f"), R"("\"\\\n\r\t\b\f")");
  EXPECT_EQ(as_json_literal(std::string_view("\0\x1f", 2)), R"("\u0000\u001f")");
  EXPECT_EQ(as_json_literal("plain /text/ \x7f"), "\"plain /text/ \x7f\"");
}

TEST(JsonEscape, ValidUtf8IsCopiedUnchanged) {
  const std::string text =
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(as_json_literal(text), "\"" + text + "\"");
  EXPECT_EQ(parse_json_string(as_json_literal(text)), text);
}

struct InvalidCase {
  const char* name;
  std::string input;
  std::string expected;
};

TEST(JsonEscape, InvalidUtf8BecomesReplacementPerMaximalSubpart) {
  const std::vector<InvalidCase> cases = {
      {"overlong two-byte", "\xC0\xAF", repeat(kReplacement, 2)},
      {"overlong three-byte", "\xE0\x80\xAF", repeat(kReplacement, 3)},
      {"surrogate", "\xED\xA0\x80", repeat(kReplacement, 3)},
      {"above U+10FFFF", "\xF4\x90\x80\x80", repeat(kReplacement, 4)},
      {"lead byte F5", "\xF5\x80", repeat(kReplacement, 2)},
      {"stray continuation", "a\x80z", "a" + kReplacement + "z"},
      {"truncated at end", "x\xE2\x82", "x" + kReplacement},
      {"truncated before ASCII",
       "\xF0\x9F\x98"
       "A",
       kReplacement + "A"},
      {"lone FF", "\xFF", kReplacement},
  };
  for (const InvalidCase& c : cases) {
    const std::string literal = as_json_literal(c.input);
    EXPECT_EQ(parse_json_string(literal), c.expected) << c.name;
  }
}

TEST(JsonEscape, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 random(20261123);  // fixed seed: a failure reproduces
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int round = 0; round < 20000; ++round) {
    std::string input(static_cast<std::size_t>(length(random)), '\0');
    for (char& c : input) {
      c = static_cast<char>(byte(random));
    }
    boost::system::error_code error;
    boost::json::parse(as_json_literal(input), error);
    ASSERT_FALSE(error) << "round " << round;
  }
}

TEST(JsonEscape, AppendEscapedWritesBodyOnly) {
  std::string out = "k=";
  append_json_escaped(out, "a\"b");
  EXPECT_EQ(out, "k=a\\\"b");
}

}  // namespace
}  // namespace edaobs::telemetry
