// Peer check of the OTLP logs encoder: log records that set every LogRecord field the encoder
// writes (every field type, a masked field, cut strings, with and without an active span) are
// encoded as protobuf, and logs_otlp_peer_check.py decodes the body with the official
// opentelemetry-proto Python package and compares it with the request written out below (see the
// script). The venv that holds the package is made by scripts/deps.sh; without it this test fails
// (it never skips).
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "edaobs/telemetry/trace/propagation.h"

#include "logs/log_record.h"
#include "logs/otlp_logs_protobuf.h"

#ifndef EDAOBS_OTLP_PEER_PYTHON
#error "EDAOBS_OTLP_PEER_PYTHON must name the venv's python (set by libs/telemetry/CMakeLists.txt)"
#endif
#ifndef EDAOBS_OTLP_LOGS_PEER_SCRIPT
#error \
    "EDAOBS_OTLP_LOGS_PEER_SCRIPT must name logs_otlp_peer_check.py (set by libs/telemetry/CMakeLists.txt)"
#endif

namespace edaobs::telemetry {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kFirstTime = 1'700'000'000'123'456'789ULL;

struct EncodedCall {
  RecordBuffer bytes;
  DecodedRecord decoded;
};

class Records {
 public:
  void add(LogLevel level, std::string_view file, std::uint32_t line, std::string_view msg,
           std::initializer_list<LogField> fields, const SpanContext& context) {
    EncodedCall& call = calls_.emplace_back();
    encode_log_record(call.bytes, msg, std::span<const LogField>(fields.begin(), fields.size()),
                      context, 16);
    ASSERT_TRUE(
        decode_log_record(std::string_view(call.bytes.data(), call.bytes.size()), call.decoded));
    const auto time = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(kFirstTime + inputs_.size())));
    inputs_.push_back({level, time, file, line, &call.decoded});
  }
  [[nodiscard]] const std::vector<OtlpLogRecordInput>& inputs() const { return inputs_; }

 private:
  std::deque<EncodedCall> calls_;  // stable addresses for the inputs' record pointers
  std::vector<OtlpLogRecordInput> inputs_;
};

SpanContext context_of(std::string_view traceparent) { return *parse_traceparent(traceparent); }

std::string encode_every_field() {
  Records records;
  const SpanContext sampled = context_of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  const SpanContext unsampled =
      context_of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
  records.add(LogLevel::kInfo, "/src/agents/enricher/main.cpp", 42, "order accepted",
              {{"event_id", "e-1"},
               {"empty", ""},
               {"escapes", "q \" b \\ n \n"},
               {"unicode", "caf\xC3\xA9 \xE2\x9C\x93"},
               {"ok", true},
               {"retry", false},
               {"zero", 0},
               {"negative", -42},
               {"min", std::numeric_limits<std::int64_t>::min()},
               {"max", std::numeric_limits<std::int64_t>::max()},
               {"ratio", 0.1},
               {"infinite", std::numeric_limits<double>::infinity()},
               {"Password", "hunter2"},
               {"long", "abcdefghijklmnopqrstuvwxyz"}},
              sampled);
  records.add(LogLevel::kDebug, "x.cpp", 1, "debug detail", {}, SpanContext{});
  records.add(LogLevel::kWarn, "w.cpp", 7, "a message longer than sixteen bytes", {}, unsampled);
  records.add(LogLevel::kError, "e.cpp", 9, "failed", {{"attempt", 3}}, sampled);

  Resource resource;
  resource.set("service.name", std::string("svc"));
  resource.set("service.version", std::string("1.2.3"));
  resource.set("host.cores", std::int64_t{8});
  resource.set("sampling.ratio", 0.5);
  resource.set("debug", true);
  const MaskedKeys masked({"password"});

  std::string body = "stale bytes a reused buffer held";
  {
    OtlpLogsProtobufWriter writer(body, resource, masked);
    for (const OtlpLogRecordInput& input : records.inputs()) {
      writer.add(input);
    }
    writer.finish();
  }
  return body;
}

