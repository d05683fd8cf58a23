#pragma once
// The routes an agent adds to its HttpServer: exact path, then method. Thread-safe; routes may be
// added while requests are served.
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "edaobs/telemetry/http/http_server.h"

namespace edaobs::telemetry::detail {

struct Route {
  HttpHandler handler;           // a synchronous route, or
  DeferredHttpHandler deferred;  // a deferred one
  DeferredRouteOptions options;  // deferred only
};

struct RouteLookup {
  std::shared_ptr<const Route> route;  // null: no such path, or not for this method
  bool path_known = false;
  std::string allowed;  // the path's methods ("GET, POST") when the method is not routed
};

class RouteTable {
 public:
  // Throws std::invalid_argument for a bad path, a duplicate or a built-in endpoint.
  void add(std::string method, std::string path, Route route);
  [[nodiscard]] RouteLookup find(std::string_view method, std::string_view path) const;
  [[nodiscard]] static bool builtin(std::string_view path) noexcept;

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::map<std::string, std::shared_ptr<const Route>, std::less<>>,
           std::less<>>
      routes_;
};

}  // namespace edaobs::telemetry::detail
