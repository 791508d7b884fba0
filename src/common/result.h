// Result<T>: a T or a non-OK Status (abseil's StatusOr, in small).
//
// Accessing value() of a failed Result is a programming error (asserted).
// Thread-safety: like T.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "common/status.h"

namespace howler {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> data_;
};

}  // namespace howler

#define HOWLER_CONCAT_INNER_(a, b) a##b
#define HOWLER_CONCAT_(a, b) HOWLER_CONCAT_INNER_(a, b)
// HOWLER_ASSIGN_OR_RETURN(auto x, Compute()); returns the Status when Compute() failed.
#define HOWLER_ASSIGN_OR_RETURN(lhs, expr) \
  HOWLER_ASSIGN_OR_RETURN_IMPL_(HOWLER_CONCAT_(howler_result_, __LINE__), lhs, expr)
#define HOWLER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
