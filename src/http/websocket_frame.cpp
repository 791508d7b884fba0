#include "http/websocket_frame.h"

#include <openssl/evp.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/utf8.h"

namespace howler::http {
namespace {

constexpr std::string_view kHandshakeGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr int kProtocolError = 1002;
constexpr int kUnsupportedData = 1003;
constexpr int kInvalidPayload = 1007;
constexpr int kTooBig = 1009;

bool IsControl(int opcode) {
  return opcode >= 0x8;
}

// Codes a peer may send (RFC 6455 section 7.4; 1012-1014 as registered with IANA).
bool IsValidReceivedCloseCode(int code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

}  // namespace

std::optional<std::string> WebSocketAcceptKey(std::string_view client_key) {
  auto decoded = Base64Decode(client_key);
  if (!decoded.ok() || decoded->size() != 16) return std::nullopt;
  const std::string input = std::string(client_key) + std::string(kHandshakeGuid);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    return std::nullopt;
  }
  return Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

int WebSocketFrameParser::Feed(std::string_view bytes, std::vector<WebSocketEvent>& out) {
  while (!bytes.empty() && failed_ == 0 && !closed_) {
    if (!in_frame_) {
      // The header's length is known from its second byte on.
      std::size_t want = 2;
      if (header_size_ >= 2) {
        const int length7 = header_[1] & 0x7F;
        want += (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + ((header_[1] & 0x80) ? 4 : 0);
      }
      const std::size_t take = std::min(want - header_size_, bytes.size());
      std::copy_n(bytes.data(), take, header_ + header_size_);
      header_size_ += take;
      bytes.remove_prefix(take);
      if (header_size_ < want) continue;
      if (want == 2 && (header_[1] & 0x80) == 0) failed_ = kProtocolError;  // unmasked
      if (want == 2 || failed_ != 0) continue;
      failed_ = StartFrame();
      if (failed_ == 0 && remaining_ == 0) failed_ = FinishFrame(out);
      continue;
    }
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    std::string& into = IsControl(opcode_) ? control_ : message_;
    const std::size_t start = into.size();
    into.append(bytes.data(), take);
    for (std::size_t i = start; i < into.size(); ++i) {
      into[i] = static_cast<char>(into[i] ^ mask_[mask_offset_++ & 3]);
    }
    bytes.remove_prefix(take);
    remaining_ -= take;
    if (remaining_ == 0) failed_ = FinishFrame(out);
  }
  return failed_;
}

int WebSocketFrameParser::StartFrame() {
  header_size_ = 0;
  fin_ = (header_[0] & 0x80) != 0;
  opcode_ = header_[0] & 0x0F;
  if ((header_[0] & 0x70) != 0) return kProtocolError;  // no extension was negotiated
  std::size_t at = 2;
  remaining_ = header_[1] & 0x7F;
  if (remaining_ == 126) {
    remaining_ = (std::uint64_t{header_[2]} << 8) | header_[3];
    at = 4;
  } else if (remaining_ == 127) {
    remaining_ = 0;
    for (std::size_t i = 2; i < 10; ++i) remaining_ = (remaining_ << 8) | header_[i];
    if (remaining_ >> 63) return kProtocolError;
    at = 10;
  }
  std::copy_n(header_ + at, 4, mask_);
  mask_offset_ = 0;
  switch (opcode_) {
    case 0x0:
      if (!in_message_) return kProtocolError;
      break;
    case 0x1:
      if (in_message_) return kProtocolError;
      in_message_ = true;
      break;
    case 0x2:
      return in_message_ ? kProtocolError : kUnsupportedData;
    case 0x8:
    case 0x9:
    case 0xA:
      if (!fin_ || remaining_ > 125) return kProtocolError;
      control_.clear();
      in_frame_ = true;
      return 0;
    default:
      return kProtocolError;
  }
  if (remaining_ > max_message_ - std::min(max_message_, message_.size())) return kTooBig;
  in_frame_ = true;
  return 0;
}

int WebSocketFrameParser::FinishFrame(std::vector<WebSocketEvent>& out) {
  in_frame_ = false;
  switch (opcode_) {
    case 0x9:
      out.push_back({WebSocketEvent::Kind::kPing, std::move(control_)});
      control_ = std::string();
      return 0;
    case 0xA:
      out.push_back({WebSocketEvent::Kind::kPong, std::move(control_)});
      control_ = std::string();
      return 0;
    case 0x8: {
      closed_ = true;
      if (control_.empty()) {
        out.push_back({WebSocketEvent::Kind::kClose, {}, 1005});
        return 0;
      }
      if (control_.size() == 1) return kProtocolError;
      const int code =
          (static_cast<unsigned char>(control_[0]) << 8) | static_cast<unsigned char>(control_[1]);
      if (!IsValidReceivedCloseCode(code)) return kProtocolError;
      std::string reason = control_.substr(2);
      if (!IsValidUtf8(reason)) return kInvalidPayload;
      out.push_back({WebSocketEvent::Kind::kClose, std::move(reason), code});
      control_ = std::string();
      return 0;
    }
    default:
      break;
  }
  if (!fin_) return 0;
  in_message_ = false;
  if (!IsValidUtf8(message_)) return kInvalidPayload;
  out.push_back({WebSocketEvent::Kind::kText, std::move(message_)});
  message_ = std::string();  // an idle connection keeps no buffer
  return 0;
}

std::string EncodeWebSocketFrame(int opcode, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  out.push_back(static_cast<char>(0x80 | (opcode & 0x0F)));
  const std::uint64_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(n >> shift));
  }
  out.append(payload);
  return out;
}

std::string EncodeWebSocketClose(int code, std::string_view reason) {
  std::size_t keep = 0;  // whole characters within 123 bytes
  while (keep < reason.size()) {
    const std::size_t n = Utf8SequenceLength(reason, keep);
    if (n == 0 || keep + n > 123) break;
    keep += n;
  }
  std::string payload;
  payload.push_back(static_cast<char>((code >> 8) & 0xFF));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, keep));
  return EncodeWebSocketFrame(0x8, payload);
}

}  // namespace howler::http
