// CountRecorder: a test EmailCounter that remembers every (type, transport, result).
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "email/queued_mailer.h"

namespace howler::email {

class CountRecorder {
 public:
  EmailCounter Callback() {
    return [this](std::string_view type, std::string_view transport, std::string_view result) {
      std::lock_guard lock(mu_);
      ++counts_[Key(type, transport, result)];
    };
  }

  int Get(std::string_view type, std::string_view transport, std::string_view result) const {
    std::lock_guard lock(mu_);
    const auto it = counts_.find(Key(type, transport, result));
    return it == counts_.end() ? 0 : it->second;
  }

  int Total() const {
    std::lock_guard lock(mu_);
    int total = 0;
    for (const auto& [key, n] : counts_) total += n;
    return total;
  }

 private:
  static std::string Key(std::string_view type, std::string_view transport,
                         std::string_view result) {
    return std::string(type) + "/" + std::string(transport) + "/" + std::string(result);
  }

  mutable std::mutex mu_;
  std::map<std::string, int> counts_;
};

}  // namespace howler::email
