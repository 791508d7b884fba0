#include "config/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/crypto.h"

namespace howler::config {
namespace {

Status Failed(const std::filesystem::path& path, std::string_view what) {
  return FailedPreconditionError(path.string() + ": " + std::string(what));
}

std::string_view TrimWhitespace(std::string_view s) {
  const std::size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return {};
  }
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

Result<std::string> ReadSecret(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Failed(path, "not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) {
    return Failed(path, "cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string secret(TrimWhitespace(text.str()));
  if (secret.empty()) {
    return Failed(path, "is empty; delete it to generate a new secret");
  }
  return secret;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return InternalError(std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

// Makes the open, empty file `fd` private, writes `secret` and closes it.
Status FillAndClose(int fd, const std::string& secret) {
  Status written =
      ::fchmod(fd, 0600) == 0 ? WriteAll(fd, secret + "\n") : InternalError(std::strerror(errno));
  if (written.ok() && ::fsync(fd) != 0) {
    written = InternalError(std::strerror(errno));
  }
  ::close(fd);
  return written;
}

// Creates `path` with O_CREAT|O_EXCL; AlreadyExists when it exists. A concurrent reader may
// see the file before it is filled: only for filesystems without hard links.
Status CreateDirectly(const std::filesystem::path& path, const std::string& secret) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return errno == EEXIST
               ? AlreadyExistsError(path.string())
               : Failed(path, std::string("cannot be created: ") + std::strerror(errno));
  }
  Status filled = FillAndClose(fd, secret);
  if (!filled.ok()) {
    ::unlink(path.c_str());
    return Failed(path, "cannot be written: " + filled.message());
  }
  return Status::Ok();
}

// Writes `secret` to a private temporary file (mkstemp: O_CREAT|O_EXCL, 0600) and links it
// to `path`, so that `path` appears complete or not at all; AlreadyExists when another
// process linked first.
Status CreateAtomically(const std::filesystem::path& path, const std::string& secret) {
  std::string temp = path.string() + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Failed(path, std::string("cannot be created: ") + std::strerror(errno));
  }
  Status filled = FillAndClose(fd, secret);
  const int linked = filled.ok() ? ::link(temp.c_str(), path.c_str()) : -1;
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (!filled.ok()) {
    return Failed(path, "cannot be written: " + filled.message());
  }
  if (linked == 0) {
    return Status::Ok();
  }
  if (link_errno == EEXIST) {
    return AlreadyExistsError(path.string());
  }
  return CreateDirectly(path, secret);  // e.g. a filesystem without hard links
}

}  // namespace

Result<std::string> ReadOrCreateSecretFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) {
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Failed(path.parent_path(), "cannot create directory: " + ec.message());
    }
  }
  if (std::filesystem::exists(path, ec)) {
    return ReadSecret(path);
  }
  const std::string secret = HexEncode(RandomBytes(64));
  Status created = CreateAtomically(path, secret);
  if (created.code() == StatusCode::kAlreadyExists) {
    return ReadSecret(path);
  }
  HOWLER_RETURN_IF_ERROR(created);
  return secret;
}

}  // namespace howler::config
