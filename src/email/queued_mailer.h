// QueuedMailer: the production Mailer. Send() puts the message on a bounded queue and
// returns at once; one worker thread renders each message (templates.h) and hands it to
// the Transport, retrying transient failures (transport.h) after each delay in
// `retry_delays`. Every message ends in exactly one counted result:
//   "sent"     the transport accepted it
//   "failed"   a permanent error, or the last retry failed too (logged as an error)
//   "dropped"  never delivered because the queue was full, the mailer was shutting down,
//              or the shutdown budget ran out before its turn (logged as a warning)
// Counts go to `counter(type, transport, result)`, e.g. Metrics::CountEmail. Log lines
// carry the type, transport and error; never the token or the link, and the recipient only
// where a provider's error message names it.
//
// Thread-safety: Send() from any thread. Shutdown() from any thread but the worker, and
// not concurrently with itself; the destructor calls Shutdown(0) if it was not called.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string_view>
#include <thread>
#include <vector>

#include "email/mailer.h"
#include "email/templates.h"
#include "email/transport.h"

namespace howler::email {

// Called with (type, transport, result) once per message; must be thread-safe and must
// not throw.
using EmailCounter =
    std::function<void(std::string_view type, std::string_view transport, std::string_view result)>;

struct QueuedMailerOptions {
  std::size_t capacity = 1000;  // messages waiting (the one being delivered not included)
  // One retry after each delay: 4 attempts in all by default.
  std::vector<std::chrono::milliseconds> retry_delays = {
      std::chrono::milliseconds(500), std::chrono::seconds(1), std::chrono::seconds(2)};
  TemplateContext templates;
};

class QueuedMailer final : public Mailer {
 public:
  // Starts the worker thread. `transport` must not be null.
  QueuedMailer(std::unique_ptr<Transport> transport, QueuedMailerOptions options,
               EmailCounter counter = {});
  ~QueuedMailer() override;
  QueuedMailer(const QueuedMailer&) = delete;
  QueuedMailer& operator=(const QueuedMailer&) = delete;

  // See Mailer. False (logged and counted "dropped") when full or shutting down.
  bool Send(EmailMessage message) override;

  // Stops accepting messages and keeps delivering the queued ones (retries included) until
  // the queue is empty or `budget` has passed. Then the attempt in flight is cancelled
  // (transports stop within about a second), what is left is counted "dropped", and the
  // worker is joined. Later calls return at once.
  void Shutdown(std::chrono::milliseconds budget);

  // Messages waiting for the worker.
  std::size_t queued() const;
  std::string_view transport_name() const { return transport_->name(); }

 private:
  void Run(const std::stop_token& stop);
  std::optional<EmailMessage> Next(const std::stop_token& stop);
  void Deliver(const EmailMessage& message, const std::stop_token& stop);
  // Logs the outcome of an attempt and returns the message's result ("sent", "failed",
  // "dropped"), or an empty view when another attempt should follow.
  std::string_view Conclude(EmailType type, const Status& status, std::size_t attempt,
                            std::size_t attempts, const std::stop_token& stop) const;
  // False when `stop` was requested before `delay` passed.
  bool Sleep(std::chrono::milliseconds delay, const std::stop_token& stop);
  void DropRemaining();
  void Count(EmailType type, std::string_view result) const;

  const std::unique_ptr<Transport> transport_;
  const QueuedMailerOptions options_;
  const EmailCounter counter_;

  mutable std::mutex mu_;
  std::condition_variable_any wake_;  // worker: a message arrived, or closing
  std::condition_variable done_;      // Shutdown: the worker finished
  std::deque<EmailMessage> queue_;
  bool closing_ = false;
  bool worker_done_ = false;

  std::mutex shutdown_mu_;
  std::jthread worker_;  // last: started once everything above exists
};

}  // namespace howler::email
