// Peer check of the two OTLP encoders: spans that set every field are encoded as protobuf and as
// JSON, and otlp_peer_check.py decodes the protobuf with the official opentelemetry-proto Python
// package and compares every field with the JSON (see the script). The venv that holds the
// package is made by scripts/deps.sh; without it this test fails (it never skips).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/otlp_json.h"
#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"
#include "edaobs/telemetry/trace/propagation.h"

#ifndef EDAOBS_OTLP_PEER_PYTHON
#error "EDAOBS_OTLP_PEER_PYTHON must name the venv's python (set by libs/telemetry/CMakeLists.txt)"
#endif
#ifndef EDAOBS_OTLP_PEER_SCRIPT
#error "EDAOBS_OTLP_PEER_SCRIPT must name otlp_peer_check.py (set by libs/telemetry/CMakeLists.txt)"
#endif

namespace edaobs::telemetry {
namespace {

namespace fs = std::filesystem;

SpanContext context_of(std::string_view traceparent) { return *parse_traceparent(traceparent); }

// (Appending, rather than literal + std::to_string, keeps GCC 12's -Wrestrict false positive away.)
std::string numbered(std::string_view prefix, int i) {
  std::string key(prefix);
  key.append(std::to_string(i));
  return key;
}

// Every attribute value type, with the edge cases both encoders must agree on.
void set_every_attribute_type(AttributeList& a) {
  a.set("text", "kafka");
  a.set("empty", "");
  a.set("escapes", "quote \" backslash \\ newline \n tab \t nul \x01");
  a.set("unicode", "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x9A\x80");
  a.set("ill-formed", "bad \xFF byte \xE2\x9C truncated");
  a.set("true", true);
  a.set("false", false);
  a.set("zero", std::int64_t{0});
  a.set("negative", std::int64_t{-42});
  a.set("min", std::numeric_limits<std::int64_t>::min());
  a.set("max", std::numeric_limits<std::int64_t>::max());
  a.set("not-a-double", std::int64_t{9'007'199'254'740'993});
  a.set("ratio", 0.1);
  a.set("tiny", -4.9e-324);
  a.set("infinite", std::numeric_limits<double>::infinity());
  a.set("minus-infinite", -std::numeric_limits<double>::infinity());
}

// An exception event, one with more attributes than the limit, one without any.
void add_events(SpanData& client) {
  SpanEvent& exception = client.events.emplace_back();
  exception.name = "exception";
  exception.time_unix_nano = client.start_unix_nano + 1'000;
  exception.attributes.set("exception.type", "Timeout");
  exception.attributes.set("exception.escaped", false);
  SpanEvent& crowded = client.events.emplace_back();
  crowded.name = "crowded";
  crowded.time_unix_nano = client.start_unix_nano + 2'000;
  for (int i = 0; i < 131; ++i) {
    crowded.attributes.set(numbered("e", i), 0.5 * i);
  }
  SpanEvent& bare = client.events.emplace_back();
  bare.name = "bare";
  bare.time_unix_nano = client.start_unix_nano + 3'000;
}

// One span per kind; together they set every field both encoders write.
std::vector<std::unique_ptr<SpanData>> spans_covering_every_field() {
  std::vector<std::unique_ptr<SpanData>> spans;
  const auto add = [&](SpanKind kind, std::string name) -> SpanData& {
    auto span = std::make_unique<SpanData>();
    span->context = context_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    span->context.span_id.bytes[7] = static_cast<std::uint8_t>(spans.size() + 1);
    span->kind = kind;
    span->name = std::move(name);
    span->start_unix_nano = 1'700'000'000'123'456'789ULL + spans.size();
    span->end_unix_nano = span->start_unix_nano + 25'000'000;
    spans.push_back(std::move(span));
    return *spans.back();
  };

  // A root span (no parent), unsampled flags, unset status, every attribute value type.
  SpanData& internal = add(SpanKind::kInternal, "compute");
  internal.context.trace_flags = 0;
  set_every_attribute_type(internal.attributes);

  // A child of a remote parent with tracestate, OK status.
  SpanData& server = add(SpanKind::kServer, "POST /orders");
  server.context.trace_state = "vendor=1,other=t61rcWkgMzE";
  server.parent_span_id =
      context_of("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01").span_id;
  server.parent_is_remote = true;
  server.status_code = StatusCode::kOk;
  server.attributes.set("http.request.method", "POST");

  // A local child with an error status, events (one with dropped attributes) and dropped counts.
  SpanData& client = add(SpanKind::kClient, "GET inventory");
  client.parent_span_id = server.context.span_id;
  client.status_code = StatusCode::kError;
  client.status_message = "upstream said \"no\" \xFE";
  for (int i = 0; i < 130; ++i) {
    client.attributes.set(numbered("attribute.", i), std::int64_t{i});
  }
  add_events(client);
  client.dropped_events = 3;

  // Links: one remote with tracestate and attributes, one local and unsampled without either.
  SpanData& producer = add(SpanKind::kProducer, "send orders");
  producer.parent_span_id = client.context.span_id;
  SpanLink& origin = producer.links.emplace_back();
  origin.context = context_of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  origin.context.is_remote = true;
  origin.context.trace_state = "congo=lZWRzIHRoNhcm5hbCBwbGVhc3VyZS4";
  origin.attributes.emplace_back("link.kind", std::string("origin"));
  origin.attributes.emplace_back("link.count", std::int64_t{2});
  SpanLink& local = producer.links.emplace_back();
  local.context = context_of("00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203332-00");
  producer.dropped_links = 5;

  SpanData& consumer = add(SpanKind::kConsumer, "process orders");
  consumer.parent_span_id = producer.context.span_id;
  consumer.parent_is_remote = true;
  consumer.attributes.set("messaging.kafka.offset", std::int64_t{123'456});
  return spans;
}

Resource resource_with_every_type() {
  Resource resource =
      make_resource("peer-check", "1.2.3", "instance-1", {{"deployment.environment", "test"}});
  resource.set("host.cpu.count", std::int64_t{2});
  resource.set("feature.enabled", true);
  resource.set("load", 0.75);
  return resource;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult run(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed";
    return result;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    result.output.append(buffer, n);
  }
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

class OtlpPeerCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(EDAOBS_OTLP_PEER_PYTHON))
        << "the Python venv with opentelemetry-proto is missing at " << EDAOBS_OTLP_PEER_PYTHON
        << ": run `make deps` (scripts/deps.sh installs it), with the same EDAOBS_STACK_DIR as at "
           "configure time";
    dir_ = fs::temp_directory_path() / ("edaobs-otlp-peer-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    spans_ = spans_covering_every_field();
    resource_ = resource_with_every_type();
    protobuf_ = encode_otlp_traces_protobuf(resource_, SpanBatch(spans_));
    json_ = encode_otlp_traces_json(resource_, SpanBatch(spans_));
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  CommandResult check(const std::string& protobuf, const std::string& json) {
    const fs::path pb = dir_ / "request.pb";
    const fs::path js = dir_ / "request.json";
    std::ofstream(pb, std::ios::binary) << protobuf;
    std::ofstream(js, std::ios::binary) << json;
    return run(std::string(EDAOBS_OTLP_PEER_PYTHON) + " " + EDAOBS_OTLP_PEER_SCRIPT + " " +
               pb.string() + " " + js.string());
  }

  fs::path dir_;
  std::vector<std::unique_ptr<SpanData>> spans_;
  Resource resource_;
  std::string protobuf_;
  std::string json_;
};

TEST_F(OtlpPeerCheck, OfficialBindingsDecodeTheProtobufToTheJsonEncoding) {
  const CommandResult result = check(protobuf_, json_);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(result.output.starts_with("OK: 5 spans")) << result.output;
}

// Attribute limits apply alike in both encodings (truncated values, attributes dropped and
// counted).
TEST_F(OtlpPeerCheck, BothEncodingsApplyTheAttributeLimitsAlike) {
  const AttributeLimits limits{.count = 20, .value_length = 6};  // keeps the 16 of the first span
  const CommandResult result =
      check(encode_otlp_traces_protobuf(resource_, SpanBatch(spans_), limits),
            encode_otlp_traces_json(resource_, SpanBatch(spans_), limits));
  EXPECT_EQ(result.exit_code, 0) << result.output;
}

// The checker itself must notice a difference, in either encoding.
TEST_F(OtlpPeerCheck, CheckerRejectsAChangedValue) {
  std::string json = json_;
  const std::size_t at = json.find("\"process orders\"");
  ASSERT_NE(at, std::string::npos);
  json[at + 1] = 'P';
  const CommandResult result = check(protobuf_, json);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("differ"), std::string::npos) << result.output;
}

TEST_F(OtlpPeerCheck, CheckerRejectsAWrongFieldNumber) {
  // The consumer span's name (field 5, wire type 2: tag 0x2A) rewritten as field 6's tag would be
  // a wire-type clash; as field 17 (two-byte tag) it would shift the bytes, so use the
  // same-width field 15 with the same wire type (tag 0x7A): a field that exists but is not `name`.
  std::string protobuf = protobuf_;
  constexpr std::string_view name =
      "\x2A\x0E"
      "process orders";
  const std::size_t at = protobuf.find(name);
  ASSERT_NE(at, std::string::npos);
  protobuf[at] = '\x7A';
  const CommandResult result = check(protobuf, json_);
  EXPECT_EQ(result.exit_code, 1) << result.output;
}

TEST_F(OtlpPeerCheck, CheckerRejectsJsonThatBreaksOtlpJsonRules) {
  std::string json = json_;
  const std::size_t at = json.find("\"startTimeUnixNano\":\"");
  ASSERT_NE(at, std::string::npos);
  // The quotes around the number removed: valid proto3 JSON, but not OTLP's int64-as-string rule.
  json.erase(at + 20, 1);
  json.erase(json.find('"', at + 20), 1);
  const CommandResult result = check(protobuf_, json);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("decimal string"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace edaobs::telemetry
