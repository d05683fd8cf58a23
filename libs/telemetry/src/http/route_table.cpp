#include "http/route_table.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <stdexcept>

namespace edaobs::telemetry::detail {
namespace {
constexpr std::array<std::string_view, 3> kBuiltinPaths{"/metrics", "/health", "/ready"};
}  // namespace

bool RouteTable::builtin(std::string_view path) noexcept {
  return std::find(kBuiltinPaths.begin(), kBuiltinPaths.end(), path) != kBuiltinPaths.end();
}

void RouteTable::add(std::string method, std::string path, Route route) {
  if (!route.handler && !route.deferred) {
    throw std::invalid_argument("add_route: empty handler for " + path);
  }
  if (path.empty() || path.front() != '/') {
    throw std::invalid_argument("add_route: path must start with '/': " + path);
  }
  if (builtin(path)) throw std::invalid_argument("add_route: " + path + " is a built-in endpoint");
  std::transform(method.begin(), method.end(), method.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  auto shared = std::make_shared<const Route>(std::move(route));
  std::unique_lock lock(mutex_);
  auto& methods = routes_[path];
  if (!methods.emplace(method, std::move(shared)).second) {
    throw std::invalid_argument("add_route: " + method + " " + path + " is already routed");
  }
}

RouteLookup RouteTable::find(std::string_view method, std::string_view path) const {
  RouteLookup lookup;
  std::shared_lock lock(mutex_);
  const auto route = routes_.find(path);
  if (route == routes_.end()) return lookup;
  lookup.path_known = true;
  if (const auto it = route->second.find(method); it != route->second.end()) {
    lookup.route = it->second;
    return lookup;
  }
  for (const auto& entry : route->second) {
    if (!lookup.allowed.empty()) lookup.allowed += ", ";
    lookup.allowed += entry.first;
  }
  return lookup;
}

}  // namespace edaobs::telemetry::detail
