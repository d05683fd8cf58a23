#pragma once
// Checks an agent registers, evaluated on each request: readiness for GET /ready (broker
// connected, partitions assigned, ...) and liveness for GET /health (no client is broken beyond
// repair). Thread-safe; checks run outside the lock and must be quick.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace edaobs::telemetry {

struct ReadinessCheckResult {
  std::string name;
  bool ok = false;
  std::string error;  // set when the check threw
};

struct ReadinessReport {
  // Every check passed. With no check registered: false for readiness (nothing is wired yet),
  // true for liveness (nothing has failed).
  bool ready = false;
  std::vector<ReadinessCheckResult> checks;  // in registration order

  // {"status":"<passing>"|"<failing>","checks":{"<name>":"ok"|"failing"|"error: ..."}}
  [[nodiscard]] std::string to_json(std::string_view passing = "ready",
                                    std::string_view failing = "not_ready") const;
};

class Readiness {
 public:
  enum class WhenEmpty { kNotReady, kReady };
  explicit Readiness(WhenEmpty when_empty = WhenEmpty::kNotReady) noexcept
      : when_empty_(when_empty) {}

  // A check with an existing name replaces it.
  void add_check(std::string name, std::function<bool()> check);
  // Runs every check; one that throws counts as failing.
  [[nodiscard]] ReadinessReport evaluate() const;

 private:
  struct Check {
    std::string name;
    std::shared_ptr<const std::function<bool()>> check;
  };
  WhenEmpty when_empty_;
  mutable std::mutex mutex_;
  std::vector<Check> checks_;
};

}  // namespace edaobs::telemetry
