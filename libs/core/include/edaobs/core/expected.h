#pragma once
// A small stand-in for C++23 std::expected: a value or a Failure (failure.h), with no
// exceptions on the paths that use it (decoding, validating and sending records are hot paths
// where failure is ordinary). `Status` is the value-less form: success, or why not.
#include <type_traits>
#include <utility>
#include <variant>

#include "edaobs/core/failure.h"

namespace edaobs {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
[[nodiscard]] Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

// unexpected(reason, detail): the common case of a Failure.
[[nodiscard]] inline Unexpected<Failure> unexpected(std::string reason, std::string detail) {
  return Unexpected<Failure>{Failure{std::move(reason), std::move(detail)}};
}

template <class T, class E = Failure>
class [[nodiscard]] Expected {
 public:
  Expected(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <class G>
  Expected(Unexpected<G> error)  // NOLINT: implicit by design
      : state_(std::in_place_index<1>, std::move(error.error)) {}

  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  // Precondition: has_value(). Checked by std::get (throws bad_variant_access on misuse, which
  // is a programming error, not an expected failure).
  [[nodiscard]] T& value() & { return std::get<0>(state_); }
  [[nodiscard]] const T& value() const& { return std::get<0>(state_); }
  [[nodiscard]] T&& value() && { return std::get<0>(std::move(state_)); }
  [[nodiscard]] T& operator*() & { return value(); }
  [[nodiscard]] const T& operator*() const& { return value(); }
  [[nodiscard]] T* operator->() { return &value(); }
  [[nodiscard]] const T* operator->() const { return &value(); }

  // Precondition: !has_value().
  [[nodiscard]] const E& error() const& { return std::get<1>(state_); }
  [[nodiscard]] E& error() & { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;  // success
  template <class G>
  Expected(Unexpected<G> error)
      : error_(std::move(error.error)), failed_(true) {}  // NOLINT: implicit by design

  [[nodiscard]] bool has_value() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return has_value(); }
  // Precondition: !has_value().
  [[nodiscard]] const E& error() const& { return error_; }
  [[nodiscard]] E& error() & { return error_; }

 private:
  E error_{};
  bool failed_ = false;
};

using Status = Expected<void>;

}  // namespace edaobs
