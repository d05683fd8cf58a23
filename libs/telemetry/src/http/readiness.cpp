#include "edaobs/telemetry/http/readiness.h"

#include <exception>

#include <boost/json.hpp>

namespace edaobs::telemetry {

std::string ReadinessReport::to_json(std::string_view passing, std::string_view failing) const {
  boost::json::object detail;
  for (const auto& check : checks) {
    if (!check.error.empty()) {
      detail[check.name] = "error: " + check.error;
    } else {
      detail[check.name] = check.ok ? "ok" : "failing";
    }
  }
  boost::json::object body;
  body["status"] = ready ? passing : failing;
  body["checks"] = std::move(detail);
  return boost::json::serialize(body);
}

void Readiness::add_check(std::string name, std::function<bool()> check) {
  auto shared = std::make_shared<const std::function<bool()>>(std::move(check));
  std::lock_guard lock(mutex_);
  for (auto& existing : checks_) {
    if (existing.name == name) {
      existing.check = std::move(shared);
      return;
    }
  }
  checks_.push_back({std::move(name), std::move(shared)});
}

ReadinessReport Readiness::evaluate() const {
  std::vector<Check> checks;
  {
    std::lock_guard lock(mutex_);
    checks = checks_;
  }
  ReadinessReport report;
  report.ready = !checks.empty() || when_empty_ == WhenEmpty::kReady;
  report.checks.reserve(checks.size());
  for (const auto& [name, check] : checks) {
    ReadinessCheckResult result{name, false, {}};
    try {
      result.ok = *check && (*check)();
    } catch (const std::exception& error) {
      result.error = error.what();
      if (result.error.empty()) result.error = "exception";
    } catch (...) {
      result.error = "unknown exception";
    }
    report.ready = report.ready && result.ok;
    report.checks.push_back(std::move(result));
  }
  return report;
}

}  // namespace edaobs::telemetry
