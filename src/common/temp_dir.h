// TempDir: a fresh private directory removed (recursively) with its owner; for tests and
// scratch work. Not thread-safe; movable, not copyable.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/result.h"

namespace howler {

class TempDir {
 public:
  // Creates <system temp dir>/<prefix>XXXXXX with mode 0700.
  static Result<TempDir> Create(std::string_view prefix = "howler-");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void Remove() noexcept;

  std::filesystem::path path_;
};

}  // namespace howler
