#pragma once
// Why something did not work, in the one shape every library uses.
//   reason  short, stable, low-cardinality ("bad_json", "missing_header", "_QUEUE_FULL",
//           "validation:currency"): it becomes the DLQ `dlq_reason` header, the `error` /
//           `reason` metric label and the span's `error.type`, so it never carries data;
//   detail  human-readable text for logs, the DLQ `dlq_detail` header and span status.
#include <string>
#include <string_view>

namespace edaobs {

struct Failure {
  std::string reason;
  std::string detail;

  friend bool operator==(const Failure&, const Failure&) = default;
};

}  // namespace edaobs
