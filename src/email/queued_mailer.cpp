#include "email/queued_mailer.h"

#include <cassert>

#include "common/log.h"

namespace howler::email {

QueuedMailer::QueuedMailer(std::unique_ptr<Transport> transport, QueuedMailerOptions options,
                           EmailCounter counter)
    : transport_(std::move(transport)),
      options_(std::move(options)),
      counter_(std::move(counter)),
      worker_([this](const std::stop_token& stop) { Run(stop); }) {
  assert(transport_ != nullptr);
}

QueuedMailer::~QueuedMailer() {
  Shutdown(std::chrono::milliseconds(0));
}

bool QueuedMailer::Send(EmailMessage message) {
  const EmailType type = message.type;
  std::string_view reason;
  {
    std::lock_guard lock(mu_);
    if (closing_) {
      reason = "shutting down";
    } else if (queue_.size() >= options_.capacity) {
      reason = "queue full";
    } else {
      queue_.push_back(std::move(message));
      wake_.notify_one();
      return true;
    }
  }
  log::Warn("email dropped",
            {{"type", EmailTypeName(type)}, {"transport", transport_->name()}, {"reason", reason}});
  Count(type, "dropped");
  return false;
}

void QueuedMailer::Shutdown(std::chrono::milliseconds budget) {
  std::lock_guard shutdown_lock(shutdown_mu_);
  if (!worker_.joinable()) return;
  {
    std::unique_lock lock(mu_);
    closing_ = true;
    wake_.notify_all();
    done_.wait_for(lock, budget, [this] { return worker_done_; });
  }
  worker_.request_stop();
  worker_.join();
}

std::size_t QueuedMailer::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void QueuedMailer::Run(const std::stop_token& stop) {
  while (std::optional<EmailMessage> message = Next(stop)) Deliver(*message, stop);
  DropRemaining();
  std::lock_guard lock(mu_);
  worker_done_ = true;
  done_.notify_all();
}

std::optional<EmailMessage> QueuedMailer::Next(const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  wake_.wait(lock, stop, [this] { return !queue_.empty() || closing_; });
  if (stop.stop_requested() || queue_.empty()) return std::nullopt;
  EmailMessage message = std::move(queue_.front());
  queue_.pop_front();
  return message;
}

void QueuedMailer::Deliver(const EmailMessage& message, const std::stop_token& stop) {
  RenderedEmail email = Render(message, options_.templates);
  email.id = NewEmailId();
  const std::size_t attempts = options_.retry_delays.size() + 1;
  for (std::size_t attempt = 1;; ++attempt) {
    const Status status = transport_->Deliver(email, stop);
    const std::string_view result = Conclude(message.type, status, attempt, attempts, stop);
    if (!result.empty()) {
      Count(message.type, result);
      return;
    }
    log::Warn("email attempt failed, retrying", {{"type", EmailTypeName(message.type)},
                                                 {"transport", transport_name()},
                                                 {"attempt", attempt},
                                                 {"error", status.ToString()}});
    if (!Sleep(options_.retry_delays[attempt - 1], stop)) {
      log::Warn("email dropped", {{"type", EmailTypeName(message.type)},
                                  {"transport", transport_name()},
                                  {"reason", "shutdown budget exhausted"}});
      Count(message.type, "dropped");
      return;
    }
  }
}

std::string_view QueuedMailer::Conclude(EmailType type, const Status& status, std::size_t attempt,
                                        std::size_t attempts, const std::stop_token& stop) const {
  const std::string_view type_name = EmailTypeName(type);
  if (status.ok()) {
    log::Info("email sent",
              {{"type", type_name}, {"transport", transport_name()}, {"attempts", attempt}});
    return "sent";
  }
  if (stop.stop_requested()) {
    log::Warn("email dropped", {{"type", type_name},
                                {"transport", transport_name()},
                                {"reason", "shutdown budget exhausted"},
                                {"error", status.ToString()}});
    return "dropped";
  }
  if (IsTransient(status) && attempt < attempts) return {};
  log::Error("email delivery failed", {{"type", type_name},
                                       {"transport", transport_name()},
                                       {"attempts", attempt},
                                       {"error", status.ToString()}});
  return "failed";
}

bool QueuedMailer::Sleep(std::chrono::milliseconds delay, const std::stop_token& stop) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

void QueuedMailer::DropRemaining() {
  std::deque<EmailMessage> left;
  {
    std::lock_guard lock(mu_);
    left.swap(queue_);
  }
  if (left.empty()) return;
  for (const EmailMessage& message : left) Count(message.type, "dropped");
  log::Warn("emails dropped", {{"transport", transport_name()},
                               {"reason", "shutdown budget exhausted"},
                               {"count", left.size()}});
}

void QueuedMailer::Count(EmailType type, std::string_view result) const {
  if (counter_) counter_(EmailTypeName(type), transport_->name(), result);
}

}  // namespace howler::email
