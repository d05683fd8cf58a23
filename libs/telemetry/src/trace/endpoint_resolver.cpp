#include "endpoint_resolver.h"

#include <arpa/inet.h>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <netdb.h>
#include <pthread.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>

namespace edaobs::telemetry::detail {

struct EndpointResolver::Shared {
  std::string host;
  std::string port;
  HostResolver resolve;

  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t requested = 0;  // lookups asked for
  std::uint64_t completed = 0;  // lookups finished (the worker answers the latest request)
  ResolveOutcome last;
  bool worker_running = false;
  bool cancelled = false;
  bool closing = false;
};

namespace {

void run_lookups(const std::shared_ptr<EndpointResolver::Shared>& s);

}  // namespace

EndpointResolver::EndpointResolver(std::string host, std::string port, HostResolver resolve)
    : shared_(std::make_shared<Shared>()) {
  shared_->host = std::move(host);
  shared_->port = std::move(port);
  shared_->resolve = resolve ? std::move(resolve) : HostResolver(system_resolve);
}

EndpointResolver::~EndpointResolver() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
  }
  shared_->changed.notify_all();
}

void EndpointResolver::cancel() noexcept {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->cancelled = true;
  }
  shared_->changed.notify_all();
}

ResolveOutcome EndpointResolver::resolve(std::chrono::steady_clock::time_point deadline) {
  Shared& s = *shared_;
  std::unique_lock lock(s.mutex);
  if (s.cancelled) {
    return {{}, "resolve " + s.host + ": cancelled"};
  }
  // A lookup already under way (perhaps hung since an earlier export) answers this call too.
  if (s.requested == s.completed) {
    ++s.requested;
  }
  const std::uint64_t wanted = s.requested;
  if (!s.worker_running) {
    s.worker_running = true;
    // Detached on purpose: it holds the shared state, and a hung getaddrinfo must not make
    // shutdown wait. It exits when no lookup is pending and the resolver is gone.
    std::thread([shared = shared_] { run_lookups(shared); }).detach();
  } else {
    s.changed.notify_all();
  }
  const bool answered =
      s.changed.wait_until(lock, deadline, [&] { return s.completed >= wanted || s.cancelled; });
  if (s.cancelled) {
    return {{}, "resolve " + s.host + ": cancelled"};
  }
  if (!answered) {
    return {{}, "resolve " + s.host + ": timed out"};
  }
  return s.last;
}

namespace {

void run_lookups(const std::shared_ptr<EndpointResolver::Shared>& shared) {
  pthread_setname_np(pthread_self(), "edaobs-dns");
  EndpointResolver::Shared& s = *shared;
  std::unique_lock lock(s.mutex);
  for (;;) {
    s.changed.wait(lock, [&] { return s.requested != s.completed || s.closing; });
    if (s.requested == s.completed) {  // closing, nothing pending
      s.worker_running = false;
      return;
    }
    const std::uint64_t serving = s.requested;
    lock.unlock();
    ResolveOutcome outcome;
    try {
      outcome.addresses = s.resolve(s.host, s.port);
      if (outcome.addresses.empty()) {
        outcome.error = "resolve " + s.host + ": no addresses";
      }
    } catch (const std::exception& e) {
      outcome.error = "resolve " + s.host + ": " + e.what();
    } catch (...) {
      outcome.error = "resolve " + s.host + ": failed";
    }
    lock.lock();
    s.last = std::move(outcome);
    s.completed = serving;
    s.changed.notify_all();
  }
}

}  // namespace

std::vector<std::string> system_resolve(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    throw std::runtime_error(::gai_strerror(rc));
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  std::vector<std::string> addresses;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* where = nullptr;
    if (a->ai_family == AF_INET) {
      where = &reinterpret_cast<const sockaddr_in*>(a->ai_addr)->sin_addr;
    } else if (a->ai_family == AF_INET6) {
      where = &reinterpret_cast<const sockaddr_in6*>(a->ai_addr)->sin6_addr;
    } else {
      continue;
    }
    if (::inet_ntop(a->ai_family, where, text, sizeof(text)) != nullptr) {
      addresses.emplace_back(text);
    }
  }
  return addresses;
}

}  // namespace edaobs::telemetry::detail
