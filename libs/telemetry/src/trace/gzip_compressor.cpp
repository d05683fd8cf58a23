#include "gzip_compressor.h"

#include <limits>
#include <stdexcept>

#include <zlib.h>

namespace edaobs::telemetry::detail {
namespace {

// windowBits 15 (32 KiB window) plus 16 asks zlib for the gzip wrapper instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

}  // namespace

struct GzipCompressor::Stream {
  z_stream z{};
};

GzipCompressor::GzipCompressor(int level) : stream_(std::make_unique<Stream>()) {
  if (deflateInit2(&stream_->z, level, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: zlib deflateInit2 failed");
  }
}

GzipCompressor::~GzipCompressor() { deflateEnd(&stream_->z); }

void GzipCompressor::compress(std::string_view in, std::string& out) {
  z_stream& z = stream_->z;
  if (in.size() > std::numeric_limits<uInt>::max()) {
    throw std::runtime_error("gzip: body too large");
  }
  if (deflateReset(&z) != Z_OK) {
    throw std::runtime_error("gzip: zlib deflateReset failed");
  }
  // deflateBound is an upper bound for one deflate(Z_FINISH) call with this stream's settings.
  out.resize(deflateBound(&z, static_cast<uLong>(in.size())));
  // zlib's API is not const-correct; it only reads next_in.
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    throw std::runtime_error("gzip: zlib deflate did not finish");
  }
  out.resize(out.size() - z.avail_out);
}

}  // namespace edaobs::telemetry::detail
