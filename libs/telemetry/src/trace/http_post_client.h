#pragma once
// One HTTP/1.1 connection used for POSTs from a single thread, with a deadline per request.
// Beast's timeouts apply to asynchronous operations, so each request runs the async chain on a
// private io_context until it completes or the deadline passes. Name resolution, which no
// socket timeout covers, goes through EndpointResolver under the same deadline.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"
#include "edaobs/telemetry/trace/header_map_carrier.h"

namespace edaobs::telemetry::detail {

struct HttpPostResult {
  bool transport_error = false;  // no response: refused, reset, timed out, ...
  bool aborted = false;          // abort() was called
  std::string error;             // what went wrong, for diagnostics
  int status = 0;                // HTTP status when a response arrived
  std::string retry_after;       // raw Retry-After header, if any
  std::string content_type;      // of the response body
  std::string body;              // response body (bounded, see the .cpp)
};

struct HttpPostClientOptions {
  std::string content_type;      // of the request body
  std::string content_encoding;  // empty: not sent
  HostResolver resolve;          // empty: getaddrinfo
};

class HttpPostClient {
 public:
  HttpPostClient(HttpEndpoint endpoint, const HeaderList& headers, HttpPostClientOptions options);
  ~HttpPostClient();
  HttpPostClient(const HttpPostClient&) = delete;
  HttpPostClient& operator=(const HttpPostClient&) = delete;

  // Sends `body`. A kept-alive connection that turns out to be closed by the server is replaced
  // transparently once.
  HttpPostResult post(std::string_view body, std::chrono::milliseconds timeout);
  // From any thread: abort the request in progress.
  void abort() noexcept;
  void close() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edaobs::telemetry::detail
