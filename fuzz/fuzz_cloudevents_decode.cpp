// The CloudEvents decoder on a consumed Kafka record:
//   field 1: "k" + key (no key when the field is empty), field 2: the value (data),
//   then header name, header value, name, value, ...
// Properties: decoding never crashes under both data shapes; an event that decodes encodes to
// a record that decodes again to the same event.
#include <string>
#include <vector>

#include "edaobs/kafka/envelope/event.h"
#include "fuzz_input.h"

using namespace edaobs;
using namespace edaobs::kafka;

namespace {

void check_encode_round_trip(const Event& event, const DecodeOptions& options) {
  const EncodedRecord encoded = encode(event);
  std::vector<HeaderView> views;
  views.reserve(encoded.headers.size());
  for (const Header& header : encoded.headers) views.push_back({header.key, header.value});
  std::optional<std::string_view> key;
  if (encoded.key) key = *encoded.key;
  const DecodeResult again = decode(RecordView{key, encoded.value, views}, options);
  if (!again || again.value().id != event.id || again.value().time != event.time ||
      again.value().data != event.data || again.value().subject != event.subject) {
    edaobs::fuzz::property_failed();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  edaobs::fuzz::FuzzInput input(data, size);
  const std::string_view key_field = input.field();
  std::optional<std::string_view> key;
  if (!key_field.empty()) key = key_field.substr(1);
  const std::string_view value = input.field();
  std::vector<HeaderView> headers;
  while (!input.empty()) {
    const std::string_view name = input.field();
    headers.push_back({name, input.field()});
  }
  const RecordView record{key, value, headers};
  for (const DataShape shape : {DataShape::kJsonObject, DataShape::kAnyJsonValue}) {
    const DecodeOptions options{.max_record_bytes = 64 * 1024, .data_shape = shape};
    const DecodeResult result = decode(record, options);
    if (result) {
      check_encode_round_trip(result.value(), options);
    } else if (result.error().reason.empty()) {
      edaobs::fuzz::property_failed();
    }
  }
  return 0;
}
