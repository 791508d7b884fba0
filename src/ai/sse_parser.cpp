#include "ai/sse_parser.h"

namespace howler::ai {

Result<std::vector<SseEvent>> SseParser::Feed(std::string_view bytes) {
  std::vector<SseEvent> out;
  for (char c : bytes) {
    if (after_cr_) {
      after_cr_ = false;
      if (c == '\n') continue;
    }
    if (c == '\r' || c == '\n') {
      after_cr_ = c == '\r';
      HOWLER_RETURN_IF_ERROR(Line(line_, out));
      line_.clear();
      continue;
    }
    line_.push_back(c);
    if (line_.size() > max_event_bytes_) {
      return Status(StatusCode::kDataLoss,
                    "event stream line longer than " + std::to_string(max_event_bytes_) + " bytes");
    }
  }
  return out;
}

Status SseParser::Line(std::string_view line, std::vector<SseEvent>& out) {
  if (line.empty()) {
    if (has_data_) out.push_back(std::move(current_));
    current_ = {};
    has_data_ = false;
    return Status::Ok();
  }
  if (line.front() == ':') return Status::Ok();  // a comment
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) current_.data.push_back('\n');
    current_.data.append(value);
    has_data_ = true;
    if (current_.data.size() > max_event_bytes_) {
      return Status(StatusCode::kDataLoss, "event stream event larger than " +
                                               std::to_string(max_event_bytes_) + " bytes");
    }
  } else if (field == "event") {
    current_.event = std::string(value);
  }
  return Status::Ok();
}

}  // namespace howler::ai
