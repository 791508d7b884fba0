// Secret: a database password held only in memory, for as long as its connection lives.
//
// The bytes live in one heap buffer that is never copied (Secret is move-only) and is
// wiped (sodium_memzero) when the Secret is destroyed or Wipe() is called. It has no
// operator<< and no conversion to std::string, so it cannot reach a log line, an error
// message or a metric by accident; engines read it through c_str() only to hand it to the
// client library. Not thread-safe; one owner.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace howler::dbmanager {

class Secret {
 public:
  Secret() = default;
  // Copies `text`; the caller wipes its own copy.
  explicit Secret(std::string_view text);
  Secret(Secret&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
  }
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;
  ~Secret() { Wipe(); }

  // NUL-terminated; "" when empty or wiped.
  const char* c_str() const { return data_ != nullptr ? data_.get() : ""; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Overwrites the bytes with zeros and frees them.
  void Wipe();

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
};

}  // namespace howler::dbmanager
