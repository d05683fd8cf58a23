#pragma once
// Kafka record headers in the two shapes the library needs: owned (records being built for
// producing) and borrowed views (headers of a consumed record, valid while the record lives).
#include <string>
#include <string_view>
#include <vector>

namespace edaobs::kafka {

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

}  // namespace edaobs::kafka
