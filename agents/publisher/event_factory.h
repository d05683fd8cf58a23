#pragma once
// The publisher's domain step: make events — synthetic ones for the steady demo stream, and
// ones posted over HTTP (POST /events {"type":..., "subject":..., "data":{...}}).
#include <cstdint>
#include <string>
#include <string_view>

#include "edaobs/core/expected.h"
#include "edaobs/kafka/envelope/event.h"

namespace edaobs::publisher {

class EventFactory {
 public:
  explicit EventFactory(std::string source);
  // The n-th synthetic event: types rotate, amounts, currencies and countries vary.
  [[nodiscard]] kafka::Event synthetic(std::uint64_t n) const;
  // An event from a POST body, or why it is not one (reason "bad_request", detail for the client).
  [[nodiscard]] Expected<kafka::Event> from_request(std::string_view body) const;

 private:
  [[nodiscard]] kafka::Event stamped(std::string type, std::string subject, std::string data) const;
  std::string source_;
};

}  // namespace edaobs::publisher
