#pragma once
// A TextMapCarrier over an ordered HeaderList (edaobs/core/header.h), with HTTP's
// case-insensitive names. For tests, HTTP requests and anything that already has such a list.
#include <string>
#include <utility>

#include "edaobs/core/header.h"
#include "edaobs/core/text.h"
#include "edaobs/telemetry/trace/propagation.h"

namespace edaobs::telemetry {

class HeaderMapCarrier final : public TextMapCarrier {
 public:
  HeaderMapCarrier() = default;
  explicit HeaderMapCarrier(HeaderList headers) : headers_(std::move(headers)) {}

  // The first header whose name equals `key` ignoring ASCII case.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view key) const override;
  // Replaces the value of an existing header (reusing its buffer) or appends one.
  void set(std::string_view key, std::string_view value) override;

  [[nodiscard]] const HeaderList& headers() const noexcept { return headers_; }
  [[nodiscard]] HeaderList& headers() noexcept { return headers_; }

 private:
  HeaderList headers_;
};

}  // namespace edaobs::telemetry
