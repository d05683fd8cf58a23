#include "edaobs/runtime/fault_injection.h"

#include <random>
#include <thread>

#include <boost/json.hpp>

namespace edaobs::runtime {
namespace {

double uniform01() noexcept {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

double read_rate(const boost::json::object& body, const char* key, double current) {
  const boost::json::value* v = body.if_contains(key);
  if (v == nullptr) return current;
  if (!v->is_number()) throw ConfigError(std::string("/admin/faults ") + key, "must be a number");
  const double rate = v->to_number<double>();
  if (rate < 0 || rate > 1)
    throw ConfigError(std::string("/admin/faults ") + key, "must be in [0, 1]");
  return rate;
}

}  // namespace

FaultSettings read_fault_settings(Settings& settings) {
  FaultSettings faults;
  faults.error_rate = settings.number("fault-error-rate", "EDAOBS_FAULT_ERROR_RATE", 0, 0, 1,
                                      "fraction of events whose processing fails on purpose");
  faults.latency =
      settings.millis("fault-latency", "EDAOBS_FAULT_LATENCY", std::chrono::milliseconds(0),
                      "latency added to every event's processing");
  faults.poison_rate = settings.number("fault-poison-rate", "EDAOBS_FAULT_POISON_RATE", 0, 0, 1,
                                       "fraction of events republished as malformed records");
  faults.admin_enabled = settings.boolean("admin-enabled", "EDAOBS_ADMIN_ENABLED", false,
                                          "serve /admin/faults to change faults at run time");
  return faults;
}

FaultInjector::FaultInjector(const FaultSettings& settings)
    : error_rate_(settings.error_rate),
      latency_ms_(settings.latency.count()),
      poison_rate_(settings.poison_rate),
      admin_enabled_(settings.admin_enabled) {}

bool FaultInjector::should_fail() noexcept {
  const double rate = error_rate_.load(std::memory_order_relaxed);
  return rate > 0 && uniform01() < rate;
}

bool FaultInjector::should_poison() noexcept {
  const double rate = poison_rate_.load(std::memory_order_relaxed);
  return rate > 0 && uniform01() < rate;
}

void FaultInjector::add_latency() const {
  const auto ms = latency_ms_.load(std::memory_order_relaxed);
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

FaultSettings FaultInjector::current() const noexcept {
  return {error_rate_.load(), std::chrono::milliseconds(latency_ms_.load()), poison_rate_.load(),
          admin_enabled_};
}

void FaultInjector::apply_json(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object())
    throw ConfigError("/admin/faults", "the body must be a JSON object");
  const auto& body = parsed.get_object();
  const double error_rate = read_rate(body, "error_rate", error_rate_.load());
  const double poison_rate = read_rate(body, "poison_rate", poison_rate_.load());
  std::int64_t latency = latency_ms_.load();
  if (const auto* v = body.if_contains("latency_ms")) {
    if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > 60'000) {
      throw ConfigError("/admin/faults latency_ms", "must be an integer in [0, 60000]");
    }
    latency = v->get_int64();
  }
  error_rate_ = error_rate;
  poison_rate_ = poison_rate;
  latency_ms_ = latency;
}

void FaultInjector::register_admin_routes(telemetry::HttpServer& server) {
  if (!admin_enabled_) return;
  auto render = [this] {
    const FaultSettings now = current();
    boost::json::object body{{"error_rate", now.error_rate},
                             {"latency_ms", now.latency.count()},
                             {"poison_rate", now.poison_rate}};
    return telemetry::HttpResponse{200, "application/json", boost::json::serialize(body), {}};
  };
  server.add_route("GET", "/admin/faults",
                   [render](const telemetry::HttpRequest&) { return render(); });
  server.add_route("POST", "/admin/faults", [this, render](const telemetry::HttpRequest& request) {
    try {
      apply_json(request.body);
    } catch (const ConfigError& e) {
      boost::json::object error{{"error", e.what()}};
      return telemetry::HttpResponse{400, "application/json", boost::json::serialize(error), {}};
    }
    return render();
  });
}

}  // namespace edaobs::runtime
