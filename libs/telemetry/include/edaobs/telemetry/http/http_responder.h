#pragma once
// The way a deferred route answers: its handler gets the request and an HttpResponder, returns
// at once, and whoever holds the responder (the handler itself, another thread, a callback such
// as a Kafka delivery report) answers later. The connection stays open until then; the answer
// is written by the server's io thread, never by the caller.
//
//   server.add_deferred_route("POST", "/events", [&](const HttpRequest& r, HttpResponder reply) {
//     producer.send(topic, event, [reply](const DeliveryReport& d) { reply.respond(...); });
//   });
//
// Copies share one answer: the first respond() wins. When the last copy goes away without an
// answer, the client gets 500, so a lost responder never leaves a client hanging.
#include <memory>

#include "edaobs/telemetry/http/http_message.h"

namespace edaobs::telemetry {

namespace detail {
class PendingReply;
}  // namespace detail

class HttpResponder {
 public:
  // Answers the request; callable from any thread. false when it was answered already (by an
  // earlier respond(), the route's reply timeout or the server stopping): this one is dropped.
  bool respond(HttpResponse response) const;
  // Whether the request still waits for an answer.
  [[nodiscard]] bool pending() const;

  // For the server only.
  explicit HttpResponder(std::shared_ptr<detail::PendingReply> reply);

 private:
  class Owner;  // answers 500 when the last responder copy is destroyed unanswered
  std::shared_ptr<Owner> owner_;
};

}  // namespace edaobs::telemetry
