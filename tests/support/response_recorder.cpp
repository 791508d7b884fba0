#include "support/response_recorder.h"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

namespace howler::testing {
namespace {

constexpr std::size_t kMaxBody = 4 << 20;

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < in.size() ? kAlphabet[v & 63] : '=');
  }
  return out;
}

// "/api/x?y=1" of "http://127.0.0.1:1234/api/x?y=1", without the query.
std::string PathOf(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos) return "/";
  return url.substr(start, url.find_first_of("?#", start) - start);
}

}  // namespace

void RecordResponse(const std::string& method, const std::string& url, const HttpResult& result) {
  const char* dir = std::getenv("HOWLER_RECORD_RESPONSES");
  if (dir == nullptr || *dir == '\0' || result.status == 0) return;
  const bool truncated = result.body.size() > kMaxBody;
  const std::string_view body = std::string_view(result.body).substr(0, kMaxBody);
  boost::json::object line = {{"method", method},
                              {"path", PathOf(url)},
                              {"status", result.status},
                              {"content_type", result.Header("content-type")},
                              {"content_encoding", result.Header("content-encoding")},
                              {"location", result.Header("location")},
                              {"body_base64", Base64(body)},
                              {"truncated", truncated}};
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  std::ofstream out(std::string(dir) + "/responses-" + std::to_string(::getpid()) + ".jsonl",
                    std::ios::app);
  out << boost::json::serialize(line) << '\n';
}

}  // namespace howler::testing
