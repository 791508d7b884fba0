#include "http/event_stream.h"

#include <utility>

namespace howler::http {
namespace {

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ");
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  out += '\n';
}

}  // namespace

EventStream::EventStream(Limits limits) : limits_(limits) {}

std::string EventStream::Format(std::string_view event, std::string_view data,
                                std::string_view id) {
  std::string out;
  out.reserve(event.size() + data.size() + id.size() + 32);
  if (!event.empty()) AppendField(out, "event", event);
  if (!id.empty()) AppendField(out, "id", id);
  std::size_t start = 0;
  for (;;) {
    std::size_t end = data.find('\n', start);
    std::string_view line = data.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append("data: ").append(line) += '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out += '\n';
  return out;
}

bool EventStream::Publish(std::string_view event, std::string_view data, std::string_view id) {
  std::string text = Format(event, data, id);
  std::function<void(BodyChunk)> deliver;
  bool overflowed = false;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kOpen) return false;
    overflowed =
        queued_events_ + 1 > limits_.max_events || queued_.size() + text.size() > limits_.max_bytes;
    if (overflowed) {
      state_ = State::kOverflowed;
      queued_.clear();
      queued_events_ = 0;
    } else if (!waiting_) {
      queued_ += text;
      ++queued_events_;
      return true;
    }
    deliver = std::exchange(waiting_, nullptr);
  }
  if (deliver) deliver(overflowed ? BodyChunk::Failed() : BodyChunk::Data(std::move(text)));
  return !overflowed;
}

void EventStream::Close() {
  std::function<void(BodyChunk)> deliver;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kOpen) return;
    state_ = State::kClosing;
    deliver = std::exchange(waiting_, nullptr);
  }
  if (deliver) deliver(BodyChunk::Last());  // a waiting Pull means nothing was queued
}

bool EventStream::closed() const {
  std::lock_guard lock(mu_);
  return state_ != State::kOpen;
}

std::size_t EventStream::queued_events() const {
  std::lock_guard lock(mu_);
  return queued_events_;
}

void EventStream::Pull(std::function<void(BodyChunk)> deliver) {
  BodyChunk chunk;
  {
    std::lock_guard lock(mu_);
    switch (state_) {
      case State::kOverflowed:
        chunk = BodyChunk::Failed();
        break;
      case State::kCancelled:
        chunk = BodyChunk::Last();
        break;
      case State::kClosing:
        chunk = BodyChunk::Last(std::exchange(queued_, {}));
        queued_events_ = 0;
        break;
      case State::kOpen:
        if (queued_.empty()) {
          waiting_ = std::move(deliver);
          return;
        }
        chunk = BodyChunk::Data(std::exchange(queued_, {}));
        queued_events_ = 0;
        break;
    }
  }
  deliver(std::move(chunk));
}

void EventStream::Cancel() {
  std::function<void(BodyChunk)> dropped;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kOpen || state_ == State::kClosing) state_ = State::kCancelled;
    queued_.clear();
    queued_events_ = 0;
    dropped = std::exchange(waiting_, nullptr);  // destroyed outside the lock
  }
}

Response EventStreamResponse(std::shared_ptr<EventStream> stream) {
  Response r;
  r.kind = ResponseKind::kEventStream;
  r.headers.Set("Content-Type", "text/event-stream");
  r.headers.Set("X-Accel-Buffering", "no");  // proxies that buffer (nginx) pass events on
  r.body_source = std::move(stream);
  r.compressible = false;
  return r;
}

}  // namespace howler::http
