// The OTLP exporter's encoding work per span: a batch of 512 consumer spans as the enricher
// records them (15 attributes), encoded into a reused buffer as OTLP/HTTP JSON and as OTLP/HTTP
// protobuf, and then gzip compressed (README "Performance").
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "edaobs/telemetry/sdk/trace/otlp_json.h"
#include "edaobs/telemetry/sdk/trace/otlp_protobuf.h"
#include "edaobs/telemetry/sdk/trace/resource.h"
#include "edaobs/telemetry/sdk/trace/span_data.h"
#include "edaobs/telemetry/trace/propagation.h"

#include "trace/gzip_compressor.h"  // private: the bench measures the exporter's compressor

namespace edaobs::telemetry {
namespace {

SpanContext sample_context() {
  return *parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

constexpr std::size_t kEncodeBatch = 512;

std::vector<std::unique_ptr<SpanData>> enricher_consumer_spans() {
  // The consumer span's attributes as the enricher records them.
  static constexpr std::pair<std::string_view, std::string_view> kTextAttributes[] = {
      {"messaging.system", "kafka"},
      {"messaging.operation.name", "process"},
      {"messaging.operation.type", "process"},
      {"messaging.destination.name", "events.raw"},
      {"messaging.consumer.group.name", "enricher"},
      {"messaging.client.id", "enricher-1"},
      {"messaging.destination.partition.id", "2"},
      {"messaging.kafka.message.key", "5c1b0a7e-1f3d-4e59-9d0c-0b6f3b4f7d21"},
      {"event.id", "5c1b0a7e-1f3d-4e59-9d0c-0b6f3b4f7d21"},
      {"event.type", "order.created"},
      {"event.source", "/edaobs/publisher"},
      {"event.subject", "customer-42"},
      {"messaging.message.id", "5c1b0a7e-1f3d-4e59-9d0c-0b6f3b4f7d21"},
  };
  std::vector<std::unique_ptr<SpanData>> spans;
  for (std::size_t i = 0; i < kEncodeBatch; ++i) {
    auto span = std::make_unique<SpanData>();
    span->context = sample_context();
    span->parent_span_id = sample_context().span_id;
    span->parent_is_remote = true;
    span->name = "process events.raw";
    span->kind = SpanKind::kConsumer;
    span->start_unix_nano = 1'700'000'000'000'000'000ULL + i;
    span->end_unix_nano = span->start_unix_nano + 25'000;
    auto& a = span->attributes;
    for (const auto& [key, value] : kTextAttributes) {
      a.set(key, value);
    }
    a.set("messaging.kafka.offset", static_cast<std::int64_t>(100'000 + i));
    a.set("messaging.message.body.size", std::int64_t{212});
    spans.push_back(std::move(span));
  }
  return spans;
}

template <class Encode>
void run_encode(benchmark::State& state, Encode encode) {
  const Resource resource = make_resource("enricher", "1.0.0", random_uuid(), {});
  const auto spans = enricher_consumer_spans();
  std::string body;
  for (auto _ : state) {
    body.clear();
    encode(body, resource, SpanBatch(spans));
    benchmark::DoNotOptimize(body.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kEncodeBatch));
  state.counters["bytes_per_span"] = static_cast<double>(body.size()) / kEncodeBatch;
}

void BM_OtlpJsonEncodePerSpan(benchmark::State& state) {
  run_encode(state, [](std::string& out, const Resource& r, SpanBatch b) {
    append_otlp_traces_json(out, r, b);
  });
}
BENCHMARK(BM_OtlpJsonEncodePerSpan);

void BM_OtlpProtobufEncodePerSpan(benchmark::State& state) {
  run_encode(state, [](std::string& out, const Resource& r, SpanBatch b) {
    append_otlp_traces_protobuf(out, r, b);
  });
}
BENCHMARK(BM_OtlpProtobufEncodePerSpan);

// The gzip step alone, on the encoded body (protobuf when the argument's first value is 0, JSON
// when 1), at zlib level range(1); the encoding's own cost is the benchmark above.
void BM_OtlpGzipPerSpan(benchmark::State& state) {
  const Resource resource = make_resource("enricher", "1.0.0", random_uuid(), {});
  const auto spans = enricher_consumer_spans();
  std::string body;
  if (state.range(0) == 0) {
    append_otlp_traces_protobuf(body, resource, SpanBatch(spans));
  } else {
    append_otlp_traces_json(body, resource, SpanBatch(spans));
  }
  detail::GzipCompressor gzip(static_cast<int>(state.range(1)));
  std::string compressed;
  for (auto _ : state) {
    gzip.compress(body, compressed);
    benchmark::DoNotOptimize(compressed.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kEncodeBatch));
  state.counters["bytes_per_span"] = static_cast<double>(compressed.size()) / kEncodeBatch;
  state.counters["ratio"] =
      static_cast<double>(body.size()) / static_cast<double>(compressed.size());
}
BENCHMARK(BM_OtlpGzipPerSpan)
    ->ArgNames({"json", "level"})
    ->Args({0, detail::GzipCompressor::kDefaultLevel})
    ->Args({0, 6})
    ->Args({1, detail::GzipCompressor::kDefaultLevel});

}  // namespace
}  // namespace edaobs::telemetry

BENCHMARK_MAIN();
