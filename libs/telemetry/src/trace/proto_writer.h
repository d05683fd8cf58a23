#pragma once
// A minimal protobuf wire-format writer appending to a string, for the OTLP/HTTP protobuf body.
//
// Like JsonWriter it writes through a raw cursor into room reserved ahead in the string (grown
// geometrically), so encoding a batch into a reused buffer allocates nothing once warm. The
// string holds the written bytes, and only those, once the writer is destroyed.
//
// A length-delimited submessage whose size is not known up front (a span, the batch) gets a
// length placeholder of kLengthPlaceholderBytes bytes that end_message() fills with a padded
// varint (continuation bits set on the leading bytes). Protobuf parsers accept non-minimal
// varints, so the body is written once and never moved. Small messages whose size is cheap to
// compute first (KeyValue, AnyValue) are written with exact lengths instead (see otlp_protobuf).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace edaobs::telemetry::detail {

// Wire types of the protobuf encoding.
enum class WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5
};

[[nodiscard]] constexpr std::uint32_t proto_tag(std::uint32_t field, WireType type) noexcept {
  return (field << 3) | static_cast<std::uint32_t>(type);
}

[[nodiscard]] constexpr std::size_t varint_size(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Bytes of a length-delimited field: tag, length, payload.
[[nodiscard]] constexpr std::size_t length_delimited_size(std::uint32_t tag,
                                                          std::size_t payload) noexcept {
  return varint_size(tag) + varint_size(payload) + payload;
}

// Protobuf strings must be UTF-8; one bad byte (say, a binary Kafka key) would make the Collector
// reject the whole batch. So ill-formed sequences are replaced with U+FFFD, as JsonWriter does.
struct Utf8Scan {
  std::size_t encoded_size = 0;  // bytes once ill-formed sequences are replaced
  bool valid = true;             // nothing to replace: the bytes go out as they are
};
[[nodiscard]] Utf8Scan scan_utf8(std::string_view s) noexcept;

class ProtoWriter {
 public:
  // Enough for any message of up to 32 GiB, far beyond what a batch can be.
  static constexpr std::size_t kLengthPlaceholderBytes = 5;

  explicit ProtoWriter(std::string& out);
  ~ProtoWriter();  // trims the string to what was written
  ProtoWriter(const ProtoWriter&) = delete;
  ProtoWriter& operator=(const ProtoWriter&) = delete;

  void varint_field(std::uint32_t tag, std::uint64_t v) {
    ensure(20);
    put_varint(tag);
    put_varint(v);
  }
  void fixed64_field(std::uint32_t tag, std::uint64_t v) {
    ensure(13);
    put_varint(tag);
    put_le(v);
  }
  void fixed32_field(std::uint32_t tag, std::uint32_t v) {
    ensure(9);
    put_varint(tag);
    put_le(v);
  }
  void double_field(std::uint32_t tag, double v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(bits));
    fixed64_field(tag, bits);
  }
  // string and bytes fields alike.
  void bytes_field(std::uint32_t tag, const void* data, std::size_t size) {
    ensure(20 + size);
    put_varint(tag);
    put_varint(size);
    std::memcpy(cur_, data, size);
    cur_ += size;
  }
  void string_field(std::uint32_t tag, std::string_view s) { string_field(tag, s, scan_utf8(s)); }
  // With the scan the caller already made (to compute an enclosing message's size).
  void string_field(std::uint32_t tag, std::string_view s, const Utf8Scan& scan) {
    if (scan.valid) {
      bytes_field(tag, s.data(), s.size());
    } else {
      message_header(tag, scan.encoded_size);
      write_replacing_ill_formed(s, scan.encoded_size);
    }
  }

  // The header of a submessage whose payload size the caller has computed.
  void message_header(std::uint32_t tag, std::size_t payload_size) {
    ensure(20);
    put_varint(tag);
    put_varint(payload_size);
  }

  // A submessage of unknown size: returns where its length goes, for end_message().
  [[nodiscard]] std::size_t begin_message(std::uint32_t tag) {
    ensure(10 + kLengthPlaceholderBytes);
    put_varint(tag);
    const std::size_t at = written();
    cur_ += kLengthPlaceholderBytes;
    return at;
  }
  void end_message(std::size_t length_at);

  [[nodiscard]] std::size_t written() const noexcept {
    return static_cast<std::size_t>(cur_ - out_.data());
  }

 private:
  void ensure(std::size_t n) {
    if (static_cast<std::size_t>(end_ - cur_) < n) {
      grow(n);
    }
  }
  void grow(std::size_t n);
  void write_replacing_ill_formed(std::string_view s, std::size_t encoded_size);
  void put_varint(std::uint64_t v) {
    while (v >= 0x80) {
      *cur_++ = static_cast<char>(static_cast<std::uint8_t>(v) | 0x80U);
      v >>= 7;
    }
    *cur_++ = static_cast<char>(v);
  }
  template <typename T>
  void put_le(T v) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      *cur_++ = static_cast<char>(static_cast<std::uint8_t>(v >> (8 * i)));
    }
  }

  std::string& out_;
  char* cur_ = nullptr;  // next byte to write, inside out_
  char* end_ = nullptr;  // end of the reserved room (out_'s current size)
};

}  // namespace edaobs::telemetry::detail
