#include "http/pending_reply.h"

#include <utility>

#include "edaobs/telemetry/http/http_responder.h"

namespace edaobs::telemetry {
namespace detail {

PendingReply::PendingReply(std::function<void()> wake) : wake_(std::move(wake)) {}

bool PendingReply::complete(HttpResponse response) {
  std::lock_guard lock(mutex_);
  if (settled_) return false;
  settled_ = true;
  answer_ = std::move(response);
  // Under the lock, so that disconnect() returning means no wake-up is still being posted.
  if (wake_) wake_();
  return true;
}

bool PendingReply::settled() const {
  std::lock_guard lock(mutex_);
  return settled_;
}

HttpResponse PendingReply::settle(HttpResponse fallback) {
  std::lock_guard lock(mutex_);
  settled_ = true;
  if (answer_) return std::move(*answer_);
  return fallback;
}

void PendingReply::disconnect() {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    settled_ = true;
    wake.swap(wake_);
  }
  // `wake` is destroyed outside the lock: what it captured may take locks of its own.
}

PendingReplies::Admission::Admission(PendingReplies& owner, std::shared_ptr<PendingReply> reply)
    : owner_(owner), reply_(std::move(reply)) {
  std::lock_guard lock(owner_.mutex_);
  if (owner_.admitted_.size() >= owner_.limit_) {
    reply_.reset();
    return;
  }
  owner_.admitted_.emplace(reply_.get(), reply_);
}

PendingReplies::Admission::~Admission() {
  if (!reply_) return;
  reply_->disconnect();
  std::lock_guard lock(owner_.mutex_);
  owner_.admitted_.erase(reply_.get());
}

void PendingReplies::disconnect_all() {
  std::lock_guard lock(mutex_);
  for (const auto& [key, reply] : admitted_) reply->disconnect();
}

}  // namespace detail

class HttpResponder::Owner {
 public:
  explicit Owner(std::shared_ptr<detail::PendingReply> reply) : reply_(std::move(reply)) {}
  ~Owner() {
    if (!reply_->settled())
      reply_->complete(
          json_field_response(500, "error", "the handler dropped the request unanswered"));
  }
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;

  [[nodiscard]] detail::PendingReply& reply() const noexcept { return *reply_; }

 private:
  std::shared_ptr<detail::PendingReply> reply_;
};

HttpResponder::HttpResponder(std::shared_ptr<detail::PendingReply> reply)
    : owner_(std::make_shared<Owner>(std::move(reply))) {}

// A moved-from responder answers nothing.
bool HttpResponder::respond(HttpResponse response) const {
  return owner_ && owner_->reply().complete(std::move(response));
}

bool HttpResponder::pending() const { return owner_ && !owner_->reply().settled(); }

}  // namespace edaobs::telemetry