// The request above in the proto3 JSON mapping (ids as hex, see the script).
constexpr std::string_view kExpected = R"({"resourceLogs":[{
  "resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"svc"}},
    {"key":"service.version","value":{"stringValue":"1.2.3"}},
    {"key":"host.cores","value":{"intValue":"8"}},
    {"key":"sampling.ratio","value":{"doubleValue":0.5}},
    {"key":"debug","value":{"boolValue":true}}]},
  "scopeLogs":[{"scope":{"name":"edaobs","version":"0.1.0"},"logRecords":[
    {"timeUnixNano":"1700000000123456789","observedTimeUnixNano":"1700000000123456789",
     "severityNumber":9,"severityText":"INFO","body":{"stringValue":"order accepted"},
     "attributes":[
       {"key":"event_id","value":{"stringValue":"e-1"}},
       {"key":"empty","value":{"stringValue":""}},
       {"key":"escapes","value":{"stringValue":"q \" b \\ n \n"}},
       {"key":"unicode","value":{"stringValue":"café ✓"}},
       {"key":"ok","value":{"boolValue":true}},
       {"key":"retry","value":{"boolValue":false}},
       {"key":"zero","value":{"intValue":"0"}},
       {"key":"negative","value":{"intValue":"-42"}},
       {"key":"min","value":{"intValue":"-9223372036854775808"}},
       {"key":"max","value":{"intValue":"9223372036854775807"}},
       {"key":"ratio","value":{"doubleValue":0.1}},
       {"key":"infinite","value":{"doubleValue":"Infinity"}},
       {"key":"Password","value":{"stringValue":"***"}},
       {"key":"long","value":{"stringValue":"abcdefghijklmnop...[truncated]"}},
       {"key":"code.filepath","value":{"stringValue":"/src/agents/enricher/main.cpp"}},
       {"key":"code.lineno","value":{"intValue":"42"}}],
     "flags":1,"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"},
    {"timeUnixNano":"1700000000123456790","observedTimeUnixNano":"1700000000123456790",
     "severityNumber":5,"severityText":"DEBUG","body":{"stringValue":"debug detail"},
     "attributes":[
       {"key":"code.filepath","value":{"stringValue":"x.cpp"}},
       {"key":"code.lineno","value":{"intValue":"1"}}]},
    {"timeUnixNano":"1700000000123456791","observedTimeUnixNano":"1700000000123456791",
     "severityNumber":13,"severityText":"WARN","body":{"stringValue":"a message longer...[truncated]"},
     "attributes":[
       {"key":"code.filepath","value":{"stringValue":"w.cpp"}},
       {"key":"code.lineno","value":{"intValue":"7"}}],
     "traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"},
    {"timeUnixNano":"1700000000123456792","observedTimeUnixNano":"1700000000123456792",
     "severityNumber":17,"severityText":"ERROR","body":{"stringValue":"failed"},
     "attributes":[
       {"key":"attempt","value":{"intValue":"3"}},
       {"key":"code.filepath","value":{"stringValue":"e.cpp"}},
       {"key":"code.lineno","value":{"intValue":"9"}}],
     "flags":1,"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"}
  ]}]}]})";

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

class OtlpLogsPeerCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(EDAOBS_OTLP_PEER_PYTHON))
        << "the Python venv with opentelemetry-proto is missing at " << EDAOBS_OTLP_PEER_PYTHON
        << ": run `make deps` (scripts/deps.sh installs it), with the same EDAOBS_STACK_DIR as at "
           "configure time";
    dir_ = fs::temp_directory_path() / ("edaobs-otlp-logs-peer-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    protobuf_ = encode_every_field();
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  CommandResult check(const std::string& protobuf, std::string_view expected) {
    const fs::path pb = dir_ / "request.pb";
    const fs::path js = dir_ / "expected.json";
    std::ofstream(pb, std::ios::binary) << protobuf;
    std::ofstream(js, std::ios::binary) << expected;
    return run(std::string(EDAOBS_OTLP_PEER_PYTHON) + " " + EDAOBS_OTLP_LOGS_PEER_SCRIPT + " " +
               pb.string() + " " + js.string());
  }

  fs::path dir_;
  std::string protobuf_;
};

TEST_F(OtlpLogsPeerCheck, OfficialBindingsDecodeTheExpectedRequest) {
  const CommandResult result = check(protobuf_, kExpected);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(result.output.starts_with("OK: 4 log records")) << result.output;
}

TEST(OtlpSeverity, NumbersAreTheOtelOnes) {
  EXPECT_EQ(otlp_severity_number(LogLevel::kDebug), 5U);
  EXPECT_EQ(otlp_severity_number(LogLevel::kInfo), 9U);
  EXPECT_EQ(otlp_severity_number(LogLevel::kWarn), 13U);
  EXPECT_EQ(otlp_severity_number(LogLevel::kError), 17U);
}

// The checker itself must notice a difference.
TEST_F(OtlpLogsPeerCheck, CheckerRejectsAChangedValue) {
  std::string expected(kExpected);
  const std::size_t at = expected.find("order accepted");
  ASSERT_NE(at, std::string::npos);
  expected[at] = 'O';
  const CommandResult result = check(protobuf_, expected);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("differs"), std::string::npos) << result.output;
}

TEST_F(OtlpLogsPeerCheck, CheckerRejectsAWrongFieldNumber) {
  // severity_text (field 3, wire type 2: tag 0x1A) rewritten as field 4 (tag 0x22), which
  // LogRecord reserves: an unknown field of the same width.
  std::string protobuf = protobuf_;
  constexpr std::string_view text =
      "\x1A\x05"
      "DEBUG";
  const std::size_t at = protobuf.find(text);
  ASSERT_NE(at, std::string::npos);
  protobuf[at] = '\x22';
  const CommandResult result = check(protobuf, kExpected);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("unknown"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace edaobs::telemetry
