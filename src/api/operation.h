// Operation: the declaration of one API operation, shared by both transports. Every rule
// that must be the same over HTTP and gRPC lives here, once: the names on each wire, who
// may call it, which rate-limit budget it spends, where it runs, the limits of its text
// fields and its success message. http/pipeline.cpp and grpc/call_runner.cpp apply the
// policy; handlers and gRPC methods only translate wire shapes and call a service.
//
// Declarations are constexpr data (operations.h); safe to read from any thread.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string_view>

namespace howler::api {

// Who may call an operation.
enum class Access {
  kPublic,   // no token looked at
  kSession,  // a valid bearer token of an active session, else UNAUTHENTICATED / 401
  // A session bearer token, or the license key of an active session (the desktop client's
  // sync credential, auth/license_key.h); else UNAUTHENTICATED / 401. Every other
  // operation refuses a license key.
  kSyncCredential,
  // As kSession, except that a WebSocket upgrade without credentials reaches its handler
  // with an empty caller: the token comes in the connection's first message, which the
  // handler authenticates (browsers cannot set headers on a WebSocket).
  kSessionOrFirstMessage,
};

// The rate-limit budget an operation spends, and its key. Budgets are sized by
// configuration (RATE_LIMIT_AUTH_PER_MIN, RATE_LIMIT_SYNC_PER_MIN); one budget is shared
// by both transports. A per-IP budget is spent before the token is looked at, so that
// guessing tokens is throttled too; a per-user budget after.
enum class Budget {
  kNone,
  kAuthPerIp,    // keyed by the client IP (RATE_LIMIT_AUTH_PER_MIN)
  kSyncPerUser,  // keyed by the authenticated user id (RATE_LIMIT_SYNC_PER_MIN)
};

// Where the handler runs.
enum class RunOn {
  // A cheap read: on the HTTP I/O thread when the database is embedded, else on the
  // worker pool; inline on the gRPC thread.
  kInlineRead,
  // Blocking work (database writes, remote reads): the worker pool over HTTP (503 and
  // Retry-After when its queue is full); inline on the gRPC thread.
  kWorker,
  // Password hashing: the hash pool over both transports (503 / UNAVAILABLE when full).
  kHashPool,
  // A long-lived answer (streamed body, server-sent events, WebSocket): the handler only
  // sets the answer up (as kInlineRead: it must not block) and returns the response with
  // its body source or WebSocket handler; the body is produced afterwards (DESIGN.md
  // "Response kinds").
  kStream,
};

// A length limit of a text field; empty text counts as missing (proto3 cannot tell them
// apart), so a required field must be non-empty.
struct FieldLimit {
  std::string_view name;
  bool required = true;
  std::size_t max_bytes = 4096;
};

// The limit of a field an operation did not declare.
inline constexpr std::size_t kDefaultMaxFieldBytes = 4096;

struct Operation {
  std::string_view name;         // "auth.signup": documentation and tests
  std::string_view http_method;  // "POST"
  std::string_view http_path;    // a route template: "/api/sync/conflicts/{id}/resolve"
  std::string_view grpc_method;  // "howlerops.v1.AuthService/Signup"; empty: HTTP only
  Access access = Access::kSession;
  Budget budget = Budget::kNone;
  RunOn run_on = RunOn::kWorker;
  std::span<const FieldLimit> fields;  // the text fields with their limits
  std::string_view success_message;    // the "message" of a success answer; may be empty

  // The declared limit of `field`. Asking for an undeclared field is a programming error:
  // std::logic_error (a handler's exception becomes 500 / INTERNAL).
  constexpr const FieldLimit& Field(std::string_view field) const {
    for (const FieldLimit& f : fields) {
      if (f.name == field) return f;
    }
    throw std::logic_error("field not declared by the operation");
  }
};

}  // namespace howler::api
