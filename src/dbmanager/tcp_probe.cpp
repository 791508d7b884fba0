#include "dbmanager/tcp_probe.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace howler::dbmanager {

Status ClassifyTcpFailure(const ConnectionSpec& spec, std::string library_text) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string& host = spec.address.empty() ? spec.host : spec.address;
  if (::getaddrinfo(host.c_str(), std::to_string(spec.port).c_str(), &hints, &found) != 0) {
    return UnavailableError("database host is unreachable").WithDetail(std::move(library_text));
  }
  int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int error = fd < 0 ? errno : 0;
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
    error = errno;
    if (error == EINPROGRESS) {
      pollfd poll{fd, POLLOUT, 0};
      const int ready = ::poll(&poll, 1, static_cast<int>(spec.connect_timeout.count()));
      socklen_t length = sizeof error;
      error = ready <= 0 ? ETIMEDOUT : 0;
      if (ready > 0) {
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      }
    }
  }
  if (fd >= 0) {
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (error == ECONNREFUSED) {
    return UnavailableError("database host refused the connection")
        .WithDetail(std::move(library_text));
  }
  if (error == ETIMEDOUT) {
    return Status(StatusCode::kDeadlineExceeded,
                  "database host did not answer within the connect timeout")
        .WithDetail(std::move(library_text));
  }
  return UnavailableError("database host is unreachable").WithDetail(std::move(library_text));
}

}  // namespace howler::dbmanager
