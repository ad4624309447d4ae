#pragma once
/// @file result.hpp
/// `result<T, E>`: a value or an error, the C++20 stand-in for C++23's `std::expected`.
/// Every fallible use case in apexcore returns one; what Discord or the store can refuse is an
/// `E`, never an exception. Reading the wrong side is a programming error and throws
/// `bad_result_access` (it is never undefined behaviour).

#include <optional>
#include <stdexcept>
#include <utility>
#include <variant>

namespace apexcore::core {

/// Thrown by result::value() on an error, and by result::error() on a value.
class bad_result_access : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// A value of type `T` or an error of type `E` (T and E must differ).
template <class T, class E>
class result {
    static_assert(!std::is_same_v<T, E>, "result<T, E> needs distinct types");

public:
    result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
    result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT(google-explicit-constructor)

    /// True when it holds a value.
    [[nodiscard]] bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    /// The value. Throws bad_result_access when it holds an error.
    [[nodiscard]] const T& value() const& { return std::get<0>(checked(true)); }
    [[nodiscard]] T& value() & { return std::get<0>(checked(true)); }
    [[nodiscard]] T&& value() && { return std::move(std::get<0>(checked(true))); }
    /// The value, or `fallback` when it holds an error.
    template <class U>
    [[nodiscard]] T value_or(U&& fallback) const& {
        return ok() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }
    /// The error. Throws bad_result_access when it holds a value.
    [[nodiscard]] const E& error() const { return std::get<1>(checked(false)); }

    /// The value; throws bad_result_access when it holds an error.
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }

private:
    const std::variant<T, E>& checked(bool want_value) const {
        if (ok() != want_value) {
            throw bad_result_access(want_value ? "result::value() on an error" : "result::error() on a value");
        }
        return state_;
    }
    std::variant<T, E>& checked(bool want_value) {
        return const_cast<std::variant<T, E>&>(std::as_const(*this).checked(want_value));
    }

    std::variant<T, E> state_;
};

}  // namespace apexcore::core
