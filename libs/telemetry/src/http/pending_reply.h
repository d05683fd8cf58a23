#pragma once
// One deferred request's answer, shared by the session that will write it and the responders
// that give it. Exactly one answer is settled: the handler's, or the server's own when the route's
// reply timeout passes or the server stops, whichever comes first.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "edaobs/telemetry/http/http_message.h"

namespace edaobs::telemetry::detail {

class PendingReply {
 public:
  // `wake` asks the waiting session to look again (it posts onto the session's strand).
  explicit PendingReply(std::function<void()> wake);

  // From any thread: stores the answer and wakes the session. false if one was settled already.
  bool complete(HttpResponse response);
  [[nodiscard]] bool settled() const;
  // The session's side: the handler's answer if there is one, otherwise `fallback`, which then
  // becomes the answer (later complete() calls return false).
  [[nodiscard]] HttpResponse settle(HttpResponse fallback);
  // After this no call wakes the session any more (its io_context may be about to go). The
  // server calls it before it destroys the io_context; a responder answering later is ignored.
  void disconnect();

 private:
  mutable std::mutex mutex_;
  std::optional<HttpResponse> answer_;
  bool settled_ = false;
  std::function<void()> wake_;
};

// The deferred requests of one server that wait for their answer, at most `limit` at once.
class PendingReplies {
 public:
  // One admitted request for as long as its session handles it; on destruction it is withdrawn
  // and disconnected, so a late responder finds it settled and posts nothing.
  class Admission {
   public:
    Admission(PendingReplies& owner, std::shared_ptr<PendingReply> reply);
    ~Admission();
    Admission(const Admission&) = delete;
    Admission& operator=(const Admission&) = delete;
    // Null when the limit refused the request.
    [[nodiscard]] const std::shared_ptr<PendingReply>& reply() const noexcept { return reply_; }

   private:
    PendingReplies& owner_;
    std::shared_ptr<PendingReply> reply_;
  };

  explicit PendingReplies(std::size_t limit) : limit_(limit) {}
  // Disconnects every admitted request: called before the io_context they post to goes.
  void disconnect_all();

 private:
  std::mutex mutex_;
  std::size_t limit_;
  std::map<const PendingReply*, std::shared_ptr<PendingReply>> admitted_;
};

// When a deferred reply waiting `timeout` from now is due. Compared in milliseconds: the default
// timeout (milliseconds::max) overflows the clock's unit.
inline std::chrono::steady_clock::time_point reply_deadline(std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto now = Clock::now();
  const auto room =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now);
  return timeout >= room ? Clock::time_point::max() : now + timeout;
}

}  // namespace edaobs::telemetry::detail
