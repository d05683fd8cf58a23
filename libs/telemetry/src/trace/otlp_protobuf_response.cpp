// Reading ExportTraceServiceResponse: only partial_success matters to the exporter; every other
// field (a newer Collector may add some) is skipped by its wire type.
#include <cstdint>

#include "edaobs/telemetry/sdk/trace/otlp_response.h"

#include "proto_writer.h"

namespace edaobs::telemetry {
namespace {

using detail::WireType;

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}

  [[nodiscard]] bool done() const noexcept { return pos_ == data_.size(); }

  bool varint(std::uint64_t& v) {
    v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) {
        return false;
      }
      const auto byte = static_cast<std::uint8_t>(data_[pos_++]);
      v |= std::uint64_t{byte & 0x7FU} << shift;
      if ((byte & 0x80U) == 0) {
        return true;
      }
    }
    return false;
  }

  bool length_delimited(std::string_view& payload) {
    std::uint64_t size = 0;
    if (!varint(size) || size > data_.size() - pos_) {
      return false;
    }
    payload = data_.substr(pos_, static_cast<std::size_t>(size));
    pos_ += static_cast<std::size_t>(size);
    return true;
  }

  bool skip(WireType type) {
    std::uint64_t ignored = 0;
    std::string_view payload;
    switch (type) {
      case WireType::kVarint:
        return varint(ignored);
      case WireType::kFixed64:
        return advance(8);
      case WireType::kFixed32:
        return advance(4);
      case WireType::kLengthDelimited:
        return length_delimited(payload);
    }
    return false;  // groups (3, 4) and reserved wire types are not valid here
  }

  // The next field's number and wire type; false at a malformed tag.
  bool tag(std::uint32_t& field, WireType& type) {
    std::uint64_t t = 0;
    if (!varint(t) || (t >> 3) == 0 || (t >> 3) > 0x1FFFFFFF) {
      return false;
    }
    field = static_cast<std::uint32_t>(t >> 3);
    type = static_cast<WireType>(t & 7U);
    return true;
  }

 private:
  bool advance(std::size_t n) {
    if (n > data_.size() - pos_) {
      return false;
    }
    pos_ += n;
    return true;
  }

  std::string_view data_;
  std::size_t pos_ = 0;
};

constexpr std::uint32_t kPartialSuccessField = 1;
constexpr std::uint32_t kRejectedSpansField = 1;
constexpr std::uint32_t kErrorMessageField = 2;

bool read_partial_success(std::string_view payload, OtlpPartialSuccess& out) {
  ProtoReader r(payload);
  while (!r.done()) {
    std::uint32_t field = 0;
    WireType type{};
    if (!r.tag(field, type)) {
      return false;
    }
    if (field == kRejectedSpansField && type == WireType::kVarint) {
      std::uint64_t v = 0;
      if (!r.varint(v)) {
        return false;
      }
      out.rejected_spans = static_cast<std::int64_t>(v);
    } else if (field == kErrorMessageField && type == WireType::kLengthDelimited) {
      std::string_view text;
      if (!r.length_delimited(text)) {
        return false;
      }
      out.error_message.assign(text);
    } else if (!r.skip(type)) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<OtlpPartialSuccess> parse_otlp_traces_response_protobuf(std::string_view body) {
  OtlpPartialSuccess result;
  ProtoReader r(body);
  while (!r.done()) {
    std::uint32_t field = 0;
    WireType type{};
    if (!r.tag(field, type)) {
      return std::nullopt;
    }
    if (field == kPartialSuccessField && type == WireType::kLengthDelimited) {
      std::string_view payload;
      if (!r.length_delimited(payload) || !read_partial_success(payload, result)) {
        return std::nullopt;
      }
    } else if (!r.skip(type)) {
      return std::nullopt;
    }
  }
  return result;
}

}  // namespace edaobs::telemetry
