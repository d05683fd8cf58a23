// TracerProviderOptions::from_env (the OTEL_* variables) and the provider's resource.
#include <cstdlib>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "edaobs/telemetry/sdk/trace/tracer_provider.h"
#include "edaobs/telemetry/testing/in_memory_span_exporter.h"

namespace edaobs::telemetry {
namespace {

using Env = std::map<std::string, std::string, std::less<>>;

TracerProviderOptions options_from(const Env& env) {
  return TracerProviderOptions::from_env([&](std::string_view name) -> std::optional<std::string> {
    if (auto it = env.find(name); it != env.end()) {
      return it->second;
    }
    return std::nullopt;
  });
}

// Expects from_env to throw std::invalid_argument whose message starts with `variable`.
void expect_rejected(const Env& env, std::string_view variable) {
  try {
    (void)options_from(env);
    ADD_FAILURE() << "expected std::invalid_argument for " << variable;
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(std::string_view(e.what()).starts_with(variable)) << e.what();
  }
}

TEST(TracerProviderOptionsTest, DefaultsWhenNothingIsSet) {
  const TracerProviderOptions o = options_from({});
  EXPECT_EQ(o.service_name, "unknown_service");
  EXPECT_EQ(o.otlp_traces_endpoint, "http://localhost:4318/v1/traces");
  EXPECT_EQ(o.sampler.root, SamplerKind::kAlwaysOn);
  EXPECT_TRUE(o.sampler.parent_based);
  EXPECT_EQ(o.batch.max_queue_size, 2048U);
  EXPECT_EQ(o.batch.max_export_batch_size, 512U);
  EXPECT_EQ(o.batch.schedule_delay, std::chrono::milliseconds(5000));
  EXPECT_EQ(o.batch.export_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(o.otlp_protocol, OtlpProtocol::kHttpProtobuf);
  EXPECT_EQ(o.otlp_compression, OtlpCompression::kNone);
  EXPECT_TRUE(o.enabled);
}

TEST(TracerProviderOptionsTest, ProtocolAndCompressionWithTheTracesVariableWinning) {
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}).otlp_protocol,
            OtlpProtocol::kHttpJson);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "HTTP/Protobuf"}}).otlp_protocol,
            OtlpProtocol::kHttpProtobuf);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"},
                          {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json"}})
                .otlp_protocol,
            OtlpProtocol::kHttpJson);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
                          {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"}})
                .otlp_protocol,
            OtlpProtocol::kHttpProtobuf);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"}}).otlp_compression,
            OtlpCompression::kGzip);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"},
                          {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none"}})
                .otlp_compression,
            OtlpCompression::kNone);
  EXPECT_EQ(options_from({{"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "GZIP"}}).otlp_compression,
            OtlpCompression::kGzip);
}

TEST(TracerProviderOptionsTest, ReadsEveryVariable) {
  const TracerProviderOptions o = options_from({
      {"OTEL_SERVICE_NAME", "orders-agent"},
      {"OTEL_RESOURCE_ATTRIBUTES",
       "service.version=1.4.0, deployment.environment=prod%2Ceu ,team=a%3Db"},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"},
      {"OTEL_EXPORTER_OTLP_HEADERS", "x-tenant=acme,authorization=Bearer%20t"},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "2500"},
      {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
      {"OTEL_TRACES_SAMPLER_ARG", "0.1"},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "4096"},
      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "256"},
      {"OTEL_BSP_SCHEDULE_DELAY", "1000"},
      {"OTEL_BSP_EXPORT_TIMEOUT", "10000"},
  });
  EXPECT_EQ(o.service_name, "orders-agent");
  EXPECT_EQ(o.service_version, "1.4.0");
  const std::vector<std::pair<std::string, std::string>> expected_attributes{
      {"service.version", "1.4.0"}, {"deployment.environment", "prod,eu"}, {"team", "a=b"}};
  EXPECT_EQ(o.resource_attributes, expected_attributes);
  EXPECT_EQ(o.otlp_traces_endpoint, "http://collector:4318/v1/traces");
  const HeaderList expected_headers{{"x-tenant", "acme"}, {"authorization", "Bearer t"}};
  EXPECT_EQ(o.otlp_headers, expected_headers);
  EXPECT_EQ(o.otlp_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(o.sampler.root, SamplerKind::kTraceIdRatio);
  EXPECT_TRUE(o.sampler.parent_based);
  EXPECT_DOUBLE_EQ(o.sampler.ratio, 0.1);
  EXPECT_EQ(o.batch.max_queue_size, 4096U);
  EXPECT_EQ(o.batch.max_export_batch_size, 256U);
  EXPECT_EQ(o.batch.schedule_delay, std::chrono::milliseconds(1000));
  EXPECT_EQ(o.batch.export_timeout, std::chrono::milliseconds(10000));
}

TEST(TracerProviderOptionsTest, TracesEndpointIsUsedAsIsAndWins) {
  const TracerProviderOptions o =
      options_from({{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"},
                    {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:9999/custom"}});
  EXPECT_EQ(o.otlp_traces_endpoint, "http://b:9999/custom");
}

TEST(TracerProviderOptionsTest, ServiceNameFromResourceAttributesUnlessOtelServiceNameIsSet) {
  EXPECT_EQ(options_from({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"}}).service_name,
            "from-attrs");
  EXPECT_EQ(options_from({{"OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"},
                          {"OTEL_SERVICE_NAME", "explicit"}})
                .service_name,
            "explicit");
}

TEST(TracerProviderOptionsTest, EmptyValuesMeanDefault) {
  const TracerProviderOptions o =
      options_from({{"OTEL_BSP_MAX_QUEUE_SIZE", ""}, {"OTEL_TRACES_SAMPLER", "  "}});
  EXPECT_EQ(o.batch.max_queue_size, 2048U);
  EXPECT_EQ(o.sampler.root, SamplerKind::kAlwaysOn);
}

TEST(TracerProviderOptionsTest, DisablingVariables) {
  EXPECT_FALSE(options_from({{"OTEL_SDK_DISABLED", "TRUE"}}).enabled);
  EXPECT_TRUE(options_from({{"OTEL_SDK_DISABLED", "false"}}).enabled);
  EXPECT_FALSE(options_from({{"OTEL_TRACES_EXPORTER", "none"}}).enabled);
  EXPECT_TRUE(options_from({{"OTEL_TRACES_EXPORTER", "otlp"}}).enabled);
}

TEST(TracerProviderOptionsTest, BadValuesThrowNamingTheVariable) {
  expect_rejected({{"OTEL_BSP_MAX_QUEUE_SIZE", "lots"}}, "OTEL_BSP_MAX_QUEUE_SIZE");
  expect_rejected({{"OTEL_BSP_MAX_QUEUE_SIZE", "0"}}, "OTEL_BSP_MAX_QUEUE_SIZE");
  expect_rejected({{"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-5"}}, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
  expect_rejected({{"OTEL_BSP_MAX_QUEUE_SIZE", "100"}, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200"}},
                  "OTEL_BSP_MAX_EXPORT_BATCH_SIZE");
  expect_rejected({{"OTEL_BSP_SCHEDULE_DELAY", "5s"}}, "OTEL_BSP_SCHEDULE_DELAY");
  expect_rejected({{"OTEL_BSP_EXPORT_TIMEOUT", "0"}}, "OTEL_BSP_EXPORT_TIMEOUT");
  expect_rejected({{"OTEL_TRACES_SAMPLER", "sometimes"}}, "OTEL_TRACES_SAMPLER");
  expect_rejected({{"OTEL_TRACES_SAMPLER", "traceidratio"}, {"OTEL_TRACES_SAMPLER_ARG", "2"}},
                  "OTEL_TRACES_SAMPLER_ARG");
  expect_rejected({{"OTEL_RESOURCE_ATTRIBUTES", "novalue"}}, "OTEL_RESOURCE_ATTRIBUTES");
  expect_rejected({{"OTEL_RESOURCE_ATTRIBUTES", "=v"}}, "OTEL_RESOURCE_ATTRIBUTES");
  expect_rejected({{"OTEL_RESOURCE_ATTRIBUTES", "k=%zz"}}, "OTEL_RESOURCE_ATTRIBUTES");
  expect_rejected({{"OTEL_RESOURCE_ATTRIBUTES", "k=50%"}}, "OTEL_RESOURCE_ATTRIBUTES");
  expect_rejected({{"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318"}},
                  "OTEL_EXPORTER_OTLP_ENDPOINT");
  expect_rejected({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "collector:4318"}},
                  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  expect_rejected({{"OTEL_EXPORTER_OTLP_TIMEOUT", "soon"}}, "OTEL_EXPORTER_OTLP_TIMEOUT");
  expect_rejected({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}, "OTEL_EXPORTER_OTLP_PROTOCOL");
  expect_rejected({{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}},
                  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
  expect_rejected({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/xml"}}, "OTEL_EXPORTER_OTLP_PROTOCOL");
  expect_rejected({{"OTEL_EXPORTER_OTLP_COMPRESSION", "zstd"}}, "OTEL_EXPORTER_OTLP_COMPRESSION");
  expect_rejected({{"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "deflate"}},
                  "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION");
  expect_rejected({{"OTEL_SDK_DISABLED", "maybe"}}, "OTEL_SDK_DISABLED");
  expect_rejected({{"OTEL_TRACES_EXPORTER", "zipkin"}}, "OTEL_TRACES_EXPORTER");
}

TEST(TracerProviderOptionsTest, ReadsTheProcessEnvironment) {
  ::setenv("OTEL_SERVICE_NAME", "from-process-env", 1);
  ::setenv("OTEL_BSP_MAX_QUEUE_SIZE", "123", 1);
  const TracerProviderOptions o = TracerProviderOptions::from_env();
  ::unsetenv("OTEL_SERVICE_NAME");
  ::unsetenv("OTEL_BSP_MAX_QUEUE_SIZE");
  EXPECT_EQ(o.service_name, "from-process-env");
  EXPECT_EQ(o.batch.max_queue_size, 123U);
}

TEST(TracerProviderTest, ResourceCarriesServiceAndSdkAttributes) {
  TracerProviderOptions options =
      options_from({{"OTEL_RESOURCE_ATTRIBUTES", "service.version=2.0,region=eu"},
                    {"OTEL_SERVICE_NAME", "svc"}});
  TracerProvider provider(
      options, std::make_unique<InMemorySpanExporter>(std::make_shared<InMemorySpanStore>()));
  const Resource& r = provider.resource();
  EXPECT_EQ(std::get<std::string_view>(*r.find("service.name")), "svc");
  EXPECT_EQ(std::get<std::string_view>(*r.find("service.version")), "2.0");
  EXPECT_EQ(std::get<std::string_view>(*r.find("region")), "eu");
  EXPECT_EQ(std::get<std::string_view>(*r.find("telemetry.sdk.language")), "cpp");
  EXPECT_EQ(std::get<std::string_view>(*r.find("telemetry.sdk.name")), "edaobs");
  const std::string instance(std::get<std::string_view>(*r.find("service.instance.id")));
  EXPECT_TRUE(std::regex_match(
      instance, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << instance;
}

TEST(TracerProviderTest, ExplicitInstanceIdIsKept) {
  TracerProviderOptions options;
  options.service_instance_id = "pod-7";
  TracerProvider provider(
      options, std::make_unique<InMemorySpanExporter>(std::make_shared<InMemorySpanStore>()));
  EXPECT_EQ(std::get<std::string_view>(*provider.resource().find("service.instance.id")), "pod-7");
}

TEST(TracerProviderTest, HttpsEndpointIsRejectedAtConstruction) {
  TracerProviderOptions options;
  options.otlp_traces_endpoint = "https://collector:4318/v1/traces";
  EXPECT_THROW(TracerProvider provider(options), std::invalid_argument);
}

}  // namespace
}  // namespace edaobs::telemetry
