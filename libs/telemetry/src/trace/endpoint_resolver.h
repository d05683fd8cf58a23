#pragma once
// Name resolution that an export deadline bounds. getaddrinfo cannot be cancelled, and Asio's
// async_resolve runs it on a hidden thread whose completion must still be waited for, so a hung
// DNS server would stretch an export far past its deadline. Here one worker thread of our own
// runs the lookups; a caller waits for the answer only until its deadline (or until cancelled)
// and then goes on. A lookup still hanging is not started again: later callers wait on the same
// one. The worker shares its state with the resolver, so destroying the resolver never waits for
// a hung lookup (the worker finishes it and exits on its own).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "edaobs/telemetry/sdk/trace/otlp_http_exporter.h"

namespace edaobs::telemetry::detail {

struct ResolveOutcome {
  std::vector<std::string> addresses;  // numeric IPv4/IPv6 addresses; empty on failure
  std::string error;                   // why there are none
};

class EndpointResolver {
 public:
  EndpointResolver(std::string host, std::string port, HostResolver resolve);
  ~EndpointResolver();
  EndpointResolver(const EndpointResolver&) = delete;
  EndpointResolver& operator=(const EndpointResolver&) = delete;

  // A fresh lookup's result, or an error once `deadline` passes or cancel() is called.
  ResolveOutcome resolve(std::chrono::steady_clock::time_point deadline);
  // From any thread: the waiting resolve() returns at once, and so do later ones.
  void cancel() noexcept;

  struct Shared;  // what the worker thread shares with the resolver (defined in the .cpp)

 private:
  std::shared_ptr<Shared> shared_;
};

// getaddrinfo for TCP, addresses as text (the default HostResolver).
[[nodiscard]] std::vector<std::string> system_resolve(const std::string& host,
                                                      const std::string& port);

}  // namespace edaobs::telemetry::detail
