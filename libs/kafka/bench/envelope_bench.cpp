// The per-record costs the kafka library adds on top of librdkafka: envelope encode, strict
// decode (headers + RFC 3339 + JSON validation) and trace-context injection into headers.
#include <vector>

#include <benchmark/benchmark.h>

#include "edaobs/kafka/envelope/event.h"
#include "edaobs/kafka/envelope/header_carrier.h"

namespace {

using namespace edaobs;
using namespace edaobs::kafka;

Event sample_event() {
  Event event;
  event.id = "0b8f8a5e-5f0c-4b8e-9d57-0d2f1b6a9c11";
  event.source = "agents/publisher";
  event.type = "order.created";
  event.time = "2024-05-01T12:00:00.123456Z";
  event.subject = "order-42";
  event.data = R"({"order_id":42,"customer":"c-17","amount":129.95,"currency":"EUR",)"
               R"("items":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}]})";
  return event;
}

void BM_Encode(benchmark::State& state) {
  const Event event = sample_event();
  for (auto _ : state) benchmark::DoNotOptimize(encode(event));
}
BENCHMARK(BM_Encode);

void BM_Decode(benchmark::State& state) {
  const EncodedRecord record = encode(sample_event());
  std::vector<HeaderView> views;
  for (const auto& header : record.headers) views.push_back({header.key, header.value});
  const RecordView view{*record.key, record.value, views};
  for (auto _ : state) {
    DecodeResult decoded = decode(view);
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(BM_Decode);

void BM_InjectIntoHeaderList(benchmark::State& state) {
  edaobs::telemetry::SpanContext context;
  context.trace_id.bytes[0] = 1;
  context.span_id.bytes[0] = 2;
  context.trace_flags = edaobs::telemetry::kTraceFlagSampled;
  HeaderList headers = encode(sample_event()).headers;
  HeaderListCarrier carrier(headers);
  for (auto _ : state) {
    edaobs::telemetry::inject(context, carrier);
    benchmark::DoNotOptimize(headers.data());
  }
}
BENCHMARK(BM_InjectIntoHeaderList);

void BM_ExtractFromHeaderViews(benchmark::State& state) {
  HeaderList headers = encode(sample_event()).headers;
  headers.push_back({"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"});
  std::vector<HeaderView> views;
  for (const auto& header : headers) views.push_back({header.key, header.value});
  for (auto _ : state)
    benchmark::DoNotOptimize(edaobs::telemetry::extract(HeaderViewCarrier(views)));
}
BENCHMARK(BM_ExtractFromHeaderViews);

}  // namespace

BENCHMARK_MAIN();
