// CurlEasy: one libcurl easy handle set up the way the email transports use it: no
// signals, connect timeout 5 s, total timeout 15 s, an error buffer, and a transfer that
// stops soon after a std::stop_token is triggered. One handle per delivery attempt (email
// volume is low, so there is no pool).
//
// Thread-safety: a handle belongs to one thread at a time; handles may be created on any
// thread (libcurl is initialised once per process, thread-safely).
#pragma once

#include <curl/curl.h>

#include <stop_token>
#include <string>
#include <string_view>

#include "common/status.h"

namespace howler::email {

// An owned curl_slist (headers, recipients).
class CurlList {
 public:
  CurlList() = default;
  ~CurlList();
  CurlList(const CurlList&) = delete;
  CurlList& operator=(const CurlList&) = delete;

  void Append(const std::string& item);
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

class CurlEasy {
 public:
  CurlEasy();
  ~CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  // Null only when libcurl could not allocate a handle; Perform() then fails.
  CURL* get() const { return handle_; }

  // Runs the transfer. `what` prefixes error messages ("resend", "smtp"). Transport-level
  // failures are classified as in transport.h: connection and timeout errors UNAVAILABLE,
  // rejected credentials PERMISSION_DENIED, a stop request CANCELLED, configuration errors
  // (bad URL, unsupported scheme, TLS verification) FAILED_PRECONDITION.
  Status Perform(std::stop_token stop, std::string_view what);

  // The last HTTP status or SMTP reply code (0 when none was received).
  long ResponseCode() const;

 private:
  CURL* handle_ = nullptr;
  char error_[CURL_ERROR_SIZE] = {};
};

// The Status for a failed transfer (exposed for tests).
Status CurlStatus(CURLcode code, std::string_view what, std::string_view detail);

}  // namespace howler::email
