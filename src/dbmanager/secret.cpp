#include "dbmanager/secret.h"

#include <sodium.h>

#include <cstring>

namespace howler::dbmanager {

Secret::Secret(std::string_view text) : data_(new char[text.size() + 1]), size_(text.size()) {
  std::memcpy(data_.get(), text.data(), text.size());
  data_[text.size()] = '\0';
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = other.size_;
    other.size_ = 0;
  }
  return *this;
}

void Secret::Wipe() {
  if (data_ != nullptr) {
    sodium_memzero(data_.get(), size_ + 1);
    data_.reset();
  }
  size_ = 0;
}

}  // namespace howler::dbmanager
