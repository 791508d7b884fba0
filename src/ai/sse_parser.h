// SseParser: an incremental reader of a text/event-stream body (the WHATWG server-sent
// events format), as an OpenAI-compatible provider streams a chat completion.
//
// Contract: bytes are fed in pieces of any size (a line, an event or a UTF-8 character may
// be split anywhere); each complete event (ended by an empty line) is returned once, in
// order. `data:` lines of one event are joined with LF; a single space after the colon is
// dropped; comment lines (`:`) and unknown fields are ignored; LF, CRLF and CR end lines.
// An event without data lines is not returned. A line longer than `max_line_bytes`, or an
// event whose data grows beyond `max_event_bytes`, is an error (the stream is not trusted
// further).
// Thread-safety: one owner; not shared.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace howler::ai {

struct SseEvent {
  std::string event;  // the `event:` field; empty for the default ("message")
  std::string data;
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 1 << 20) : max_event_bytes_(max_event_bytes) {}

  // The events completed by `bytes`; DATA_LOSS when a limit was broken.
  Result<std::vector<SseEvent>> Feed(std::string_view bytes);
  // True when bytes of an unfinished line or event are held (the stream ended mid-event).
  bool pending() const { return !line_.empty() || has_data_; }

 private:
  Status Line(std::string_view line, std::vector<SseEvent>& out);

  const std::size_t max_event_bytes_;
  std::string line_;       // the unfinished line
  bool after_cr_ = false;  // the previous byte was CR: an LF right after it is skipped
  SseEvent current_;       // the event being built
  bool has_data_ = false;  // current_ has at least one data line
};

}  // namespace howler::ai
