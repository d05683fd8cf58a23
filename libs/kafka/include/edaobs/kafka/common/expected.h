#pragma once
// A small stand-in for C++23 std::expected: either a value or an error, no exceptions on the
// paths that use it (decoding consumed records is a hot path and failure there is ordinary).
#include <type_traits>
#include <utility>
#include <variant>

namespace edaobs::kafka {

template <class E>
struct Unexpected {
  E error;
};

template <class E>
[[nodiscard]] Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>{std::forward<E>(error)};
}

template <class T, class E>
class Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
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

}  // namespace edaobs::kafka
