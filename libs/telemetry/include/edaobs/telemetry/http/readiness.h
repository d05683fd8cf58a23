#pragma once
// Readiness checks an agent registers (broker connected, partitions assigned, ...), evaluated
// on each GET /ready. Thread-safe; checks run outside the lock and must be quick.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace edaobs::telemetry {

struct ReadinessCheckResult {
  std::string name;
  bool ok = false;
  std::string error;  // set when the check threw
};

struct ReadinessReport {
  bool ready = false;  // every check passed; false while none is registered (nothing is wired yet)
  std::vector<ReadinessCheckResult> checks;  // in registration order

  // {"status":"ready"|"not_ready","checks":{"<name>":"ok"|"failing"|"error: ..."}}
  [[nodiscard]] std::string to_json() const;
};

class Readiness {
 public:
  // A check with an existing name replaces it.
  void add_check(std::string name, std::function<bool()> check);
  // Runs every check; one that throws counts as failing.
  [[nodiscard]] ReadinessReport evaluate() const;

 private:
  struct Check {
    std::string name;
    std::shared_ptr<const std::function<bool()>> check;
  };
  mutable std::mutex mutex_;
  std::vector<Check> checks_;
};

}  // namespace edaobs::telemetry
