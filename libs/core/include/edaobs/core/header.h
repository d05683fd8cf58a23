#pragma once
// Key-value headers in the two shapes the libraries need: owned (Kafka records being built, OTLP
// request headers, carriers) and borrowed views (headers of a consumed record, valid while the
// record lives).
#include <string>
#include <string_view>
#include <vector>

namespace edaobs {

struct Header {
  std::string key;
  std::string value;
  friend bool operator==(const Header&, const Header&) = default;
};
using HeaderList = std::vector<Header>;

struct HeaderView {
  std::string_view key;
  std::string_view value;  // a null Kafka header value reads as empty
};

}  // namespace edaobs
