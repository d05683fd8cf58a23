#pragma once
// gzip (RFC 1952) compression of request bodies for OTEL_EXPORTER_OTLP_COMPRESSION=gzip. One
// deflate stream is kept and reset per body, and the output string is reused, so compressing
// allocates nothing once warm (zlib's window and tables are allocated once, on construction).
#include <memory>
#include <string>
#include <string_view>

namespace edaobs::telemetry::detail {

class GzipCompressor {
 public:
  // zlib's levels 1 (fastest) .. 9 (smallest). Throws std::runtime_error if zlib cannot start.
  explicit GzipCompressor(int level = kDefaultLevel);
  ~GzipCompressor();
  GzipCompressor(const GzipCompressor&) = delete;
  GzipCompressor& operator=(const GzipCompressor&) = delete;

  // Replaces `out` with the gzip member holding `in`. Throws std::runtime_error on a zlib error.
  void compress(std::string_view in, std::string& out);

  // Fastest: spans compress about 5x even so, and the exporter's CPU is what the agent pays.
  static constexpr int kDefaultLevel = 1;

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

}  // namespace edaobs::telemetry::detail
